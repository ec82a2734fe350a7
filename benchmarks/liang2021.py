"""Liang et al. 2021 pool-based benchmark: data, published seeds, baselines and the CLI.

Reference: Q. Liang et al., "Benchmarking the performance of Bayesian optimization across
multiple experimental materials science domains", npj Comput. Mater. 7, 188 (2021);
protocol and data from github.com/PV-Lab/Benchmarking at commit 7585c51 (see
``shared/benchmarks/liang2021/PROTOCOL.md``). The data are *not* part of this repository.

Data preparation follows the notebooks exactly: the last column is the objective; it is
negated for the maximisation sets (Crossed barrel, P3HT, AutoAM); rows are grouped by the
full input vector with ``x.unique().mean()``; ``n_top = ceil(0.05 N)``.

Choices about the quirks of the public notebooks (PROTOCOL.md a-d):

a) Raw candidates scored by a model trained on standardised inputs: **not replicated by
   default** (candidates are standardised with the observed data's scaler); flag
   ``scale_candidates=False`` / ``--raw-candidates``. The stored isotropic-GP runs (R3 in
   PUBLISHED.md) were made with the notebook version that has this quirk, so it is
   needed to compare with them. The ARD-GP and RF runs (R1, R2) were committed beside
   an earlier notebook (142714c) that standardised the whole pool once and scored
   candidates consistently, which is what the default does (up to the scaler's data).
   R1/R2 could not be reproduced from that code; see docs/benchmarks_liang2021.md.
b) Raw ``y_best`` in EI/PI with a model of standardised y: **not replicated by default**;
   flag ``raw_y_best=True`` / ``--raw-y-best``. It does not affect LCB.
c) A failing GPy fit ends the run: **not replicated** (it would end runs early, which
   the analysis then pads with Top% = 1, i.e. a free "success"). A failed fit keeps the
   initial hyperparameters for that step, with a warning.
d) Runs stop once the whole top set is found and are padded with 1: **replicated**
   (``stop_when_all_found=True``; ``--full-pool`` runs to the end). Top% is 1 from then
   on either way, so this only saves time.

Other differences from the published setup: the ``gp-*`` GP is BoTorch/GPyTorch, not GPy, and
uses no random restarts by default (see :mod:`benchmarks.gp`); the ``gpy-*`` strategies run
the notebook's GPy model itself (:mod:`benchmarks.gpy_reference`); RF runs get a ``random_state``
derived from the run seed; the notebook's ``n_top = ceil(nsteps * 0.05)`` (undefined
``nsteps``) is read as ``N``. ``max_cycles`` (``--max-cycles``) cuts runs short to save
CPU; metrics are then exact up to that cycle only (:attr:`RunResult.horizon`).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.gp import GaussianProcessStrategy, NfpoptGPStrategy
from benchmarks.pool import PoolProblem, RunResult, Strategy, run_pool
from benchmarks.strategies import Acquisition, RandomForestStrategy, RandomStrategy
from nfpopt.exceptions import InputDataError, NfpoptError

DATA_SOURCE = (
    "the public data are in the PV-Lab/Benchmarking repository on GitHub "
    "(https://github.com/PV-Lab/Benchmarking, commit 7585c51, folder datasets/)"
)
DATA_DIR_ENV = "NFPOPT_LIANG2021_DATA"


class DataNotFoundError(NfpoptError, FileNotFoundError):
    """The Liang et al. 2021 data directory or one of its files is missing."""


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of the benchmark: file stem, goal and the published pool size."""

    stem: str
    maximise: bool
    n_pool: int


DATASETS: dict[str, DatasetSpec] = {
    "crossed_barrel": DatasetSpec("Crossed_barrel", maximise=True, n_pool=600),
    "agnp": DatasetSpec("AgNP", maximise=False, n_pool=164),
    "p3ht": DatasetSpec("P3HT", maximise=True, n_pool=178),
    "perovskite": DatasetSpec("Perovskite", maximise=False, n_pool=94),
    "autoam": DatasetSpec("AutoAM", maximise=True, n_pool=100),
}

