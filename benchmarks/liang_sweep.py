"""The Liang et al. 2021 protocol as a resumable sweep: one job per (dataset, strategy, seed).

Each job is one run of :func:`benchmarks.pool.run_pool`. Its result is written, as soon as it
arrives, to its own small file ``<out>/runs/<dataset>/<strategy>/seed-<seed>.json`` (order of
measurements, cumulative top counts, horizon, the generator's state, wall and CPU time). A
later invocation reads those files, skips finished runs, continues runs that must go
further, and rebuilds the summary from whatever runs exist; every summary row states how
many runs are behind it. A job that raises is reported and left out; the others go on.

**When a run stops (the protocol's "until the 95 % curve passes Top% 0.8").** A run ends
when it has found its whole top set (Top% is 1 from then on, as in the notebooks), or at
its pair's *cap* on the number of measurements. The aggregated curves (median, 5th and
95th percentile of the fold means) are exact up to the shortest run's horizon. Once every
run of a (dataset, strategy) pair exists, :func:`exact_through` checks that each of the
three curves reaches a Top% level of at least 0.8 that the random curve also has (the
level AF(0.8) is read or interpolated at) within that horizon. If not, the cap grows by a
tenth of the pool and the unfinished runs are continued from their stored state, exactly
as if they had never stopped. So AF80, its 5-95 % band, the cycles to 50/80 % and EF up to
the horizon are exact, without running every run to the end of the pool.

**Parallel and on a cluster.** Jobs go through joblib (``generator_unordered``): local
processes by default (``n_jobs``), or a Dask or Ray cluster with ``backend="dask"`` /
``"ray"`` and ``scheduler`` its address, the same as :func:`benchmarks.emulator_campaign.
parallel_backend`. Workers need no shared file system: the driver sends each job its
problem and the stored run to continue, and writes the result itself.
"""

from __future__ import annotations

import json
import math
import os
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import metrics
from benchmarks.pool import PoolProblem, RunResult, run_pool

LEVEL = 0.8
"""Top% level that every aggregated curve must pass within the exact horizon."""

FORMAT = 1
"""Version of the per-run file layout."""


@dataclass(frozen=True)
class Job:
    """One run to make or to continue.

    Attributes:
        dataset: dataset key.
        strategy: strategy label (see :func:`benchmarks.liang2021.make_strategy`).
        seed: run seed.
        cap: stop after this many measurements unless the whole top set is found first.
        resume: the stored, shorter run to continue, or ``None`` to start afresh.
        resume_cpu_s: the CPU time already spent on ``resume``.
    """

    dataset: str
    strategy: str
    seed: int
    cap: int
    resume: RunResult | None = None
    resume_cpu_s: float = 0.0


@dataclass(frozen=True)
class Outcome:
    """What a job returned: its result, or the error that ended it."""

    job: Job
    result: RunResult | None
    cpu_s: float
    error: str = ""


def run_path(out_dir: Path, dataset: str, strategy: str, seed: int) -> Path:
    """Where the run of ``(dataset, strategy, seed)`` is stored."""
    return Path(out_dir) / "runs" / dataset / strategy / f"seed-{seed}.json"


def save_run(out_dir: Path, result: RunResult, cap: int, cpu_s: float) -> Path:
    """Write one run atomically (a partly written file is never read as a run)."""
    path = run_path(out_dir, result.dataset, result.strategy, result.seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "format": FORMAT,
        "dataset": result.dataset,
        "strategy": result.strategy,
        "seed": result.seed,
        "n_pool": result.n_pool,
        "n_top": result.n_top,
        "horizon": result.horizon,
        "cap": cap,
        "runtime_s": round(result.runtime_s, 3),
        "cpu_s": round(cpu_s, 3),
        "order": list(result.order),
        "top_counts": list(result.top_counts),
        "rng_state": result.rng_state,
    }
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    temporary.write_text(json.dumps(record, separators=(",", ":")))
    os.replace(temporary, path)
    return path


@dataclass(frozen=True)
class StoredRun:
    """A run read back from its file, with the cap it ran under and its CPU time."""

    result: RunResult
    cap: int
    cpu_s: float


def load_run(path: Path) -> StoredRun:
    """Read one run file written by :func:`save_run`."""
    record = json.loads(Path(path).read_text())
    result = RunResult(
        dataset=record["dataset"],
        strategy=record["strategy"],
        seed=int(record["seed"]),
        order=tuple(record["order"]),
        top_counts=tuple(record["top_counts"]),
        n_pool=int(record["n_pool"]),
        n_top=int(record["n_top"]),
        runtime_s=float(record["runtime_s"]),
        horizon=int(record["horizon"]),
        rng_state=record.get("rng_state"),
    )
    return StoredRun(result, int(record["cap"]), float(record.get("cpu_s", float("nan"))))


