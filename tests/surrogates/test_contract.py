"""One contract for every surrogate: fit on recipes, predict mean and sd in the outcome's units."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import load_definition
from nfpopt.emulator import emulate
from nfpopt.exceptions import InputDataError
from nfpopt.surrogates import SURROGATES, Encoder, OutcomeModel, leave_one_out, make_surrogate

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = load_definition(ROOT / "campaigns" / "nfp_rate.toml")


def _sintered_recipes(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` sintered recipes and their outcomes measured with 5 % noise."""
    recipes = DEFINITION.space.sample(4 * n, seed=seed, method="sobol")
    outcomes = emulate(recipes, noise=0.05, seed=seed)
    keep = outcomes["sintered"].astype(bool).to_numpy()
    return recipes[keep].head(n).reset_index(drop=True), outcomes[keep].head(n).reset_index(drop=True)


def _model(kind: str, outcome: str) -> OutcomeModel:
    prior = DEFINITION.prior.mean(outcome) if kind == "physics_gp" else None
    spec = DEFINITION.outcome(outcome)
    return OutcomeModel(outcome, Encoder(DEFINITION.space), make_surrogate(kind, seed=0), prior_mean=prior, spec=spec)


@pytest.fixture(scope="module")
def training() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _sintered_recipes(24, seed=5)


@pytest.mark.parametrize("kind", SURROGATES)
def test_predicts_a_finite_mean_and_positive_sd_per_recipe(kind, training):
    recipes, outcomes = training
    model = _model(kind, "internal_resistance_ohm").fit(recipes, outcomes["internal_resistance_ohm"].to_numpy())
    new = DEFINITION.space.sample(7, seed=11, method="random")
    mean, sd = model.predict(new)
    assert mean.shape == sd.shape == (7,)
    assert np.all(np.isfinite(mean)) and np.all(sd > 0)
    assert np.all(mean > 0)  # a resistance: modelled on a log scale, never negative


@pytest.mark.parametrize("kind", SURROGATES)
def test_reproduces_its_training_data_better_than_the_average(kind, training):
    recipes, outcomes = training
    values = np.log(outcomes["internal_resistance_ohm"].to_numpy())
    model = _model(kind, "internal_resistance_ohm").fit(recipes, np.exp(values))
    mean, _ = model.predict_scaled(recipes)
    assert np.mean((mean - values) ** 2) < 0.5 * np.var(values)


@pytest.mark.parametrize("kind", SURROGATES)
def test_same_seed_same_predictions(kind, training):
    recipes, outcomes = training
    y = outcomes["capacity_2c_mah_g"].to_numpy()
    first = _model(kind, "capacity_2c_mah_g").fit(recipes, y).predict(recipes.head(3))
    second = _model(kind, "capacity_2c_mah_g").fit(recipes, y).predict(recipes.head(3))
    np.testing.assert_allclose(first[0], second[0], rtol=1e-6)


@pytest.mark.parametrize("kind", SURROGATES)
def test_one_measurement_is_too_few_to_model(kind, training):
    recipes, outcomes = training
    with pytest.raises(InputDataError, match="at least 2"):
        _model(kind, "internal_resistance_ohm").fit(recipes.head(1), outcomes["internal_resistance_ohm"].head(1))


@pytest.mark.parametrize("kind", ["gp", "physics_gp", "extra_trees"])
def test_leave_one_out_reports_error_and_interval_coverage(kind, training):
    recipes, outcomes = training
    loo = leave_one_out(
        lambda: _model(kind, "internal_resistance_ohm"),
        recipes.head(12),
        outcomes["internal_resistance_ohm"].head(12).to_numpy(),
    )
    assert len(loo.predicted) == 12
    assert np.isfinite(loo.rmse) and loo.rmse > 0
    assert 0.0 <= loo.coverage_90 <= 1.0


def test_the_physics_prior_predicts_better_than_a_plain_gp_from_few_cells(training):
    """The emulator's equations as prior mean: with 8 cells it already knows the landscape."""
    recipes, outcomes = training
    test_recipes, test_outcomes = _sintered_recipes(30, seed=9)
    truth = np.log(test_outcomes["internal_resistance_ohm"].to_numpy())
    errors = {}
    for kind in ("gp", "physics_gp"):
        model = _model(kind, "internal_resistance_ohm").fit(
            recipes.head(8), outcomes["internal_resistance_ohm"].head(8).to_numpy()
        )
        errors[kind] = np.sqrt(np.mean((model.predict_scaled(test_recipes)[0] - truth) ** 2))
    assert errors["physics_gp"] < 0.5 * errors["gp"]