RUN_SEEDS: tuple[int, ...] = (
    4295, 8508, 326, 3135, 1549, 2528, 1274, 6545, 5971, 6269, 2422, 4287, 9320, 4932, 951,
    4304, 1745, 5956, 7620, 4545, 6003, 9885, 5548, 9477, 30, 8992, 7559, 5034, 9071, 6437,
    3389, 9816, 8617, 3712, 3626, 1660, 3309, 2427, 9872, 938, 5156, 7409, 7672, 3411, 3559,
    9966, 7331, 8273, 8484, 5127, 2260, 6054, 5205, 311, 6056, 9456, 928, 6424, 7438, 8701,
    8634, 4002, 6634, 8102, 8503, 1540, 9254, 7972, 7737, 3410, 4052, 8640, 9659, 8093,
    7076, 7268, 2046, 7492, 3103, 3034, 7874, 5438, 4297, 291, 5436, 9021, 3711, 7837, 9188,
    2036, 8013, 6188, 3734, 187, 1438, 1061, 674, 777, 7231, 7096, 3360, 4278, 5817, 5514,
    3442, 6805, 6750, 8548, 9751, 3526, 9969, 8979, 1526, 1551, 2058, 6325, 1237, 5917,
    5821, 9946, 5049, 654, 7750, 5149, 3545, 9165, 2837, 5621, 6501, 595, 3181, 1747, 4405,
    4480, 4282, 9262, 6219, 3960, 4999, 1495, 6007, 9642, 3902, 3133, 1085, 3278, 1104,
    5939, 7153, 971, 8733, 3785, 9056, 2020, 7249, 5021, 3384, 8740, 4593, 7869, 9941, 8813,
    3688, 8139, 6436, 3742, 5503, 1587, 4766, 9846, 9117, 7001, 4853, 9346, 4927, 8480,
    5298, 4753, 1151, 9768, 5405, 6196, 5721, 3419, 8090, 8166, 7834, 1480, 1150, 9002,
    1134, 2237, 3995, 2029, 5336, 7050, 6857, 8794, 1754, 1184, 3558, 658, 6804, 8750, 5088,
    1136, 626, 8462, 5203, 3196, 979, 7419, 1162, 5451, 6492, 1562, 8145, 8937, 8764, 4174,
    7639, 8902, 7003, 765, 1554, 6135, 1689, 9530, 1398, 2273, 7925, 5948, 1036, 868, 4617,
    1203, 7680, 7, 93, 3128, 5694, 6979, 7136, 8084, 5770, 9301, 1599, 737, 7018, 3774,
    9843, 2296, 2287, 9875, 2349, 2469, 8941, 4973, 3798, 54, 2938, 4665, 3942, 3951, 9400,
    3094, 2248, 3376, 1926, 5180, 1773, 3681, 1808, 350, 6669, 826, 539, 5313, 6193, 5752,
    9370, 2782, 8399, 4881, 3166, 4906, 5829, 4827, 29, 6899, 9012, 6986, 4175, 1035, 8320,
    7802, 3777, 6340, 7798, 7705,
)  # fmt: skip
"""The notebook's 300 run seeds (PROTOCOL.md); the paper used the first 50."""


