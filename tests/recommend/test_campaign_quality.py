"""The direction of the recommender's promise on a small budget (opt-in: ``-m slow``).

The full figures (10-20 seeds, 24-48 experiments, peers) come from ``python -m benchmarks
emulator``; this checks the direction on 3 seeds of 16 experiments from the paper's Cell A.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nfpopt.definition import CampaignDefinition
from nfpopt.paper import paper_cells
from nfpopt.recommend.strategies import proposer
from nfpopt.scoring import hypervolume
from nfpopt.simulate import simulate_campaign

REFERENCE = [1000.0, 0.0]  # ohm, mAh/g: the reference point


def _run(definition: CampaignDefinition, strategy: str, seed: int, tmp_path: Path) -> tuple[float, float]:
    prior = paper_cells().loc[["A"]].reset_index()
    result = simulate_campaign(
        definition,
        prior,
        n_experiments=16,
        noise=0.03,
        seed=seed,
        database=tmp_path / f"{strategy}-{seed}.db",
        propose=proposer(strategy),
    )
    truth = result.truth
    sintered = truth["sintered"].astype(bool)
    return hypervolume(truth[sintered], definition.objectives, REFERENCE), float((~sintered).mean())


@pytest.mark.slow
def test_bayes_fails_less_and_finds_more_than_random_search(nfp: CampaignDefinition, tmp_path: Path):
    scores = {s: [_run(nfp, s, seed, tmp_path) for seed in range(3)] for s in ("bayes", "random")}
    hv = {s: np.median([h for h, _ in runs]) for s, runs in scores.items()}
    failed = {s: np.mean([f for _, f in runs]) for s, runs in scores.items()}
    assert failed["bayes"] < failed["random"], failed
    assert hv["bayes"] >= hv["random"], hv
