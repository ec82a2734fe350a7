"""Why does one strategy lose to another on a Liang 2021 pool? Two cheap, measured diagnostics.

* :func:`pick_distances`: how far each pick lies from the best point measured so far (in the
  unit cube of the pool's bounds), from stored runs. Small distances mean the strategy
  exploits around its incumbent; large ones that it explores elsewhere.
* :func:`top_set_spread`: how close together the top set lies, against the pool;
* :func:`held_out_ranking`: how well a surrogate fitted to ``n_train`` random points ranks
  the rest of the pool (Spearman correlation of predicted against true objective), for
  nfpopt's surrogate and the baselines' GP on the same points. If the two rank equally
  well, a difference in the runs comes from the acquisition, not from the model.

See docs/benchmarks_liang2021.md, "Where nfpopt loses".
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from benchmarks.pool import PoolProblem, RunResult


def unit_cube(problem: PoolProblem) -> np.ndarray:
    """The pool's inputs scaled to [0, 1] by their column minima and maxima."""
    low, span = problem.X.min(axis=0), np.ptp(problem.X, axis=0)
    return (problem.X - low) / np.where(span > 0, span, 1.0)


def pick_distances(problem: PoolProblem, runs: Sequence[RunResult], cycles: tuple[int, int] = (6, 40)) -> pd.Series:
    """Median and share-within-0.15 of the distance from each pick to the incumbent.

    Args:
        problem: the pool the runs were made on.
        runs: runs of one strategy.
        cycles: the learning cycles (1-based, inclusive) whose picks are measured.
    """
    cube = unit_cube(problem)
    distances = []
    for run in runs:
        order = np.asarray(run.order)
        for cycle in range(cycles[0], min(cycles[1], order.size) + 1):
            seen = order[: cycle - 1]
            incumbent = seen[np.argmin(problem.y[seen])]
            distances.append(float(np.linalg.norm(cube[order[cycle - 1]] - cube[incumbent])))
    values = np.asarray(distances)
    return pd.Series(
        {"picks": values.size, "median_distance": np.median(values), "within_0.15": np.mean(values < 0.15)}
    )


def top_set_spread(problem: PoolProblem) -> pd.Series:
    """Median pairwise distance within the top set and within the whole pool (unit cube)."""
    from scipy.spatial.distance import pdist

    cube = unit_cube(problem)
    return pd.Series(
        {
            "n_top": problem.n_top,
            "top_set_median_distance": float(np.median(pdist(cube[problem.top_mask]))),
            "pool_median_distance": float(np.median(pdist(cube))),
        }
    )


def held_out_ranking(problem: PoolProblem, n_train: int = 30, repeats: int = 3) -> pd.DataFrame:
    """Spearman correlation on the unseen pool of nfpopt's GP and the baselines' GP-ARD.

    Both are fitted to the same ``n_train`` random points (seeds 0..repeats-1), each on its
    own input scaling as in the runs: the unit cube for nfpopt, standardisation on the
    training points for the baseline.
    """
    import torch
    from gpytorch.mlls import ExactMarginalLogLikelihood

    from benchmarks.gp import _build_model, _fit
    from benchmarks.strategies import standardise
    from nfpopt.surrogates.gp import BoTorchGP

    cube, rows = unit_cube(problem), []
    for repeat in range(repeats):
        train = np.random.default_rng(repeat).choice(problem.n_pool, n_train, replace=False)
        rest = np.setdiff1d(np.arange(problem.n_pool), train)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours, _ = BoTorchGP(recalibrate=False).fit(cube[train], -problem.y[train]).predict(cube[rest])
            X_train, X_rest, y_train = standardise(problem.X[train], problem.X[rest], problem.y[train])
            model = _build_model(X_train, y_train, ard=True)
            _fit(ExactMarginalLogLikelihood(model.likelihood, model), max_iter=100)
            model.eval()
            with torch.no_grad():
                theirs = -model.posterior(torch.as_tensor(X_rest)).mean.squeeze(-1).numpy()
        truth = -problem.y[rest]
        rows.append(
            {
                "dataset": problem.name,
                "repeat": repeat,
                "n_train": n_train,
                "nfpopt_gp_spearman": float(spearmanr(ours, truth).statistic),
                "gp_ard_spearman": float(spearmanr(theirs, truth).statistic),
            }
        )
    return pd.DataFrame(rows)