def default_data_dir() -> Path:
    """``$NFPOPT_LIANG2021_DATA`` if set, else ``<repo>/../shared/benchmarks/liang2021``."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV])
    return Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "liang2021"


def dataset_path(name: str, data_dir: Path | str | None = None) -> Path:
    """CSV path of dataset ``name``; accepts the upstream spelling ``Crossed barrel``."""
    spec = _spec(name)
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    candidates = [directory / f"{spec.stem}_dataset.csv"]
    candidates.append(directory / f"{spec.stem.replace('_', ' ')}_dataset.csv")
    for path in candidates:
        if path.is_file():
            return path
    raise DataNotFoundError(
        f"dataset {name!r} not found: looked for {candidates[0]}; {DATA_SOURCE}. "
        f"Pass data_dir=/--data-dir or set {DATA_DIR_ENV}."
    )


def load_dataset(name: str, data_dir: Path | str | None = None) -> PoolProblem:
    """Load one dataset as a minimisation :class:`PoolProblem` (PROTOCOL.md steps 1-4)."""
    spec = _spec(name)
    table = pd.read_csv(dataset_path(name, data_dir), encoding="utf-8-sig")
    features, objective = list(table.columns[:-1]), table.columns[-1]
    if spec.maximise:
        table[objective] = -table[objective]
    grouped = table.groupby(features)[objective].agg(lambda x: x.unique().mean())
    grouped = grouped.to_frame().reset_index()
    n_pool = len(grouped)
    if n_pool != spec.n_pool:
        raise InputDataError(
            f"dataset {name!r} gives a pool of {n_pool} unique inputs, expected {spec.n_pool} "
            f"(PROTOCOL.md); check that the file is the unmodified PV-Lab/Benchmarking CSV"
        )
    return PoolProblem(
        name=name,
        X=grouped[features].to_numpy(dtype=float),
        y=grouped[objective].to_numpy(dtype=float),
        n_top=int(math.ceil(n_pool * 0.05)),
        feature_names=tuple(str(f) for f in features),
    )


def _spec(name: str) -> DatasetSpec:
    if name not in DATASETS:
        raise InputDataError(f"unknown dataset {name!r}; choose from {sorted(DATASETS)}")
    return DATASETS[name]


@dataclass(frozen=True)
class QuirkFlags:
    """Which notebook quirks to replicate (see the module docstring)."""

    raw_candidates: bool = False
    raw_y_best: bool = False
    gp_restarts: int = 0


def make_strategy(label: str, flags: QuirkFlags = QuirkFlags()) -> Strategy:
    """Build a strategy from its label (the inverse of ``Strategy.name``).

    Labels: ``random``, ``rf-<acq>``, ``gp-ard-<acq>`` or ``gp-iso-<acq>`` (the GP rebuilt in
    BoTorch), ``gpy-ard-<acq>`` or ``gpy-iso-<acq>`` (the notebook's GPy model itself, see
    :mod:`benchmarks.gpy_reference`; needs the ``bench`` extra), where ``<acq>``
    is ``lcb<ratio>`` (e.g. ``lcb2``), ``ei`` or ``pi``; a suffix ``+rawX`` replicates
    quirk (a) and ``+rawybest`` quirk (b) for this strategy alone. ``flags`` apply to all
    of these. ``nfpopt-gp-ptop``, ``nfpopt-gp-qlognei`` and ``nfpopt-gp-lcb<ratio>`` run nfpopt's own GP
    (:class:`benchmarks.gp.NfpoptGPStrategy`); the quirk flags do not apply to them.
    """
    if label == "random":
        return RandomStrategy()
    if label.startswith("nfpopt-gp-"):
        return _nfpopt_strategy(label)
    base, *suffixes = label.split("+")
    unknown = set(suffixes) - {"rawX", "rawybest"}
    if unknown:
        raise InputDataError(f"unknown suffix {sorted(unknown)} in {label!r}; use +rawX, +rawybest")
    *surrogate, acq = base.split("-")
    common = {
        "scale_candidates": not (flags.raw_candidates or "rawX" in suffixes),
        "raw_y_best": flags.raw_y_best or "rawybest" in suffixes,
    }
    acquisition = _acquisition(acq, label)
    if surrogate == ["rf"]:
        return RandomForestStrategy(acquisition, **common)
    if surrogate in (["gp", "ard"], ["gp", "iso"]):
        return GaussianProcessStrategy(acquisition, ard=surrogate[1] == "ard", n_restarts=flags.gp_restarts, **common)
    if surrogate in (["gpy", "ard"], ["gpy", "iso"]):
        from benchmarks.gpy_reference import GPyNotebookStrategy

        return GPyNotebookStrategy(acquisition, ard=surrogate[1] == "ard", **common)
    raise InputDataError(
        f"unknown strategy {label!r}; use random, rf-<acq>, gp-ard-<acq>, gp-iso-<acq>, gpy-ard-<acq> or gpy-iso-<acq>"
    )


def _nfpopt_strategy(label: str) -> Strategy:
    acq = label.removeprefix("nfpopt-gp-")
    if acq in ("qlognei", "ptop", "mix"):
        return NfpoptGPStrategy(acq)
    acquisition = _acquisition(acq, label)
    if acquisition.kind != "lcb":
        raise InputDataError(
            f"unknown strategy {label!r}; use nfpopt-gp-ptop, nfpopt-gp-qlognei, nfpopt-gp-mix or nfpopt-gp-lcb<ratio>"
        )
    return NfpoptGPStrategy("lcb", acquisition.ratio)


def _acquisition(acq: str, label: str) -> Acquisition:
    if acq in ("ei", "pi"):
        return Acquisition(acq)  # type: ignore[arg-type]
    if acq.startswith("lcb"):
        try:
            return Acquisition("lcb", float(acq[3:]))
        except ValueError:
            pass
    raise InputDataError(f"bad acquisition {acq!r} in {label!r}; use lcb<ratio> (e.g. lcb2), ei or pi")


BASELINES = ("gp-ard-lcb2", "gp-ard-ei", "gp-iso-lcb2", "rf-lcb10", "random")
"""The baseline configurations of the public notebooks (GP: LCB ratio 2, RF: ratio 10)."""

NFPOPT_STRATEGIES = ("nfpopt-gp-ptop",)
"""nfpopt's own pool strategy, run beside the baselines by default: P(in the top set) on nfpopt's
GP (``nfpopt-gp-qlognei``, its recommender's acquisition for one objective, and
``nfpopt-gp-lcb2`` are ablations; docs/benchmarks_liang2021.md)."""

PROTOCOL_STRATEGIES = ("random", "rf-lcb1", "nfpopt-gp-ptop", "gpy-ard-lcb1", "gpy-ard-lcb2", "gpy-iso-lcb2")
"""``--protocol``: the baselines of issue 13 (the notebook's GPy GP with its 10 restarts: ARD
with LCB1 and LCB2, isotropic with LCB2; RF with LCB1), nfpopt's pool strategy and random."""

