"""The family of labs: deterministic, unlike the paper, fair; lab runs, their maxima and tables."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks import emulator_campaign as ec
from benchmarks import family
from benchmarks import labs as lab_family
from benchmarks.__main__ import emulator_main, load_results
from nfpopt.definition import load_definition
from nfpopt.emulator import DEFAULT_PARAMETERS, emulate

LAB_CACHES = Path("benchmarks/results/labs")
FAMILY = range(1, 6)


@pytest.fixture(scope="module")
def definition():
    return load_definition(ec.DEFINITION)


# -- drawing labs -------------------------------------------------------------------------------
def test_lab_zero_is_the_paper_calibrated_emulator():
    assert lab_family.lab(0) == DEFAULT_PARAMETERS


def test_a_lab_is_the_same_every_time_it_is_drawn():
    first = lab_family.lab(3)
    lab_family._lab.cache_clear()
    assert lab_family.lab(3) == first
    assert lab_family.labs(2) == [lab_family.lab(1), lab_family.lab(2)]


@pytest.mark.parametrize("index", FAMILY)
def test_a_lab_draws_every_fitted_constant_and_keeps_the_others(index):
    params = lab_family.lab(index)
    for field in dataclasses.fields(params):
        drawn = getattr(params, field.name) != getattr(DEFAULT_PARAMETERS, field.name)
        if field.name not in lab_family.FITTED_CONSTANTS:
            assert not drawn, field.name
    moved = [n for n in lab_family.FITTED_CONSTANTS if getattr(params, n) != getattr(DEFAULT_PARAMETERS, n)]
    capped = set(lab_family.BOUNDS)  # a capped constant may sit at the paper's value (e.g. 1.0 utilisation)
    assert set(lab_family.FITTED_CONSTANTS) - set(moved) <= capped


def test_the_fitted_constants_are_those_parameters_py_calls_fitted():
    source = Path("nfpopt/emulator/parameters.py").read_text()
    for name in lab_family.FITTED_CONSTANTS:
        assert f"{name}:" in source


def test_labs_differ_from_each_other_and_move_the_sintering_boundary():
    boundaries = {round(lab_family.sintering_boundary_ab_wt_pct(p), 3) for p in lab_family.labs(5)}
    assert len(boundaries) == 5
    paper = lab_family.sintering_boundary_ab_wt_pct(DEFAULT_PARAMETERS)
    assert 4.2 < paper < 5.0  # the paper: 4.2 wt% AB sinters, 5 wt% does not
    assert any(abs(b - paper) > 0.2 for b in boundaries)


def test_the_sintering_boundary_is_where_the_inclusions_percolate():
    from nfpopt.emulator.sintering import rigid_volume_fraction

    params = lab_family.lab(2)
    ab = lab_family.sintering_boundary_ab_wt_pct(params)
    assert rigid_volume_fraction(ab, 12.4, params) == pytest.approx(params.rigid_percolation_fraction)


@pytest.mark.parametrize("index", FAMILY)
def test_every_lab_is_a_fair_problem(definition, index):
    """Some Sobol recipes sinter, some fail, some deliver a 2 C capacity (fresh recipes, not the check's)."""
    recipes = definition.space.sample(2048, seed=99, method="sobol")
    outcomes = emulate(recipes, params=lab_family.lab(index))
    sintered = outcomes["sintered"].astype(bool)
    assert 0.05 < sintered.mean() < 0.95
    assert (outcomes.loc[sintered, "capacity_2c_mah_g"] > 0).sum() >= 3


def test_draws_respect_the_physical_bounds():
    rng = np.random.default_rng(0)
    for _ in range(50):
        params = lab_family.draw(rng)
        assert params.max_utilisation <= 1.0 and params.voltage_headroom_v <= 1.2
        assert min(params.roughening_area_gain, params.roughening_current_gain) >= 1.0


def test_an_unfair_draw_is_recognised():
    nothing_sinters = dataclasses.replace(DEFAULT_PARAMETERS, rigid_percolation_fraction=0.05)
    assert not lab_family.fairness(nothing_sinters).fair
    assert lab_family.fairness(DEFAULT_PARAMETERS).fair


@pytest.mark.parametrize("bad", [-1, 1.5], ids=["negative", "not_an_integer"])
def test_a_bad_lab_index_is_refused(bad):
    with pytest.raises(ValueError, match="lab index"):
        lab_family.lab(bad)


# -- runs in a lab --------------------------------------------------------------------------------
def test_a_lab_run_is_simulated_in_its_lab(definition):
    run = ec.Run("random", "design", 0.0, 0, 4, lab=1)
    simulated = ec.simulate_run(run, definition)
    recipes = simulated.result.truth.merge(simulated.result.experiments, on="experiment_id", suffixes=("", "_m"))
    expected = emulate(recipes[list(definition.space.names)], params=lab_family.lab(1))
    np.testing.assert_allclose(
        simulated.result.truth["internal_resistance_ohm"], expected["internal_resistance_ohm"], equal_nan=True
    )


def test_cell_a_in_a_lab_is_measured_by_that_lab(definition):
    published = ec.starting_experiments(definition, "cell_a", 0.0, 0)
    in_lab = ec.starting_experiments(definition, "cell_a", 0.0, 0, lab_family.lab(1))
    assert in_lab["glass_ssa_m2_g"].iloc[0] == published["glass_ssa_m2_g"].iloc[0]
    expected = emulate(published[list(definition.space.names)], params=lab_family.lab(1))
    assert in_lab["internal_resistance_ohm"].iloc[0] == pytest.approx(expected["internal_resistance_ohm"].iloc[0])


def test_every_run_of_a_lab_sweep_has_its_own_optimiser_seed():
    plan = ec.runs(["random"], seeds=3, n_experiments=4, starts=["cell_a"], noises=[0.0], labs=[1, 2])
    assert len({run.campaign_seed for run in plan}) == len(plan) == 6
    assert ec.Run("random", "cell_a", 0.0, 7, 4).campaign_seed == 7  # the calibrated emulator: as before


def test_a_lab_run_differs_from_the_same_run_on_the_calibrated_emulator(definition):
    columns = ["sintered", "internal_resistance_ohm", "hypervolume"]
    calibrated = ec.run_campaign(ec.Run("sobol", "design", 0.0, 0, 4), definition)
    in_lab = ec.run_campaign(ec.Run("sobol", "design", 0.0, 0, 4, lab=2), definition)
    assert in_lab["lab"].eq(2).all() and calibrated["lab"].eq(ec.CALIBRATED).all()
    assert not calibrated[columns].equals(in_lab[columns])


# -- maxima and tables ------------------------------------------------------------------------------
def test_a_cached_maximum_is_reused_and_one_for_other_constants_is_not(definition, tmp_path):
    cache = tmp_path / "attainable-lab01.json"
    shutil.copy(LAB_CACHES / "attainable-lab01.json", cache)
    stored = ec.attainable_hypervolume(definition, cache, params=lab_family.lab(1))
    assert stored == family.maxima(definition, [1], LAB_CACHES)[1]
    cache.write_text(cache.read_text().replace('"rigid_percolation_fraction": 0.', '"rigid_percolation_fraction": 9.'))
    fresh = ec.attainable_hypervolume(definition, cache, params=lab_family.lab(1), n_sobol=1 << 10)
    assert fresh != stored and '"parameters"' in cache.read_text()


def test_old_sweeps_without_a_lab_column_are_the_calibrated_emulator(tmp_path):
    row = {"strategy": "random", "start": "cell_a", "noise": 0.0, "seed": 0, "experiment": 1, "code": "abc"}
    pd.DataFrame([row]).to_csv(tmp_path / "sweep-old.csv", index=False)
    assert load_results(tmp_path)["lab"].tolist() == [ec.CALIBRATED]


def _hand_made_runs() -> pd.DataFrame:
    """Two labs, two seeds; random reaches 90 % at 8 / 12 (lab 1) and never (lab 2); physics at 2 / 4."""
    rows = []
    to_90 = {("random", 1): (8, 12), ("random", 2): (np.inf, np.inf), ("physics", 1): (2, 4), ("physics", 2): (6, 6)}
    for (strategy, lab), counts in to_90.items():
        for seed, count in enumerate(counts):
            rows.append(
                {
                    "strategy": strategy,
                    "start": "cell_a",
                    "noise": 0.03,
                    "seed": seed,
                    "lab": lab,
                    "experiments": 24,
                    "to_90pct": count,
                    "hv_12": 0.5,
                    "hv_24": 0.8 if strategy == "random" else 0.95,
                    "hv_48": np.nan,
                    "failed_fraction": 0.5 if strategy == "random" else 0.1,
                    "campaign_seconds": 1.0,
                }
            )
    return pd.DataFrame(rows)


def test_the_ratio_to_random_is_taken_per_lab_then_the_median_over_labs():
    ratios = family.ratio_to_random(_hand_made_runs()).set_index(["strategy", "lab"])["ratio"]
    assert ratios[("physics", 1)] == pytest.approx(3 / 10)  # medians 3 and 10
    assert ratios[("physics", 2)] == pytest.approx(6 / 25)  # random never: counted as 25, an upper bound
    summary = family.family_summary(_hand_made_runs()).set_index("strategy")
    assert summary.loc["physics", "× random's experiments to 90 % (labs where known)"] == "0.27 (2/2 labs)"
    # random against itself on lab 2: neither got there, unknown
    assert summary.loc["random", "× random's experiments to 90 % (labs where known)"] == "1.00 (1/2 labs)"
    assert summary.loc["physics", "failed to sinter"] == "10 %"


def test_the_family_report_states_the_targets(tmp_path):
    text = family.markdown_report(_hand_made_runs(), {1: 50_000.0, 2: 40_000.0})
    assert "`physics` at most half random search's experiments to 90 % (ratio 0.27)" in text
    assert "**pass**" in text and "<details>" in text and "40,000" in text


def test_the_cli_runs_a_tiny_lab_sweep_and_writes_the_labs_section(tmp_path):
    for index in (1, 2):
        shutil.copy(LAB_CACHES / f"attainable-lab{index:02d}.json", tmp_path)
    docs = tmp_path / "benchmarks.md"
    docs.write_text("<!-- emulator:begin -->\nkept\n<!-- emulator:end -->\n")
    argv = ["--labs", "2", "--seeds", "1", "--experiments", "4", "--strategies", "random", "--starts", "cell_a"]
    assert emulator_main([*argv, "--noises", "0", "--jobs", "1", "--out", str(tmp_path), "--docs", str(docs)]) == 0
    runs = pd.read_csv(tmp_path / "runs.csv")
    assert sorted(runs["lab"]) == [1, 2] and runs["maximum"].nunique() == 2
    text = docs.read_text()
    assert "kept" in text and "<!-- labs:begin -->" in text and "Labs 1-2 of the family" in text
    assert (tmp_path / "hypervolume.png").exists()
