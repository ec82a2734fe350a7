"""Performance metrics of pool-based optimisation runs (Liang et al. 2021).

All functions are pure and work on NumPy arrays; they reimplement the "Performance
Visualization" notebook of PV-Lab/Benchmarking (commit 7585c51) as described in
``shared/benchmarks/liang2021/PROTOCOL.md``:

* ``Top%(i)`` is the fraction of the top set found after ``i`` experiments
  (``i = 1..N``; the initial random points count). A run that stopped early, because
  it had found the whole top set, is padded with 1.
* Random sampling without replacement has the expected curve ``E[Top%](i) = i/N``.
* Runs are aggregated "bootstrap-like": for each of 100 fixed aggregation seeds the runs
  are split at random into 5 folds of equal size; the 500 fold means give a median and
  5th/95th percentile curve (``numpy.quantile``, linear interpolation).
* Curves are rounded to a 0.005 grid (``numpy.round``, half to even) before the
  enhancement factor ``EF(i) = Top%(i) / (i/N)`` and the acceleration factor
  ``AF(t) = n_random(t) / n_BO(t)`` are computed. ``n(t)`` is the first learning cycle at
  which a rounded curve equals ``t``; AF is only defined at levels present in both the
  optimiser's and the random curve. Between such levels it is interpolated linearly, as
  the notebook's ``AF_interp1d`` does.

Grid levels are handled as integers ``k`` (level ``t = k * 0.005``). The notebook compares
floats ``np.round(x / 0.005) * 0.005`` with ``np.arange(0, 1.005, 0.005)``; both are
computed as ``k * 0.005`` so the integer comparison gives identical results.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nfpopt.exceptions import InputDataError

GRID_STEP = 0.005
"""Top% is rounded to multiples of this step before EF and AF are computed."""

AGGREGATION_SEEDS: tuple[int, ...] = (
    5782, 5776, 9975, 4569, 8020, 363, 9656, 992, 348, 6048, 4114, 7476, 4892, 9710, 9854,
    5243, 2906, 5963, 3035, 5122, 9758, 4327, 4921, 6179, 1718, 441, 9326, 2153, 5079, 8192,
    3646, 4413, 3910, 5370, 3070, 7130, 1589, 1668, 9842, 5275, 5468, 3677, 7183, 2773, 1309,
    5516, 3572, 9312, 7390, 4433, 3686, 1981, 555, 8677, 3126, 5163, 9418, 3007, 4564, 5572,
    1401, 5657, 9658, 2124, 6902, 4783, 8493, 4442, 7613, 5674, 6830, 4757, 6877, 9311, 6709,
    582, 6770, 2555, 3269, 76, 7820, 8358, 7116, 9156, 3638, 529, 7482, 8503, 4735, 8910,
    5588, 3726, 1115, 9644, 4702, 1966, 4006, 738, 575, 8393,
)  # fmt: skip
"""The 100 aggregation seeds (``seed_list`` of "Performance Visualization.ipynb", 7585c51)."""


@dataclass(frozen=True)
class AggregatedCurves:
    """Median and percentile band of the fold-mean Top% curves (not yet rounded).

    Attributes:
        median: shape ``(N,)``, the median over all fold means at each cycle.
        low: shape ``(N,)``, the 5th percentile.
        high: shape ``(N,)``, the 95th percentile.
        fold_means: shape ``(n_seeds * n_folds, N)``, every fold-mean curve.
    """

    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    fold_means: np.ndarray


def top_fraction_curves(top_counts: Sequence[Sequence[int]], n_top: int, n_pool: int) -> np.ndarray:
    """Turn per-run cumulative top counts into Top% curves padded with 1.

    Args:
        top_counts: one sequence per run; entry ``j`` is the number of top-set members found
            after ``j + 1`` experiments. Runs may be shorter than ``n_pool``.
        n_top: size of the top set.
        n_pool: number of candidates N; every curve is padded to this length.

    Returns:
        Array of shape ``(n_runs, n_pool)``.
    """
    if n_top < 1:
        raise InputDataError(f"n_top must be at least 1, got {n_top=}")
    curves = np.ones((len(top_counts), n_pool))
    for row, counts in enumerate(top_counts):
        counts = np.asarray(counts, dtype=float)
        if counts.size > n_pool:
            raise InputDataError(f"run {row} has {counts.size} entries but the pool has only {n_pool=}")
        curves[row, : counts.size] = counts / n_top
    return curves


def random_baseline(n_pool: int) -> np.ndarray:
    """Expected Top%(i) = i/N of random sampling without replacement, for i = 1..N."""
    return np.arange(1, n_pool + 1) / n_pool


def fold_partition(seed: int, n_runs: int, n_folds: int) -> list[list[int]]:
    """Split run indices into ``n_folds`` folds exactly as the notebook's ``aggregation_``.

    The notebook seeds Python's global ``random`` and draws each fold with
    ``random.sample`` from the runs not yet assigned; a private ``random.Random(seed)``
    produces the same sequence without touching global state.
    """
    if n_folds < 1 or n_runs % n_folds:
        raise InputDataError(
            f"the number of runs must be a multiple of the number of folds, got "
            f"({n_runs=}, {n_folds=}); use e.g. 5, 10 or 50 runs with 5 folds"
        )
    generator = random.Random(seed)
    remaining = list(range(n_runs))
    folds = []
    for _ in range(n_folds):
        fold = generator.sample(remaining, n_runs // n_folds)
        for index in fold:
            remaining.remove(index)
        folds.append(fold)
    return folds


def default_folds(n_runs: int) -> int:
    """The notebook's 5 folds when ``n_runs`` is a multiple of 5, else one run per fold.

    With one run per fold the "fold means" are the runs themselves, so the median and
    percentiles are those of the individual runs (used for quick runs such as 3 repeats).
    """
    return 5 if n_runs % 5 == 0 else n_runs


def aggregate_folds(
    curves: np.ndarray,
    seeds: Sequence[int] = AGGREGATION_SEEDS,
    n_folds: int = 5,
    percentiles: tuple[float, float] = (0.05, 0.95),
) -> AggregatedCurves:
    """Fold-mean aggregation of per-run Top% curves (shape ``(n_runs, N)``).

    For each seed the runs are split into ``n_folds`` folds (:func:`fold_partition`); the
    median and the two percentiles (``numpy.quantile``, linear) are taken per cycle over
    all ``len(seeds) * n_folds`` fold means.
    """
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 2 or curves.shape[0] == 0:
        raise InputDataError(f"curves must have shape (n_runs, N), got {curves.shape}")
    folds = [fold for seed in seeds for fold in fold_partition(seed, curves.shape[0], n_folds)]
    fold_means = np.stack([curves[fold].mean(axis=0) for fold in folds])
    return AggregatedCurves(
        median=np.median(fold_means, axis=0),
        low=np.quantile(fold_means, percentiles[0], axis=0),
        high=np.quantile(fold_means, percentiles[1], axis=0),
        fold_means=fold_means,
    )


def round_to_grid(curve: np.ndarray, step: float = GRID_STEP) -> np.ndarray:
    """Round to multiples of ``step`` like the notebook: ``np.round(x / step) * step``."""
    return np.round(np.asarray(curve, dtype=float) / step) * step


def _grid_index(curve: np.ndarray, step: float = GRID_STEP) -> np.ndarray:
    """Integer grid level ``k`` of each rounded entry (``round_to_grid == k * step``)."""
    return np.round(np.asarray(curve, dtype=float) / step).astype(int)


def enhancement_factor(curve: np.ndarray, step: float = GRID_STEP) -> np.ndarray:
    """EF(i) = rounded Top%(i) / (i/N) for i = 1..N, where N = ``len(curve)``."""
    curve = np.asarray(curve, dtype=float)
    return round_to_grid(curve, step) / random_baseline(curve.size)


def peak_enhancement(curve: np.ndarray, horizon: int | None = None, step: float = GRID_STEP) -> tuple[float, int]:
    """Largest EF over cycles ``1..horizon`` (default N) and the first cycle where it occurs."""
    ef = enhancement_factor(curve, step)[:horizon]
    position = int(np.argmax(ef))
    return float(ef[position]), position + 1


def _first_hits(levels: np.ndarray, targets: Sequence[int]) -> list[int]:
    """Notebook's pointer scan: 1-based cycle of the first entry equal to each target.

    Targets are scanned in increasing order and the pointer never moves back. A target that
    is not found after the pointer gives 0 (the notebook then divides by zero; callers only
    pass targets that occur in the curve, which for monotone curves are always found).
    """
    hits, pointer = [], 0
    for target in targets:
        hit = 0
        while pointer < levels.size:
            pointer += 1
            if levels[pointer - 1] == target:
                hit = pointer
                break
        hits.append(hit)
    return hits


def acceleration_factor_levels(curve: np.ndarray, step: float = GRID_STEP) -> tuple[np.ndarray, np.ndarray]:
    """AF at every grid level that both the rounded curve and the random curve reach.

    Args:
        curve: Top% curve of length N (cycles 1..N), e.g. the aggregated median.
        step: grid step.

    Returns:
        ``(levels, af)``: the Top% levels (multiples of ``step``, ascending) and
        ``n_random(level) / n_curve(level)``.
    """
    curve = np.asarray(curve, dtype=float)
    k_curve = _grid_index(curve, step)
    k_random = _grid_index(random_baseline(curve.size), step)
    n_levels = int(round(1 / step))
    reached = set(k_curve.tolist()) & set(k_random.tolist())
    common = [k for k in range(n_levels + 1) if k in reached]
    n_curve = np.array(_first_hits(k_curve, common), dtype=float)
    n_random = np.array(_first_hits(k_random, common), dtype=float)
    return np.array(common) * step, n_random / n_curve


def acceleration_factor_at(curve: np.ndarray, level: float, step: float = GRID_STEP) -> float:
    """AF at one Top% ``level``, interpolated linearly where the rounded curve skips it.

    The interpolation between the neighbouring common levels is the notebook's
    ``AF_interp1d``. Outside the range of common levels (the curve never gets that far,
    e.g. a run stopped by ``max_cycles``) the result is NaN, not an extrapolation.
    """
    levels, af = acceleration_factor_levels(curve, step)
    exact = np.isclose(levels, level, rtol=0, atol=step / 10)
    if exact.any():
        return float(af[np.argmax(exact)])
    if levels.size < 2 or not levels[0] < level < levels[-1]:
        return float("nan")
    below = int(np.searchsorted(levels, level)) - 1
    x0, x1, y0, y1 = levels[below], levels[below + 1], af[below], af[below + 1]
    return float(y0 + (y1 - y0) * (level - x0) / (x1 - x0))


def cycles_to_reach(curve: np.ndarray, level: float, step: float = GRID_STEP) -> int | None:
    """First learning cycle (1-based) at which the rounded curve is at least ``level``."""
    k_level = int(round(level / step))
    reached = np.flatnonzero(_grid_index(curve, step) >= k_level)
    return int(reached[0]) + 1 if reached.size else None
