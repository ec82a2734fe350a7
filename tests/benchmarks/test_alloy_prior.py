"""The alloy prior benchmark: its mechanics fast, its target (a wrong prior recovers) as a slow test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks import alloy_prior
from benchmarks.ageing_lab import measure
from nfpopt.definition import load_definition

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / alloy_prior.DEFINITION)


def test_the_wrong_prior_has_every_constant_off_by_a_factor_of_three():
    wrong = alloy_prior.campaign("physics_wrong", DEFINITION).prior
    ratios = [w.value / r.value for w, r in zip(wrong.constants, DEFINITION.prior.constants, strict=True)]
    assert np.allclose(np.abs(np.log(ratios)), np.log(3.0))
    assert alloy_prior.campaign("physics", DEFINITION) is DEFINITION


def test_the_lab_is_not_the_prior():
    recipes = DEFINITION.space.sample(200, seed=0, method="random")
    lab = measure(recipes)["hardness_hv"].to_numpy()  # NaN for a cracked coupon
    prior = DEFINITION.prior.predict(recipes)["hardness_hv"].to_numpy()
    error = (np.log(prior) - np.log(lab))[np.isfinite(lab)]
    assert np.sqrt(np.mean(error**2)) > 0.05  # the best constants leave a discrepancy for the GP to learn


def test_the_campaign_files_constants_are_the_priors_best_fit_to_the_lab():
    fitted = alloy_prior.best_constants(DEFINITION)
    for constant in DEFINITION.prior.constants:
        assert fitted[constant.name] == pytest.approx(constant.value, rel=0.05), constant.name


def test_a_short_run_is_scored_by_the_labs_truth():
    runs = alloy_prior.run("random", seed=0, n_experiments=6, noise=0.02, definition=DEFINITION)
    assert list(runs["experiment"]) == [1, 2, 3, 4, 5, 6]
    best = runs["best_hv"].to_numpy()
    assert np.all(np.diff(best) >= 0)
    counted = runs.loc[runs["counts"], "hardness_hv"]
    assert best[-1] == (counted.max() if len(counted) else -np.inf)


def test_the_summary_gives_median_and_quartiles_of_the_share_above_the_threshold():
    rows = [
        {"strategy": "bayes", "seed": seed, "experiment": e, "best_hv": 80.0 + 10.0 * seed, "constants_off": np.nan}
        for seed in range(5)
        for e in alloy_prior.CHECKPOINTS
    ]
    table = alloy_prior.summary(pd.DataFrame(rows).assign(seconds=1.0), maximum=120.0)
    assert table.loc[0, "hv_24_median"] == pytest.approx(50.0)
    assert (table.loc[0, "hv_24_q1"], table.loc[0, "hv_24_q3"]) == pytest.approx((25.0, 75.0))


def test_constants_off_is_one_for_the_wrong_prior_before_any_refit_and_zero_for_the_right():
    recipes = DEFINITION.space.sample(2, seed=0, method="random")
    two = pd.concat([recipes, measure(recipes)], axis=1).assign(status="measured")  # too few to refit
    wrong = alloy_prior.campaign("physics_wrong", DEFINITION)
    assert alloy_prior.constants_off(wrong, two, DEFINITION) == pytest.approx(1.0)
    assert alloy_prior.constants_off(DEFINITION, two, DEFINITION) == pytest.approx(0.0)


@pytest.mark.slow
def test_a_wrong_prior_recovers_to_at_least_bayes_by_24_experiments(tmp_path: Path):
    assert alloy_prior.main(["--strategies", "bayes,physics_wrong", "--out", str(tmp_path), "--docs", ""]) == 0
    table = pd.read_csv(tmp_path / "summary.csv").set_index("strategy")
    assert table.loc["physics_wrong", "hv_24_median"] >= table.loc["bayes", "hv_24_median"]
