"""Generic pool-based active-learning loop (batch size 1, no replacement).

A :class:`PoolProblem` is a finite set of candidates with known objective values (to be
minimised). A run draws ``n_initial`` random starting points with
``random.Random(seed).sample(range(N), n_initial)`` (the same draw as the Liang et al.
notebooks' ``random.seed(seed); random.sample(range(N), 2)``), then repeatedly asks a
:class:`Strategy` which remaining candidate to "measure" next, and records the cumulative
number of top-set members found. The loop is side-effect free: all state is local to
:func:`run_pool`, and every random choice flows from ``seed``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from nfpopt.exceptions import InputDataError


@dataclass(frozen=True)
class PoolProblem:
    """A finite candidate pool with known objective values (minimisation).

    Attributes:
        name: dataset name, used in reports.
        X: shape ``(N, d)``, raw (unscaled) inputs, one row per candidate.
        y: shape ``(N,)``, objective values; smaller is better.
        n_top: size of the top set: the ``n_top`` smallest values of ``y``.
        feature_names: names of the ``d`` input columns.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    n_top: int
    feature_names: tuple[str, ...] = ()
    top_mask: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or self.y.shape != (self.X.shape[0],):
            raise InputDataError(f"{self.name}: X must be (N, d) and y (N,), got {self.X.shape=}, {self.y.shape=}")
        if not 1 <= self.n_top <= self.y.size:
            raise InputDataError(f"{self.name}: need 1 <= n_top <= N, got {self.n_top=}")
        # Stable sort, like pandas' sort_values(...).head(n_top) in the notebooks.
        top = np.argsort(self.y, kind="stable")[: self.n_top]
        mask = np.zeros(self.y.size, dtype=bool)
        mask[top] = True
        object.__setattr__(self, "top_mask", mask)

    @property
    def n_pool(self) -> int:
        """Number of candidates N."""
        return int(self.y.size)


@runtime_checkable
class Strategy(Protocol):
    """Chooses the next candidate. Implementations must be pure: data in, index out.

    Attributes:
        name: short label used in reports, e.g. ``"gp-ard-lcb2"``.
    """

    name: str

    def select(
        self,
        X_observed: np.ndarray,
        y_observed: np.ndarray,
        X_candidates: np.ndarray,
        rng: np.random.Generator,
    ) -> int:
        """Return the position (row) in ``X_candidates`` of the next experiment.

        Args:
            X_observed: shape ``(n, d)``, raw inputs measured so far, in measurement order.
            y_observed: shape ``(n,)``, their objective values (minimisation).
            X_candidates: shape ``(m, d)``, raw inputs still in the pool, in increasing
                pool-index order.
            rng: the run's random generator; draw every random number from it.
        """
        ...


@dataclass(frozen=True)
class RunResult:
    """Outcome of one pool-based run.

    Attributes:
        dataset: problem name.
        strategy: strategy name.
        seed: the run seed (it fixes the initial points and ``rng``).
        order: pool indices in the order they were measured (initial points first).
        top_counts: cumulative number of top-set members after each measurement.
        n_pool: N.
        n_top: size of the top set.
        runtime_s: wall-clock time of the run in seconds.
        horizon: number of learning cycles whose Top% is known: N when the run emptied the
            pool or found the whole top set (Top% is 1 from then on), else the number of
            measurements made before ``max_cycles`` stopped it.
        rng_state: the state of the run's ``numpy`` generator after the last measurement
            (``Generator.bit_generator.state``), so that :func:`run_pool` can continue a run
            cut by ``max_cycles`` exactly as if it had not stopped; ``None`` if unknown.
    """

    dataset: str
    strategy: str
    seed: int
    order: tuple[int, ...]
    top_counts: tuple[int, ...]
    n_pool: int
    n_top: int
    runtime_s: float
    horizon: int
    rng_state: dict | None = field(default=None, repr=False, compare=False)

    @property
    def complete(self) -> bool:
        """True when Top% is known to the end of the pool (horizon N)."""
        return self.horizon == self.n_pool

    def top_fraction(self) -> np.ndarray:
        """Top%(i) for i = 1..N.

        After the whole top set is found the curve is padded with 1 (as the notebook does);
        after a stop at ``max_cycles`` it is padded with its last value, so it is exact up to
        :attr:`horizon` and a lower bound beyond.
        """
        counts = np.asarray(self.top_counts, dtype=float)
        curve = np.full(self.n_pool, 1.0 if self.horizon == self.n_pool else counts[-1] / self.n_top)
        curve[: counts.size] = counts / self.n_top
        return curve


