"""The emulator-campaign benchmark: metrics by hand, one tiny campaign, determinism, the CLI, Dask."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks import emulator_campaign as ec
from benchmarks.__main__ import emulator_main, load_results, main
from nfpopt.definition import load_definition

CACHE = Path("benchmarks/results/emulator/attainable.json")


@pytest.fixture(scope="module")
def definition():
    return load_definition(ec.DEFINITION)


@pytest.fixture(scope="module")
def tiny_run(definition) -> pd.DataFrame:
    return ec.run_campaign(ec.Run("sobol", "design", 0.03, 0, 4), definition)


# -- metrics, by hand ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("curve", "expected"),
    [
        pytest.param([0, 50, 89, 90, 95], 4.0, id="reaches_90_at_the_fourth"),
        pytest.param([95, 95], 1.0, id="first_experiment"),
        pytest.param([0, 10, 89.9], float("inf"), id="never"),
        pytest.param([], float("inf"), id="no_experiments"),
    ],
)
def test_experiments_to_fraction(curve, expected):
    assert ec.experiments_to_fraction(curve, 100.0, 0.9) == expected


def test_median_iqr_of_one_to_five():
    assert ec.median_iqr([5, 1, 3, 2, 4]) == (3.0, 2.0, 4.0)


def test_counts_that_never_reach_the_target_read_as_beyond_the_budget():
    assert ec._fmt_count(pd.Series([4.0, 8.0, np.inf, np.inf, np.inf]), 12) == ">12 [8, >12]"


@pytest.mark.parametrize(
    ("resistance", "capacity", "expected"),
    [
        pytest.param(150.0, 55.0, True, id="better_on_both"),
        pytest.param(181.0, 51.0, True, id="equal_resistance_more_capacity"),
        pytest.param(181.0, 50.2, False, id="cell_d_itself"),
        pytest.param(120.0, 46.9, False, id="cell_e_trades_capacity"),
        pytest.param(np.nan, 60.0, False, id="did_not_sinter"),
    ],
)
def test_dominates_cell_d(resistance, capacity, expected):
    assert ec.dominates(resistance, capacity) is expected


def test_pareto_mask_keeps_the_non_dominated_points():
    points = np.array([[1.0, 1.0], [2.0, 0.5], [0.5, 0.5], [1.0, 1.0]])
    assert ec.pareto_mask(points).tolist() == [True, True, False, True]


def test_per_run_summarises_a_hand_made_run():
    results = pd.DataFrame(
        {
            "strategy": "x",
            "start": "cell_a",
            "noise": 0.0,
            "seed": 0,
            "experiment": [1, 2, 3, 4],
            "sintered": [False, True, True, False],
            "internal_resistance_ohm": [np.nan, 300.0, 150.0, np.nan],
            "capacity_2c_mah_g": [np.nan, 20.0, 60.0, np.nan],
            "hypervolume": [0.0, 14_000.0, 51_000.0, 51_000.0],
            "campaign_seconds": 1.0,
        }
    )
    row = ec.per_run(results, 60_000.0).iloc[0]
    assert row["to_90pct"] == np.inf  # 51,000 < 54,000
    assert row["failed_fraction"] == 0.5
    assert row["best_resistance_ohm"] == 150.0 and row["best_capacity_2c_mah_g"] == 60.0
    assert bool(row["dominates_cell_d"])
    assert np.isnan(row["hv_12"])


# -- one tiny campaign ---------------------------------------------------------------------------
def test_a_campaign_scores_every_new_experiment(tiny_run):
    assert tiny_run["experiment"].tolist() == [1, 2, 3, 4]
    assert np.all(np.diff(tiny_run["hypervolume"]) >= 0)
    assert tiny_run.loc[~tiny_run["sintered"], "internal_resistance_ohm"].isna().all()


def test_a_campaign_is_deterministic_per_seed(definition, tiny_run):
    again = ec.run_campaign(ec.Run("sobol", "design", 0.03, 0, 4), definition)
    other = ec.run_campaign(ec.Run("sobol", "design", 0.03, 1, 4), definition)
    columns = ["sintered", "internal_resistance_ohm", "capacity_2c_mah_g", "hypervolume"]
    pd.testing.assert_frame_equal(again[columns], tiny_run[columns])
    assert not again[columns].equals(other[columns])


@pytest.mark.parametrize("start", ec.STARTS)
def test_starting_experiments(definition, start):
    prior = ec.starting_experiments(definition, start, 0.03, 0)
    expected = 1 if start == "cell_a" else definition.initial_design_size
    assert len(prior) == expected
    assert {"internal_resistance_ohm", "sintered", *definition.space.names} <= set(prior.columns)


def test_unknown_start_is_refused(definition):
    with pytest.raises(ValueError, match="unknown start 'cell_z'"):
        ec.starting_experiments(definition, "cell_z", 0.0, 0)


def test_runs_put_slow_strategies_first():
    plan = ec.runs(["random", "bayes"], seeds=2, n_experiments=4)
    assert plan[0].strategy == "bayes" and plan[-1].strategy == "random"
    assert len(plan) == 2 * 2 * len(ec.STARTS) * len(ec.NOISES)


def test_more_seeds_can_be_run_from_where_the_last_sweep_stopped():
    plan = ec.runs(["baybe_repair"], seeds=2, n_experiments=4, starts=["cell_a"], noises=[0.03], first_seed=2)
    assert [run.seed for run in plan] == [2, 3]


def test_sweep_returns_runs_in_plan_order():
    plan = [ec.Run("random", "cell_a", 0.0, seed, 4) for seed in (1, 0)]
    results = ec.sweep(plan, jobs=1)
    assert results["seed"].drop_duplicates().tolist() == [1, 0]


# -- the CLI ---------------------------------------------------------------------------------------
def test_cli_writes_csv_plot_and_tables(tmp_path):
    shutil.copy(CACHE, tmp_path / "attainable.json")
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\n<!-- emulator:begin -->\nold\n<!-- emulator:end -->\n\ntail\n")
    argv = ["--strategies", "random,sobol", "--seeds", "1", "--experiments", "4", "--starts", "cell_a"]
    assert emulator_main([*argv, "--noises", "0", "--jobs", "1", "--out", str(tmp_path), "--docs", str(docs)]) == 0
    assert {"sweep-full.csv", "runs.csv", "hypervolume.png"} <= {p.name for p in tmp_path.iterdir()}
    text = docs.read_text()
    assert "old" not in text and text.endswith("tail\n")
    assert "| random | 1 |" in text and "| sobol | 1 |" in text
    (tmp_path / "hypervolume.png").unlink()
    assert emulator_main(["--report-only", "--out", str(tmp_path), "--docs", str(docs)]) == 0
    assert (tmp_path / "hypervolume.png").exists() and docs.read_text().count("| random | 1 |") == 1


def test_tables_list_cell_a_first_and_baselines_before_nfpopt_and_peers():
    table = pd.DataFrame(
        {"start": ["design", "cell_a", "cell_a"], "noise": 0.0, "strategy": ["random", "ax", "random"]}
    )
    ordered = ec.canonical_order(table)
    assert list(zip(ordered["start"], ordered["strategy"], strict=True)) == [
        ("cell_a", "random"),
        ("cell_a", "ax"),
        ("design", "random"),
    ]


def test_cli_refuses_unknown_strategies(tmp_path):
    with pytest.raises(SystemExit, match="unknown strategies"):
        emulator_main(["--strategies", "gradient_descent", "--out", str(tmp_path)])


def test_cli_without_a_command_prints_usage(capsys):
    assert main([]) == 2
    assert "emulator" in capsys.readouterr().out


def test_replace_section_appends_missing_markers(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("intro\n")
    ec.replace_section(page, "speed", "table")
    ec.replace_section(page, "speed", "new table")
    assert page.read_text() == "intro\n\n<!-- speed:begin -->\nnew table\n<!-- speed:end -->\n"


# -- the Dask backend, against a local cluster started here ---------------------------------------
@pytest.mark.parametrize(
    "processes",
    [pytest.param(False, id="thread_workers"), pytest.param(True, id="process_workers", marks=pytest.mark.slow)],
)
def test_dask_backend_gives_the_same_results_as_loky(processes):
    distributed = pytest.importorskip("distributed", reason="the dask backend needs the bench extra")
    plan = [ec.Run("random", "cell_a", 0.0, seed, 4) for seed in (0, 1)]
    # Two workers either way: thread workers create campaign stores at once in one process.
    options = {"n_workers": 2, "threads_per_worker": 1, "processes": processes, "dashboard_address": None}
    with distributed.LocalCluster(**options) as cluster:
        remote = ec.sweep(plan, backend="dask", scheduler=cluster.scheduler_address)
    local = ec.sweep(plan, jobs=1)
    columns = ["seed", "experiment", "sintered", "hypervolume"]
    pd.testing.assert_frame_equal(remote[columns], local[columns])


@pytest.mark.slow  # starting a local Ray cluster takes tens of seconds
def test_ray_backend_gives_the_same_results_as_loky():
    ray = pytest.importorskip("ray", reason="the ray backend needs the ray extra")
    plan = [ec.Run("random", "cell_a", 0.0, seed, 4) for seed in (0, 1)]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)  # a local cluster for this test
    try:
        remote = ec.sweep(plan, backend="ray")
    finally:
        ray.shutdown()
    local = ec.sweep(plan, jobs=1)
    columns = ["seed", "experiment", "sintered", "hypervolume"]
    pd.testing.assert_frame_equal(remote[columns], local[columns])


# -- slow -------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_cached_attainable_maximum_matches_a_fresh_dense_search(definition, tmp_path):
    fresh = ec.attainable_hypervolume(definition, tmp_path / "attainable.json")
    assert fresh == pytest.approx(ec.attainable_hypervolume(definition, CACHE), rel=0.01)


def test_a_commit_hash_that_looks_like_a_number_stays_text(tmp_path):
    """Commit 709e245 was read back as the float 7.09e247, and the report crashed sorting versions."""
    row = {"strategy": "random", "start": "cell_a", "noise": 0.0, "seed": 0, "experiment": 1, "code": "709e245"}
    pd.DataFrame([row]).to_csv(tmp_path / "sweep-a.csv", index=False)
    pd.DataFrame([{**row, "seed": 1, "code": "abc1234"}]).to_csv(tmp_path / "sweep-b.csv", index=False)
    assert sorted(load_results(tmp_path)["code"]) == ["709e245", "abc1234"]
