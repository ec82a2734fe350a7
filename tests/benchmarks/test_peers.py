"""The BayBE and Ax adapters: constraints in linear terms, repair, failures, and proposals when installed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks import peers
from nfpopt.definition import load_definition
from nfpopt.emulator import emulate


@pytest.fixture(scope="module")
def definition():
    return load_definition("campaigns/nfp_rate.toml")


def _table(definition, n: int, seed: int = 0) -> pd.DataFrame:
    """An experiments table as the campaign gives it: recipes, outcomes, status."""
    recipes = definition.space.sample(n, seed=seed, method="random").reset_index(drop=True)
    outcomes = emulate(recipes, noise=0.03, seed=seed)
    table = pd.concat([recipes, outcomes], axis=1)
    table["status"] = np.where(outcomes["sintered"].astype(bool), "measured", "failed")
    return table


def test_mixture_becomes_one_linear_inequality(definition):
    mixture = peers.linear_constraints(definition)[0]
    assert mixture == ({"ab_wt_pct": -1.0, "alumina_wt_pct": -1.0}, -40.0)


def test_onset_tangent_relaxes_the_true_constraint(definition):
    """Every recipe inside the true space satisfies the tangent, and it touches the floor at 3 m2/g."""
    (coefficients, rhs) = peers.linear_constraints(definition)[1]
    recipes = definition.space.sample(2048, seed=1, method="random")
    value = sum(c * recipes[name] for name, c in coefficients.items())
    assert (value >= rhs - 1e-6).all()
    onset = next(c for c in definition.space.constraints if c.kind == "above_crystallisation_onset")
    assert rhs - coefficients["glass_ssa_m2_g"] * 3.0 == pytest.approx(onset.minimum_temperature_c(np.array([3.0]))[0])


def test_ax_constraint_string():
    assert peers._ax_constraint({"a": 1.0, "b": -2.5}, 3.0) == "1 * a - 2.5 * b >= 3"


def test_repair_moves_recipes_into_the_space(definition):
    bad = pd.DataFrame(
        {
            "glass_ssa_m2_g": [3.0, 27.0, 27.0],
            "alumina_ssa_m2_g": [45.0, 45.0, 70.0],
            "ab_wt_pct": [4.0, 7.0, 4.0],
            "alumina_wt_pct": [12.0, 25.0, 12.0],
            "calcination_temp_c": [450.0, 525.0, 525.0],
            "calcination_time_min": [30.0, 30.0, 30.0],
            "roughening": ["none", "cathode", "both"],
        }
    )
    fixed, changed = peers.repair(definition, bad)
    assert definition.space.feasible(fixed).all()
    assert changed.tolist() == [True, True, True]
    assert fixed["ab_wt_pct"].iloc[1] == 6.0 and fixed["nfp_wt_pct"].iloc[1] == pytest.approx(69.0)
    good, changed = peers.repair(definition, fixed)
    assert not changed.any()


def test_observations_mark_failed_experiments(definition):
    table = _table(definition, 12)
    done, failed = peers.observations(definition, table)
    assert failed.tolist() == (~table["sintered"].astype(bool)).tolist()


def test_observations_have_every_objective_even_before_it_is_measured(definition):
    """From Cell A alone no 2 C capacity has been measured: the column must still be there."""
    table = _table(definition, 6).drop(columns=["capacity_2c_mah_g"])
    done, _ = peers.observations(definition, table)
    assert done["capacity_2c_mah_g"].isna().all()
    assert len(done) == 6


def test_repair_only_variant_drops_the_onset_tangent(definition):
    assert len(peers.linear_constraints(definition, onset=False)) == 1
    assert peers.peer_proposer("ax_repair").keywords == {"onset": False}
    assert peers.peer_proposer("ax").keywords == {"onset": True}


@pytest.mark.parametrize("name", ["smac", "ax_tangent", "random_repair"])
def test_unknown_peer_is_refused(name):
    with pytest.raises(ValueError, match=f"unknown peer '{name}'"):
        peers.peer_proposer(name)


@pytest.mark.parametrize(
    "name",
    [pytest.param("ax"), pytest.param("baybe", marks=pytest.mark.slow)],  # BayBE's polytope sampler: ~45 s here
)
def test_peer_proposes_a_feasible_batch_before_modelling(definition, name):
    """On a cold start both peers sample (BayBE: random; Ax: center + Sobol): fast, deterministic."""
    if peers.available(name):
        pytest.skip(f"{name} is not installed here: {peers.available(name)}")
    empty = _table(definition, 2).iloc[:0]
    propose = peers.peer_proposer(name)
    batch = propose(definition, empty, 4)
    assert len(batch) == 4
    assert definition.space.feasible(batch).all()
    pd.testing.assert_frame_equal(batch, propose(definition, empty, 4))


@pytest.mark.slow
@pytest.mark.parametrize("name", peers.PEERS)
def test_peer_models_measured_and_failed_experiments(definition, name):
    if peers.available(name):
        pytest.skip(f"{name} is not installed here: {peers.available(name)}")
    table = _table(definition, 12, seed=3)
    assert (table["status"] == "failed").any()
    batch = peers.peer_proposer(name)(definition, table, 4)
    assert len(batch) == 4 and definition.space.feasible(batch).all()


@pytest.mark.slow
@pytest.mark.parametrize("name", peers.PEERS)
def test_peer_proposes_when_one_objective_was_never_measured(definition, name):
    """From the paper's Cell A alone: a resistance, but no 2 C capacity yet (BayBE 0.15 cannot
    fit a target with no value; the wrapper holds its measurements back until it can)."""
    if peers.available(name):
        pytest.skip(f"{name} is not installed here: {peers.available(name)}")
    table = _table(definition, 3, seed=5)
    table["capacity_2c_mah_g"] = np.nan
    batch = peers.peer_proposer(name)(definition, table, 4)
    assert len(batch) == 4 and definition.space.feasible(batch).all()