def initial_indices(seed: int, n_pool: int, n_initial: int = 2) -> list[int]:
    """The notebook's initial design: ``random.seed(seed); random.sample(range(N), k)``."""
    if not 1 <= n_initial <= n_pool:
        raise InputDataError(f"need 1 <= n_initial <= N, got ({n_initial=}, {n_pool=})")
    return random.Random(seed).sample(range(n_pool), n_initial)


def run_pool(
    problem: PoolProblem,
    strategy: Strategy,
    seed: int,
    n_initial: int = 2,
    stop_when_all_found: bool = True,
    max_cycles: int | None = None,
    resume: RunResult | None = None,
) -> RunResult:
    """Run one sequential pool-based campaign until the pool is empty or the top set found.

    Args:
        problem: the candidate pool.
        strategy: chooses each next experiment.
        seed: fixes the initial points and seeds the ``numpy`` generator given to the
            strategy.
        n_initial: number of random initial experiments (they count as cycles 1..n_initial).
        stop_when_all_found: stop once every top-set member is measured. Top% is 1 from
            then on, so the metrics are unchanged; only time is saved.
        max_cycles: stop after this many measurements (initial points included) even if
            the top set is not complete; ``None`` runs to the end. Metrics are then exact
            only up to this cycle (see :attr:`RunResult.horizon`).
        resume: an earlier, shorter run of the same problem, strategy and seed, with its
            ``rng_state``: the run continues from its last measurement, giving the same
            result as one uninterrupted run (strategies are stateless between steps).

    Returns:
        The :class:`RunResult`, with ``top_counts`` of length N or shorter after a stop.
    """
    limit = problem.n_pool if max_cycles is None else max_cycles
    if not n_initial <= limit:
        raise InputDataError(f"max_cycles must be at least n_initial, got ({max_cycles=}, {n_initial=})")
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    if resume is None:
        order, spent_s = initial_indices(seed, problem.n_pool, n_initial), 0.0
    else:
        _check_resumable(resume, problem, strategy, seed)
        order, spent_s = list(resume.order), resume.runtime_s
        rng.bit_generator.state = resume.rng_state
    chosen = set(order)
    remaining = [index for index in range(problem.n_pool) if index not in chosen]
    counts = np.cumsum(problem.top_mask[order]).tolist()
    while remaining and len(order) < limit and not (stop_when_all_found and counts[-1] == problem.n_top):
        position = strategy.select(problem.X[order], problem.y[order], problem.X[remaining], rng)
        if not 0 <= position < len(remaining):
            raise InputDataError(
                f"strategy {strategy.name!r} returned {position=} but only "
                f"{len(remaining)} candidates remain; return a row of X_candidates"
            )
        index = remaining.pop(int(position))
        order.append(index)
        counts.append(counts[-1] + int(problem.top_mask[index]))
    complete = not remaining or counts[-1] == problem.n_top
    return RunResult(
        dataset=problem.name,
        strategy=strategy.name,
        seed=seed,
        order=tuple(int(i) for i in order),
        top_counts=tuple(int(c) for c in counts),
        n_pool=problem.n_pool,
        n_top=problem.n_top,
        runtime_s=spent_s + time.perf_counter() - start,
        horizon=problem.n_pool if complete else len(order),
        rng_state=rng.bit_generator.state,
    )


def _check_resumable(resume: RunResult, problem: PoolProblem, strategy: Strategy, seed: int) -> None:
    found = (resume.dataset, resume.strategy, resume.seed, resume.n_pool)
    wanted = (problem.name, strategy.name, seed, problem.n_pool)
    if found != wanted:
        raise InputDataError(f"cannot resume run {found} as {wanted}: dataset, strategy, seed or N differ")
    if resume.rng_state is None:
        raise InputDataError(f"cannot resume run {found}: its rng_state was not stored; run it again from the start")