def load_runs(out_dir: Path) -> list[StoredRun]:
    """Every stored run under ``out_dir`` (files that cannot be read are skipped)."""
    runs = []
    for path in sorted((Path(out_dir) / "runs").glob("*/*/seed-*.json")):
        try:
            runs.append(load_run(path))
        except (OSError, ValueError, KeyError) as error:
            print(f"ignored unreadable run file {path}: {error!r}")
    return runs


def first_cycle_needed(curve: np.ndarray, level: float = LEVEL) -> int | None:
    """Last cycle that AF(``level``) and cycles-to-``level`` of ``curve`` depend on.

    That is the first cycle at which the rounded curve reaches a grid level of at least
    ``level`` that the rounded random curve also has (AF is read there, or interpolated
    up to there). ``None`` if the curve never gets there.
    """
    k_curve = metrics._grid_index(curve)
    k_random = set(metrics._grid_index(metrics.random_baseline(curve.size)).tolist())
    k_level = int(round(level / metrics.GRID_STEP))
    for cycle, k in enumerate(k_curve, start=1):
        if k >= k_level and int(k) in k_random:
            return cycle
    return None


def exact_through(runs: Sequence[RunResult], level: float = LEVEL) -> bool:
    """True when the median, 5 % and 95 % curves of ``runs`` pass ``level`` within their exact horizon."""
    curves = np.stack([run.top_fraction() for run in runs])
    agg = metrics.aggregate_folds(curves, n_folds=metrics.default_folds(len(runs)))
    horizon = min(run.horizon for run in runs)
    needed = [first_cycle_needed(curve, level) for curve in (agg.median, agg.low, agg.high)]
    return all(cycle is not None and cycle <= horizon for cycle in needed)


def initial_cap(n_pool: int) -> int:
    """First cap on a run's measurements: 60 % of a small pool, a third of a large one.

    Runs that find their whole top set stop earlier, so the cap only binds for slow runs.
    It is generous because a stateful strategy (GPy's) is re-run from the start, not
    continued, when the cap has to grow; the 10-run tables reached 0.8 well within it.
    """
    return max(3, math.ceil(n_pool * (0.6 if n_pool <= 200 else 1 / 3)))


def grown_cap(cap: int, n_pool: int) -> int:
    """The next cap: a tenth of the pool more, at most N."""
    return min(n_pool, cap + math.ceil(n_pool / 10))


def plan(
    problems: dict[str, PoolProblem],
    strategies: Sequence[str],
    seeds: Sequence[int],
    stored: dict[tuple[str, str, int], StoredRun],
    level: float = LEVEL,
) -> list[Job]:
    """The jobs still needed to make every pair's runs for ``seeds`` exact through ``level``.

    Missing runs start under the pair's current cap (the largest stored one, or
    :func:`initial_cap`). When all of a pair's runs exist but :func:`exact_through` fails,
    the cap grows (:func:`grown_cap`) and the runs it stopped are continued.
    """
    jobs = []
    for name, problem in problems.items():
        for strategy in strategies:
            have = [stored[name, strategy, seed] for seed in seeds if (name, strategy, seed) in stored]
            cap = max([run.cap for run in have], default=initial_cap(problem.n_pool))
            if len(have) == len(seeds) and not exact_through([run.result for run in have], level):
                cap = grown_cap(max(run.result.horizon for run in have if not run.result.complete), problem.n_pool)
            for seed in seeds:
                run = stored.get((name, strategy, seed))
                if run is None:
                    jobs.append(Job(name, strategy, seed, cap))
                elif not run.result.complete and run.result.horizon < cap:
                    jobs.append(Job(name, strategy, seed, cap, run.result, run.cpu_s))
    return jobs


def execute(job: Job, problem: PoolProblem, make_strategy: Callable[[str], object]) -> Outcome:
    """Run one job in a worker (single-threaded torch); errors are returned, not raised."""
    import torch

    torch.set_num_threads(1)
    start = time.process_time()
    try:
        strategy = make_strategy(job.strategy)
        # A stateful strategy (GPy's warm-started kernel) cannot pick up mid-run: re-run it.
        resume = None if getattr(strategy, "stateful", False) else job.resume
        result = run_pool(problem, strategy, job.seed, max_cycles=job.cap, resume=resume)
    except Exception:  # noqa: BLE001 - one failing run must not end the sweep
        return Outcome(job, None, time.process_time() - start, traceback.format_exc(limit=3))
    spent = time.process_time() - start
    return Outcome(job, result, spent + (job.resume_cpu_s if resume is not None else 0.0))


@dataclass
class SweepLog:
    """What one invocation did: runs written and jobs that failed."""

    written: int = 0
    failed: list[Outcome] | None = None