PROTOCOL_DATASETS = ("agnp", "autoam", "perovskite", "p3ht", "crossed_barrel")
"""``--protocol`` works through the four small pools first (the cheapest first), then Crossed barrel."""

QUICK_RUNS, QUICK_MAX_CYCLES = 3, 30
QUICK_STRATEGIES = ("gp-ard-lcb2", "rf-lcb10", "random", "nfpopt-gp-ptop")
"""``--quick``: 3 runs of these strategies (unless given), each stopped after 30 measurements."""


def with_objective_as_input(problem: PoolProblem) -> PoolProblem:
    """Diagnostic only: append the objective to the inputs (an oracle leak).

    Not a benchmark. It tests whether the stored Crossed-barrel runs R1/R2 behave like
    runs whose model could see the objective (see docs/benchmarks_liang2021.md).
    """
    return PoolProblem(
        name=problem.name,
        X=np.column_stack([problem.X, problem.y]),
        y=problem.y,
        n_top=problem.n_top,
        feature_names=(*problem.feature_names, "objective (leak)"),
    )


def _run_job(
    problem: PoolProblem, factory: Callable[[], Strategy], seed: int, stop: bool, max_cycles: int | None
) -> RunResult:
    """One run with single-threaded torch (runs are parallelised across processes)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return run_pool(problem, factory(), seed, stop_when_all_found=stop, max_cycles=max_cycles)
    finally:
        torch.set_num_threads(threads)


def run_benchmark(
    datasets: Sequence[str],
    strategies: Sequence[str],
    repeats: int = 50,
    data_dir: Path | str | None = None,
    flags: QuirkFlags = QuirkFlags(),
    stop_when_all_found: bool = True,
    n_jobs: int = -1,
    max_cycles: int | None = None,
    objective_as_input: bool = False,
) -> list[RunResult]:
    """Run every (dataset, strategy, seed) job, in parallel with joblib.

    Args:
        datasets: keys of :data:`DATASETS`.
        strategies: labels understood by :func:`make_strategy`.
        repeats: runs per pair, using the first ``repeats`` of :data:`RUN_SEEDS`.
        data_dir: folder with the CSV files (default :func:`default_data_dir`).
        flags: notebook quirks to replicate.
        stop_when_all_found: end a run once the whole top set is found.
        n_jobs: joblib workers; -1 uses all cores.
        max_cycles: end every run after this many measurements (metrics are then exact
            only up to it); ``None`` for no limit.
        objective_as_input: diagnostic, see :func:`with_objective_as_input`.

    Returns:
        Results ordered by dataset, strategy, then seed.

    Raises:
        DataNotFoundError: a dataset file is missing.
        InputDataError: a bad label, repeat count or pool.
    """
    from joblib import Parallel, delayed

    if not 1 <= repeats <= len(RUN_SEEDS):
        raise InputDataError(f"repeats must be in 1..{len(RUN_SEEDS)}, got {repeats=}")
    problems = [load_dataset(name, data_dir) for name in datasets]
    if objective_as_input:
        problems = [with_objective_as_input(problem) for problem in problems]
    for label in strategies:
        make_strategy(label, flags)  # validate every label before starting any work
    jobs = [
        delayed(_run_job)(problem, partial(make_strategy, label, flags), seed, stop_when_all_found, max_cycles)
        for problem in problems
        for label in strategies
        for seed in RUN_SEEDS[:repeats]
    ]
    return list(Parallel(n_jobs=n_jobs)(jobs))


@dataclass(frozen=True)
class PublishedValue:
    """AF at Top% 0.8 recomputed from the authors' stored Crossed-barrel runs."""

    af80: float
    band: tuple[float, float]
    source: str


