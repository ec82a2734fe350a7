"""What one propose keeps for the next: reused only on the same results, a start only, never fatal."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from nfpopt.recommend import bayes
from nfpopt.recommend.bayes import propose_bayesian, recommender_fit, results_key
from nfpopt.recommend.warm import MODEL_STATE_SCHEMA, read_warm_start

from .conftest import FAST

PHYSICS = dataclasses.replace(FAST, surrogate="physics_gp")
GOOD_STATE = {
    "schema": MODEL_STATE_SCHEMA,
    "constants": {"rigid_percolation_fraction": 0.31, "charge_transfer_asr_ohm_cm2": 80.0},
    "gp": {"internal_resistance_ohm": {"likelihood.noise_covar.raw_noise": [0.01]}},
    "feasibility": [0.0, -0.5, 0.2],
}


@pytest.fixture(scope="module")
def physics_batch(nfp_history: pd.DataFrame, nfp) -> pd.DataFrame:  # noqa: ANN001
    return propose_bayesian(nfp, nfp_history, 2, PHYSICS)


def test_the_state_of_a_batch_is_json_and_reads_back(physics_batch: pd.DataFrame) -> None:
    state = json.loads(json.dumps(physics_batch.attrs["model_state"]))
    warm = read_warm_start(state)
    assert warm is not None and warm.constants is not None
    stored = state["constants"]["rigid_percolation_fraction"]
    assert warm.constants["rigid_percolation_fraction"] == pytest.approx(stored)
    assert set(warm.gp) == set(state["gp"]) and warm.gp
    assert warm.feasibility == pytest.approx(state["feasibility"])


def test_the_recommenders_fit_is_reused_only_on_the_same_results(physics_batch, nfp_history, nfp) -> None:  # noqa: ANN001
    assert recommender_fit(nfp, nfp_history.copy(), "physics_gp") is bayes._LAST_FIT["fitted"]
    assert recommender_fit(nfp, nfp_history, "gp") is None  # another model
    measured = nfp_history.index[nfp_history["status"] == "measured"][0]
    amended = nfp_history.copy()
    amended.loc[measured, "internal_resistance_ohm"] *= 1.001
    assert recommender_fit(nfp, amended, "physics_gp") is None
    failed = nfp_history.copy()
    failed.loc[measured, "status"] = "failed"
    assert recommender_fit(nfp, failed, "physics_gp") is None
    assert recommender_fit(nfp, nfp_history.iloc[:-1], "physics_gp") is None


def test_a_pending_experiment_does_not_change_what_the_models_are_fitted_on(nfp_history, nfp) -> None:  # noqa: ANN001
    pending = nfp_history.iloc[[0]].assign(status="proposed", experiment_id=10_000)
    for outcome in (o.name for o in nfp.outcomes):
        if outcome in pending:
            pending[outcome] = np.nan
    assert results_key(nfp, pd.concat([nfp_history, pending], ignore_index=True)) == results_key(nfp, nfp_history)


@pytest.mark.parametrize(
    "state",
    [
        pytest.param(None, id="none"),
        pytest.param("model_state", id="not_a_table"),
        pytest.param(GOOD_STATE | {"schema": MODEL_STATE_SCHEMA + 1}, id="newer_schema"),
        pytest.param({k: v for k, v in GOOD_STATE.items() if k != "schema"}, id="no_schema"),
        pytest.param(GOOD_STATE | {"constants": {"rigid_percolation_fraction": -0.3}}, id="negative_constant"),
        pytest.param(GOOD_STATE | {"constants": {"rigid_percolation_fraction": "0.3x"}}, id="text_constant"),
        pytest.param(GOOD_STATE | {"constants": [0.3]}, id="constants_not_a_table"),
        pytest.param(GOOD_STATE | {"gp": {"internal_resistance_ohm": {"raw": [[1.0], [1.0, 2.0]]}}}, id="ragged"),
        pytest.param(GOOD_STATE | {"gp": {"internal_resistance_ohm": {"raw": "wide"}}}, id="text_hyperparameter"),
        pytest.param(GOOD_STATE | {"gp": {"internal_resistance_ohm": {"raw": [float("nan")]}}}, id="nan"),
        pytest.param(GOOD_STATE | {"gp": {"internal_resistance_ohm": [1.0]}}, id="gp_not_a_table"),
        pytest.param(GOOD_STATE | {"feasibility": {"theta": [0.0]}}, id="classifier_not_a_list"),
        pytest.param(GOOD_STATE | {"feasibility": [0.0, float("inf")]}, id="classifier_infinite"),
    ],
)
def test_a_corrupt_or_foreign_state_is_ignored(state: object) -> None:
    assert read_warm_start(state) is None


def test_a_state_for_other_inputs_is_only_a_start(nfp_history, nfp, physics_batch) -> None:  # noqa: ANN001
    """Hyperparameters of the wrong shape (another space), far-off constants and constants the
    prior no longer declares still give a batch."""
    foreign = {
        "schema": MODEL_STATE_SCHEMA,
        "constants": {"rigid_percolation_fraction": 0.05, "charge_transfer_asr_ohm_cm2": 5000.0, "gone": 2.0},
        "gp": {
            name: {"covar_module.raw_lengthscale": [[0.1, 0.2]], "likelihood.noise_covar.raw_noise": [3.0]}
            for name in physics_batch.attrs["model_state"]["gp"]
        },
        "feasibility": [0.1, 0.2],  # another kernel's length
    }
    bayes._LAST_REFIT.clear()
    batch = propose_bayesian(nfp, nfp_history, 2, PHYSICS, warm_start=foreign)
    assert len(batch) == 2 and batch["predicted_internal_resistance_ohm"].gt(0).all()