def sweep(
    problems: dict[str, PoolProblem],
    strategies: Sequence[str],
    seeds: Sequence[int],
    out_dir: Path,
    make_strategy: Callable[[str], object],
    *,
    block: int = 5,
    n_jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    level: float = LEVEL,
    on_done: Callable[[Outcome], None] | None = None,
) -> SweepLog:
    """Make every run of ``problems x strategies x seeds`` exact through ``level``, resumably.

    Seeds are taken in blocks of ``block`` (the aggregation's 5 folds need a multiple of
    5 runs): every pair gets its first ``block`` runs, exact, before any pair gets more,
    so a sweep cut short leaves rows of equal, usable counts. Within a block the problems
    are finished one after the other, in the order given (cap growth included). ``make_strategy`` must be picklable (a
    module-level function or a ``functools.partial`` of one).
    """
    log = SweepLog(failed=[])
    failed: set[tuple[str, str, int]] = set()
    rounds = [
        (list(seeds[: min(end, len(seeds))]), {name: problem})
        for end in range(block, len(seeds) + block, block)
        for name, problem in problems.items()
    ]
    for chosen, current in rounds:
        while True:
            stored = {(r.result.dataset, r.result.strategy, r.result.seed): r for r in load_runs(out_dir)}
            jobs = [
                job
                for job in plan(current, strategies, chosen, stored, level)
                if (job.dataset, job.strategy, job.seed) not in failed
            ]
            if not jobs:
                break
            for outcome in _run_all(jobs, problems, make_strategy, n_jobs, backend, scheduler):
                if outcome.result is None:
                    failed.add((outcome.job.dataset, outcome.job.strategy, outcome.job.seed))
                    log.failed.append(outcome)
                else:
                    save_run(out_dir, outcome.result, outcome.job.cap, outcome.cpu_s)
                    log.written += 1
                if on_done is not None:
                    on_done(outcome)
    return log


def _run_all(
    jobs: list[Job],
    problems: dict[str, PoolProblem],
    make_strategy: Callable[[str], object],
    n_jobs: int,
    backend: str,
    scheduler: str | None,
) -> Iterable[Outcome]:
    from joblib import Parallel, delayed

    from benchmarks.emulator_campaign import parallel_backend

    with parallel_backend(backend, scheduler):
        # Ray's joblib backend returns whole lists only: its results arrive at the end.
        parallel = Parallel(n_jobs=n_jobs, return_as="list" if backend == "ray" else "generator_unordered")
        yield from parallel(delayed(execute)(job, problems[job.dataset], make_strategy) for job in jobs)


def summary(out_dir: Path, level: float = LEVEL) -> pd.DataFrame:
    """One row per (dataset, strategy) from every stored run, with its run count.

    Besides :func:`benchmarks.report.summary_row`'s columns: ``exact80`` (the three
    curves pass ``level`` within the exact horizon), ``cpu_s_per_run`` and the seeds
    behind the row as ``first_seeds`` (how many of the published list, in order, are
    there: rows aggregate whatever runs exist).
    """
    from benchmarks.liang2021 import RUN_SEEDS
    from benchmarks.report import summary_row

    rows = []
    stored = load_runs(out_dir)
    pairs = sorted({(r.result.dataset, r.result.strategy) for r in stored})
    for dataset, strategy in pairs:
        runs = [r for r in stored if (r.result.dataset, r.result.strategy) == (dataset, strategy)]
        runs.sort(key=lambda r: RUN_SEEDS.index(r.result.seed) if r.result.seed in RUN_SEEDS else 10**6)
        results = [r.result for r in runs]
        row = summary_row(results)
        row["exact80"] = exact_through(results, level)
        row["cpu_s_per_run"] = float(np.nanmean([r.cpu_s for r in runs]))
        seeds = {r.result.seed for r in runs}
        row["first_seeds"] = next((i for i, s in enumerate(RUN_SEEDS) if s not in seeds), len(RUN_SEEDS))
        rows.append(row)
    return pd.DataFrame(rows)


def markdown_summary(frame: pd.DataFrame) -> str:
    """The summary as the docs show it: one row per (dataset, strategy), runs first."""

    def af(row: pd.Series, tag: str) -> str:
        value, low, high = (row[tag], row[f"{tag}_lo"], row[f"{tag}_hi"])
        text = lambda v: "n/a" if not np.isfinite(v) else f"{v:.2f}"  # noqa: E731
        return f"{text(value)} ({text(low)}-{text(high)})"

    def cycles(value: int) -> str:
        return "n/a" if value < 0 else str(int(value))

    lines = [
        "| dataset (N, n_top) | strategy | runs | exact past 0.8 | AF80 (5-95 %) | AF50 (5-95 %) "
        "| peak EF (cycle) | cycles to 50 / 80 / 100 % | CPU s per run |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for _, row in frame.iterrows():
        lines.append(
            f"| {row.dataset} ({row.N}, {row.n_top}) | `{row.strategy}` | {row.runs} | "
            f"{'yes' if row.exact80 else 'no'} | {af(row, 'AF80')} | {af(row, 'AF50')} | "
            f"{row.EF_peak:.2f} ({row.EF_peak_cycle}) | {cycles(row.cycles_to_50)} / {cycles(row.cycles_to_80)} / "
            f"{cycles(row.cycles_to_100)} | {row.cpu_s_per_run:.0f} |"
        )
    return "\n".join(lines) + "\n"