PUBLISHED_CROSSED_BARREL: dict[str, PublishedValue] = {
    "gp-ard-lcb1": PublishedValue(14.4, (14.1, 14.9), "R1"),
    "rf-lcb1": PublishedValue(12.5, (12.0, 12.8), "R2"),
    "gp-iso-lcb2+rawX": PublishedValue(2.83, (2.63, 3.10), "R3"),
}
"""PUBLISHED.md section 1 (R1-R3), keyed by strategy label. R3 was made with the public
notebook (7585c51), which has quirk (a); hence ``+rawX``."""


def score_stored_runs(paths: Sequence[Path], dataset: str) -> pd.DataFrame:
    """Summary of stored notebook results (``TopCount_collection_*.npy``, one row per run).

    The file stem (without ``TopCount_collection_``) is used as the strategy label; pool
    size and n_top come from :data:`DATASETS`. This checks :mod:`benchmarks.metrics`
    against the values in PUBLISHED.md.
    """
    from benchmarks.report import summarise

    spec = _spec(dataset)
    n_top = int(math.ceil(spec.n_pool * 0.05))
    results = []
    for path in paths:
        label = Path(path).stem.removeprefix("TopCount_collection_")
        for row, counts in enumerate(np.load(path, allow_pickle=True)):
            counts = tuple(int(c) for c in counts)
            complete = len(counts) == spec.n_pool or counts[-1] == n_top
            horizon = spec.n_pool if complete else len(counts)
            results.append(RunResult(dataset, label, row, (), counts, spec.n_pool, n_top, 0.0, horizon))
    return summarise(results)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m benchmarks.liang2021 --help``."""
    from benchmarks.report import compare_with_published, markdown_table, write_report

    args = _parser().parse_args(argv)
    if args.diagnose:
        return _diagnose(Path(args.output), args.data_dir)
    if args.protocol or args.report_only:
        return _protocol(args)
    if args.from_curves:
        return _replot(args.from_curves, Path(args.output))
    if args.score_stored:
        print(markdown_table(score_stored_runs(args.score_stored, (args.datasets or ["crossed_barrel"])[0])))
        return 0
    if args.predictability:
        return _predictability(args.datasets or ["crossed_barrel"], args.data_dir)
    if args.reproduce:
        args.datasets, args.strategies = ["crossed_barrel"], list(PUBLISHED_CROSSED_BARREL)
    if args.quick:
        args.repeats, args.max_cycles = QUICK_RUNS, args.max_cycles or QUICK_MAX_CYCLES
        args.strategies = args.strategies or list(QUICK_STRATEGIES)
    flags = QuirkFlags(args.raw_candidates, args.raw_y_best, args.gp_restarts)
    try:
        results = run_benchmark(
            args.datasets or list(DATASETS),
            args.strategies or [*BASELINES, *NFPOPT_STRATEGIES],
            args.repeats,
            args.data_dir,
            flags,
            not args.full_pool,
            args.n_jobs,
            args.max_cycles,
            args.objective_as_input,
        )
    except (DataNotFoundError, InputDataError) as error:
        return _refusal(error)
    summary = write_report(results, Path(args.output))
    print(markdown_table(summary))
    if args.reproduce:
        print(markdown_table(compare_with_published(summary)))
    print(f"wrote {args.output}")
    return 0


def _refusal(error: NfpoptError) -> int:
    """Exit status for an error met before any run: 0 when the data are absent (skipped), else 2."""
    if isinstance(error, DataNotFoundError):
        print(f"skipped: {error}", file=sys.stderr)
        return 0
    print(f"error: {error}", file=sys.stderr)
    return 2


def _protocol(args: argparse.Namespace) -> int:
    """``--protocol``: the resumable full-protocol sweep, then its summary from every stored run."""
    out_dir = Path(args.output)
    if not args.report_only:
        flags = QuirkFlags(args.raw_candidates, args.raw_y_best, args.gp_restarts)
        labels = args.strategies or list(PROTOCOL_STRATEGIES)
        try:
            for label in labels:
                make_strategy(label, flags)  # validate every label before starting any work
            names = [name for name in PROTOCOL_DATASETS if name in (args.datasets or PROTOCOL_DATASETS)]
            problems = {name: load_dataset(name, args.data_dir) for name in names}
        except (DataNotFoundError, InputDataError) as error:
            return _refusal(error)
        _protocol_sweep(problems, labels, flags, out_dir, args)
    return _protocol_report(out_dir)


def _protocol_sweep(
    problems: dict[str, PoolProblem], labels: list[str], flags: QuirkFlags, out_dir: Path, args: argparse.Namespace
) -> None:
    """The four small pools to ``args.repeats`` runs first, then Crossed barrel."""
    from benchmarks import liang_sweep

    small = {k: v for k, v in problems.items() if k != "crossed_barrel"}
    large = {k: v for k, v in problems.items() if k not in small}
    for group in (group for group in (small, large) if group):
        log = liang_sweep.sweep(
            group,
            labels,
            RUN_SEEDS[: args.repeats],
            out_dir,
            partial(make_strategy, flags=flags),
            block=args.block,
            n_jobs=args.n_jobs,
            backend=args.backend,
            scheduler=args.scheduler,
            on_done=_print_outcome,
        )
        for outcome in log.failed or []:
            print(f"FAILED {outcome.job}: {outcome.error}", file=sys.stderr)


def _protocol_report(out_dir: Path) -> int:
    """summary.csv, summary.md and one plot per dataset from every run stored under ``out_dir``."""
    from benchmarks import liang_sweep
    from benchmarks.report import plot_top_fraction

    summary = liang_sweep.summary(out_dir)
    if summary.empty:
        print(f"no stored runs under {out_dir / 'runs'}")
        return 0
    summary.to_csv(out_dir / "summary.csv", index=False)
    results = [stored.result for stored in liang_sweep.load_runs(out_dir)]
    for dataset in sorted({r.dataset for r in results}):
        plot_top_fraction([r for r in results if r.dataset == dataset], out_dir / f"topk_{dataset}.png")
    table = liang_sweep.markdown_summary(summary)
    (out_dir / "summary.md").write_text(table)
    print(table)
    print(f"wrote {out_dir / 'summary.csv'} and summary.md")
    return 0


def _diagnose(out_dir: Path, data_dir: Path | str | None) -> int:
    """Pick distances of the runs stored under ``out_dir``, and held-out ranking per dataset."""
    from benchmarks import liang_diagnostics, liang_sweep
    from benchmarks.report import markdown_table

    stored = [s.result for s in liang_sweep.load_runs(out_dir)]
    try:
        problems = {name: load_dataset(name, data_dir) for name in sorted({r.dataset for r in stored})}
    except DataNotFoundError as error:
        return _refusal(error)
    rows = []
    for dataset, strategy in sorted({(r.dataset, r.strategy) for r in stored}):
        runs = [r for r in stored if (r.dataset, r.strategy) == (dataset, strategy)]
        row = liang_diagnostics.pick_distances(problems[dataset], runs)
        rows.append({"dataset": dataset, "strategy": strategy, **row.to_dict()})
    print("Distance from each pick (cycles 6-40) to the incumbent, unit cube of the pool's bounds:")
    print(markdown_table(pd.DataFrame(rows)))
    spread = [{"dataset": name, **liang_diagnostics.top_set_spread(p).to_dict()} for name, p in problems.items()]
    print("How close together the top set lies (median pairwise distance, unit cube):")
    print(markdown_table(pd.DataFrame(spread)))
    print("Held-out Spearman correlation, surrogates fitted to 30 random points:")
    print(markdown_table(pd.concat([liang_diagnostics.held_out_ranking(p) for p in problems.values()])))
    return 0


def _print_outcome(outcome: object) -> None:
    job, result = outcome.job, outcome.result  # type: ignore[attr-defined]
    state = "failed" if result is None else f"{len(result.order)} measured, top {result.top_counts[-1]}"
    print(f"{job.dataset} {job.strategy} seed {job.seed} (cap {job.cap}): {state}", flush=True)


def _predictability(datasets: Sequence[str], data_dir: Path | str | None) -> int:
    """Print how many top-set members cross-validated models rank first (a diagnostic)."""
    from benchmarks.predictability import cross_validated_top_recall
    from benchmarks.report import markdown_table

    try:
        problems = [load_dataset(name, data_dir) for name in datasets]
    except DataNotFoundError as error:
        print(f"skipped: {error}", file=sys.stderr)
        return 0
    for problem in problems:
        print(f"{problem.name} (N = {problem.n_pool}, n_top = {problem.n_top}), 20-fold cross-validation:")
        print(markdown_table(cross_validated_top_recall(problem)))
    return 0


def _replot(curves_csv: Path, output_dir: Path) -> int:
    """Rewrite summary and plots from a stored ``curves.csv`` (no new runs)."""
    from benchmarks.report import markdown_table, results_from_curves, write_report

    summary = write_report(results_from_curves(pd.read_csv(curves_csv)), output_dir)
    print(markdown_table(summary))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.liang2021", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help=f"folder with *_dataset.csv (default {DEFAULT_HELP})")
    parser.add_argument("--datasets", nargs="+", choices=sorted(DATASETS), default=None, help="default: all five")
    default_labels = " ".join([*BASELINES, *NFPOPT_STRATEGIES])
    parser.add_argument("--strategies", nargs="+", default=None, help=f"default: {default_labels}")
    parser.add_argument("--runs", "--repeats", dest="repeats", type=int, default=50, help="runs per pair (50)")
    parser.add_argument("--max-cycles", type=int, default=None, help="stop every run after this many measurements")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs, each cut at {QUICK_MAX_CYCLES}")
    parser.add_argument("--reproduce", action="store_true", help="Crossed barrel check against PUBLISHED.md")
    parser.add_argument("--raw-candidates", action="store_true", help="replicate quirk (a) for all")
    parser.add_argument("--raw-y-best", action="store_true", help="replicate quirk (b) for all")
    parser.add_argument("--full-pool", action="store_true", help="do not stop when all found")
    parser.add_argument("--gp-restarts", type=int, default=0, help="extra random GP fits")
    parser.add_argument("--n-jobs", type=int, default=-1, help="joblib workers (-1: all cores)")
    parser.add_argument("--objective-as-input", action="store_true", help="diagnostic: leak y into X (not a benchmark)")
    parser.add_argument(
        "--predictability", action="store_true", help="diagnostic: top-set recall of cross-validated models"
    )
    parser.add_argument(
        "--protocol",
        action="store_true",
        help="the full protocol as a resumable sweep (one file per run under OUTPUT/runs; finished runs are skipped)",
    )
    parser.add_argument(
        "--block", type=int, default=5, help="--protocol: seeds per block (every pair gets a block first)"
    )
    parser.add_argument("--report-only", action="store_true", help="--protocol: only rebuild the summary")
    parser.add_argument("--backend", default="loky", choices=("loky", "dask", "ray"), help="--protocol: joblib backend")
    parser.add_argument("--scheduler", default=None, help="--protocol: Dask scheduler or Ray cluster address")
    parser.add_argument(
        "--diagnose", action="store_true", help="pick distances of OUTPUT's stored runs; surrogates' held-out ranking"
    )
    parser.add_argument("--from-curves", type=Path, default=None, help="redo tables/plots from a curves.csv")
    parser.add_argument("--score-stored", nargs="+", type=Path, default=None, help="score TopCount_*.npy files")
    parser.add_argument("-o", "--output", default="out/liang2021", help="output folder (default out/liang2021)")
    return parser


DEFAULT_HELP = f"${DATA_DIR_ENV} or ../shared/benchmarks/liang2021 next to the repository"


if __name__ == "__main__":
    # Re-import under the package name so that joblib workers can unpickle the jobs.
    from benchmarks.liang2021 import main as _main

    raise SystemExit(_main())
