"""The resumable Liang 2021 sweep on a tiny synthetic pool (no external data, about a second)."""

import json

import numpy as np
import pytest

from benchmarks import liang_sweep
from benchmarks.liang2021 import RUN_SEEDS, main, make_strategy
from benchmarks.pool import PoolProblem, run_pool
from benchmarks.strategies import RandomStrategy
from nfpopt.exceptions import InputDataError

SEEDS = RUN_SEEDS[:5]


class Boom:
    """A strategy whose every step raises (a job that fails)."""

    name = "boom"

    def select(self, X_observed, y_observed, X_candidates, rng):
        raise RuntimeError("this strategy always fails")


def strategies(label: str):
    return Boom() if label == "boom" else make_strategy(label)


@pytest.fixture
def line() -> dict[str, PoolProblem]:
    """60 points on a line, smallest near 0.3; a top set of 3."""
    x = np.linspace(0, 1, 60)[:, None]
    return {"line": PoolProblem("line", x, (x[:, 0] - 0.3) ** 2, n_top=3, feature_names=("x",))}


def sweep(problems, out_dir, labels=("random",), seeds=SEEDS):
    return liang_sweep.sweep(problems, labels, seeds, out_dir, strategies, n_jobs=1)


def test_every_run_is_stored_in_its_own_file(line, tmp_path):
    sweep(line, tmp_path)
    files = sorted((tmp_path / "runs" / "line" / "random").glob("seed-*.json"))
    assert [f.name for f in files] == sorted(f"seed-{seed}.json" for seed in SEEDS)
    record = json.loads(files[0].read_text())
    assert {"order", "top_counts", "horizon", "cap", "rng_state", "cpu_s"} <= set(record)


def test_a_second_invocation_skips_finished_runs(line, tmp_path):
    sweep(line, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "runs").rglob("*.json")}
    assert sweep(line, tmp_path).written == 0
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "runs").rglob("*.json")} == before


def test_a_summary_from_partial_runs_states_its_count(line, tmp_path):
    sweep(line, tmp_path)
    for seed in SEEDS[3:]:
        liang_sweep.run_path(tmp_path, "line", "random", seed).unlink()
    row = liang_sweep.summary(tmp_path).iloc[0]
    assert row["runs"] == 3 and row["first_seeds"] == 3
    sweep(line, tmp_path)  # makes the missing two
    assert len(list((tmp_path / "runs").rglob("seed-*.json"))) == 5
    assert liang_sweep.summary(tmp_path).iloc[0]["runs"] == 5


def test_a_failing_job_does_not_lose_the_others(line, tmp_path):
    log = sweep(line, tmp_path, labels=("boom", "random"))
    assert len(list((tmp_path / "runs" / "line" / "random").glob("seed-*.json"))) == 5
    assert len(log.failed) == 5 and "always fails" in log.failed[0].error
    assert not (tmp_path / "runs" / "line" / "boom").exists()
    assert list(liang_sweep.summary(tmp_path).strategy) == ["random"]


def test_runs_end_exact_through_top_fraction_0_8(line, tmp_path):
    sweep(line, tmp_path, seeds=RUN_SEEDS[:10])
    runs = [stored.result for stored in liang_sweep.load_runs(tmp_path)]
    assert len(runs) == 10 and liang_sweep.exact_through(runs)


def test_the_cap_grows_and_stopped_runs_continue(line, tmp_path, monkeypatch):
    monkeypatch.setattr(liang_sweep, "initial_cap", lambda n_pool: 4)
    log = sweep(line, tmp_path)
    stored = liang_sweep.load_runs(tmp_path)
    assert log.written > 5  # some runs were continued under a larger cap
    assert liang_sweep.exact_through([s.result for s in stored])
    assert max(s.cap for s in stored) > 4


def test_a_continued_run_equals_an_uninterrupted_one(line):
    problem = line["line"]
    first = run_pool(problem, RandomStrategy(), seed=4295, max_cycles=6, stop_when_all_found=False)
    continued = run_pool(problem, RandomStrategy(), seed=4295, max_cycles=30, stop_when_all_found=False, resume=first)
    whole = run_pool(problem, RandomStrategy(), seed=4295, max_cycles=30, stop_when_all_found=False)
    assert continued.order == whole.order and continued.top_counts == whole.top_counts


def test_a_run_cannot_continue_as_another_seed(line):
    first = run_pool(line["line"], RandomStrategy(), seed=4295, max_cycles=6)
    with pytest.raises(InputDataError, match="cannot resume"):
        run_pool(line["line"], RandomStrategy(), seed=8508, max_cycles=30, resume=first)


def test_protocol_cli_skips_cleanly_without_data(tmp_path, capsys):
    assert main(["--protocol", "--data-dir", str(tmp_path / "absent"), "-o", str(tmp_path / "out")]) == 0
    assert "skipped" in capsys.readouterr().err


def test_report_only_rebuilds_the_summary_from_stored_runs(line, tmp_path, capsys):
    sweep(line, tmp_path)
    assert main(["--report-only", "-o", str(tmp_path)]) == 0
    assert "| line (60, 3) | `random` | 5 | yes |" in (tmp_path / "summary.md").read_text()


def test_a_dask_cluster_gives_the_same_runs_as_local_workers(line, tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask backend needs the bench extra")
    options = {"n_workers": 2, "threads_per_worker": 1, "processes": False, "dashboard_address": None}
    with distributed.LocalCluster(**options) as cluster:
        liang_sweep.sweep(
            line, ["random"], SEEDS, tmp_path / "dask", strategies, backend="dask", scheduler=cluster.scheduler_address
        )
    sweep(line, tmp_path / "local")
    remote, local = (sorted(s.result.order for s in liang_sweep.load_runs(tmp_path / k)) for k in ("dask", "local"))
    assert remote == local and len(remote) == 5
