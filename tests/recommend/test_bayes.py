"""The Bayesian recommender: constraints exact, failures learned, batches explained and reproducible."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from nfpopt.definition import STRATEGIES, CampaignDefinition
from nfpopt.exceptions import InputDataError
from nfpopt.recommend.bayes import fit_models, propose_bayesian
from nfpopt.recommend.strategies import propose
from tests.recommend.conftest import FAST


def _as_pending(history: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    pending = rows.assign(status="proposed", source="proposed", experiment_id=np.arange(len(rows)) + 1000)
    return pd.concat([history, pending], ignore_index=True)


@pytest.fixture(scope="module")
def batch(nfp: CampaignDefinition, nfp_history) -> pd.DataFrame:
    """One batch of 4 from the simulated history (shared: a proposal costs seconds)."""
    return propose_bayesian(nfp, nfp_history, 4, FAST)


def test_every_proposal_satisfies_the_mixture_and_onset_constraints(nfp: CampaignDefinition, batch):
    assert len(batch) == 4
    assert nfp.space.feasible(batch).all()
    total = batch["nfp_wt_pct"] + batch["ab_wt_pct"] + batch["alumina_wt_pct"]
    assert np.allclose(total, 100.0)


def test_same_seed_and_data_give_the_same_batch(nfp: CampaignDefinition, nfp_history, batch):
    pd.testing.assert_frame_equal(propose_bayesian(nfp, nfp_history, 4, FAST), batch)


def test_proposals_are_explained(batch):
    for outcome in ("internal_resistance_ohm", "capacity_2c_mah_g"):
        point, low, high = (batch[f"predicted_{outcome}{s}"] for s in ("", "_lo90", "_hi90"))
        assert point.notna().all()
        assert (low <= point).all() and (point <= high).all() and (high > low).any()
    assert (batch["predicted_internal_resistance_ohm_scale"] == "log").all()  # declared in nfp_rate.toml
    assert (batch["predicted_capacity_2c_mah_g_scale"] == "linear").all()
    assert batch["p_feasible"].between(0, 1).all()
    assert batch["rationale"].str.contains("P(success)", regex=False).all()


def test_resistance_predictions_and_intervals_are_positive(batch):
    assert (batch["predicted_internal_resistance_ohm_lo90"] > 0).all()


def test_capacity_intervals_stay_within_the_declared_bounds(batch):
    assert batch["predicted_capacity_2c_mah_g_lo90"].min() >= 0.0
    assert batch["predicted_capacity_2c_mah_g_hi90"].max() <= 97.0
    assert batch["p_delivers_capacity_2c_mah_g"].between(0, 1).all()


def test_proposals_avoid_recipes_unlikely_to_sinter(batch):
    assert (batch["p_feasible"] >= FAST.min_p_feasible).all()


def test_failed_recipes_stay_in_the_feasibility_model(nfp: CampaignDefinition, nfp_history):
    fitted = fit_models(nfp, nfp_history, FAST)
    failed = nfp_history[nfp_history["status"] == "failed"]
    sintered = nfp_history[nfp_history["status"] == "measured"]
    assert len(failed) >= 2 and len(sintered) >= 2
    assert fitted.feasibility.probability(failed).mean() < fitted.feasibility.probability(sintered).mean()


def test_pending_experiments_are_not_proposed_again(nfp: CampaignDefinition, nfp_history, batch):
    first = batch.head(2)
    recipe = list(nfp.space.names) + list(nfp.space.derived_names)
    with_pending = _as_pending(nfp_history, first[recipe])
    second = propose_bayesian(nfp, with_pending, 2, FAST)
    keys = {tuple(np.round(r, 6)) for r in first[["glass_ssa_m2_g", "ab_wt_pct"]].to_numpy()}
    assert not keys & {tuple(np.round(r, 6)) for r in second[["glass_ssa_m2_g", "ab_wt_pct"]].to_numpy()}


def test_physics_first_batch_stays_near_the_recipe_known_to_sinter(nfp: CampaignDefinition, nfp_history):
    cell_a = nfp_history.iloc[[0]]
    physics = dataclasses.replace(FAST, surrogate="physics_gp")
    batch = propose_bayesian(nfp, cell_a, 4, physics)
    assert batch["rationale"].str.startswith("initial design near").all()
    span = nfp.space.parameter("calcination_temp_c")
    radius = physics.radius() * (span.upper - span.lower)
    assert (abs(batch["calcination_temp_c"] - float(cell_a["calcination_temp_c"].iloc[0])) <= radius + 1e-9).all()


def test_without_physics_the_first_batch_spans_the_campaign(nfp: CampaignDefinition, nfp_history):
    batch = propose_bayesian(nfp, nfp_history.iloc[[0]], 4, FAST)
    assert batch["rationale"].str.startswith("initial space-filling design").all()


def test_pool_campaign_proposes_only_untried_pool_rows(alloy: CampaignDefinition):
    pool = alloy.candidate_pool
    rng = np.random.default_rng(0)
    made = pool.iloc[:8].copy()
    made["hardness_hv"] = 90 + 10 * made["cu_wt_pct"] - rng.normal(0, 1, len(made))
    made["elongation_pct"] = 14 - 1.2 * made["cu_wt_pct"]
    history = made.assign(status="measured", source="imported", experiment_id=np.arange(1, 9))
    batch = propose_bayesian(alloy, history, 3, FAST)
    names = list(alloy.space.names)
    pool_keys = {tuple(map(str, r)) for r in pool[names].itertuples(index=False)}
    made_keys = {tuple(map(str, r)) for r in made[names].itertuples(index=False)}
    chosen = {tuple(map(str, r)) for r in batch[names].itertuples(index=False)}
    assert chosen <= pool_keys and not chosen & made_keys and len(chosen) == 3
    assert batch["predicted_hardness_hv"].notna().all()  # one objective: qLogNEI with an outcome constraint


@pytest.mark.parametrize("strategy", [s for s in STRATEGIES if s not in ("physics", "bayes_sklearn_gp")])
def test_every_strategy_returns_a_valid_batch(nfp: CampaignDefinition, nfp_history, strategy: str):
    batch = propose(nfp, nfp_history, 2, strategy=strategy, settings=FAST)
    assert len(batch) == 2 and nfp.space.feasible(batch).all()
    assert "rationale" in batch


def test_unknown_strategy_names_the_choices(nfp: CampaignDefinition, nfp_history):
    with pytest.raises(InputDataError, match="bayes"):
        propose(nfp, nfp_history, 2, strategy="simulated_annealing")


def test_a_measured_experiment_without_a_sintering_record_counts_as_success_everywhere(
    nfp: CampaignDefinition, nfp_history
):
    """The GP's training data and the feasibility labels use one definition of success."""
    from nfpopt.experiments import finished, succeeded
    from nfpopt.recommend.bayes import successful

    table = nfp_history.copy().astype({"sintered": object})
    measured = table.index[table["status"] == "measured"][0]
    table.loc[measured, "sintered"] = None
    labels = succeeded(nfp, finished(table))
    assert labels[list(finished(table).index).index(measured)]
    assert table.loc[measured, "experiment_id"] in set(successful(nfp, table)["experiment_id"])
