"""Feasibility learned from failures: the classifier behind "will this layer sinter?"."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nfpopt.definition import load_definition
from nfpopt.emulator import emulate
from nfpopt.surrogates import Encoder, FeasibilityModel

DEFINITION = load_definition(Path(__file__).resolve().parents[2] / "campaigns" / "nfp_rate.toml")


def _labelled(n: int, seed: int):
    recipes = DEFINITION.space.sample(n, seed=seed, method="random")
    return recipes, emulate(recipes)["sintered"].astype(bool).to_numpy()


def test_confident_predictions_of_sintering_come_true():
    """Calibration on the emulator: recipes given P >= 0.8 from 24 random cells mostly sinter."""
    test, sinters = _labelled(2000, seed=99)
    precision = []
    for seed in range(3):
        recipes, labels = _labelled(24, seed=seed)
        p = FeasibilityModel(Encoder(DEFINITION.space)).fit(recipes, labels).probability(test)
        confident = p >= 0.8
        assert confident.sum() > 20
        precision.append(sinters[confident].mean())
    assert np.mean(precision) >= 0.85, precision


def test_more_carbon_is_learned_to_stop_sintering():
    """The paper: 5 wt% AB did not sinter where 4.2 wt% did; the classifier learns the trend."""
    recipes, labels = _labelled(48, seed=3)
    model = FeasibilityModel(Encoder(DEFINITION.space)).fit(recipes, labels)
    base = DEFINITION.space.sample(200, seed=4, method="random")
    lean = base.assign(ab_wt_pct=2.8, alumina_wt_pct=8.0)
    rich = base.assign(ab_wt_pct=5.8, alumina_wt_pct=20.0)
    lean, rich = (DEFINITION.space.with_derived(t) for t in (lean, rich))
    assert model.probability(lean).mean() > model.probability(rich).mean() + 0.2


def test_three_successes_and_no_failure_are_not_certainty():
    """Laplace's rule of succession: after 3 successes, P(the next succeeds) = 4/5."""
    recipes = DEFINITION.space.sample(3, seed=0)
    p = FeasibilityModel(Encoder(DEFINITION.space)).fit(recipes, np.ones(3, bool)).probability(recipes)
    assert np.allclose(p, 0.8)


def test_with_only_failures_nothing_is_certain():
    recipes = DEFINITION.space.sample(3, seed=0)
    p = FeasibilityModel(Encoder(DEFINITION.space)).fit(recipes, np.zeros(3, bool)).probability(recipes)
    assert np.all(p == 0.5)
