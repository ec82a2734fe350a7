"""How well can *any* surrogate tell the top set apart before measuring it? A diagnostic.

Each point's objective is predicted by a model trained on all *other* folds (k-fold
cross-validation, 95 % of the pool for 20 folds), the pool is ranked by that prediction,
and we count the top-set members among the first ``k``. It tells what the inputs can say
about unseen points: on the public Crossed barrel data, models that know 95 % of the pool
put 13 of the 30 top points among their first 40 picks, which is why honest runs there need
100-170 experiments to find 80 % of the top set. (This was first written to test the stored
runs R1/R2 of PUBLISHED.md, which find it in 34-39; those were since traced to another
objective column, see docs/benchmarks_liang2021.md, section 2.) Not a bound in the strict
sense: a sequential optimiser learns as it goes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.preprocessing import StandardScaler

from benchmarks.pool import PoolProblem

DEPTHS = (10, 20, 30, 40, 60, 100)
"""Ranking depths ``k`` reported by default."""


def _models(dims: int, seed: int) -> dict[str, object]:
    """A random forest and an anisotropic Matern 5/2 GP with fitted noise (scikit-learn)."""
    kernel = ConstantKernel() * Matern(length_scale=np.ones(dims), nu=2.5) + WhiteKernel()
    return {
        "random forest (300 trees)": RandomForestRegressor(n_estimators=300, random_state=seed, n_jobs=1),
        "GP, ARD Matern 5/2 + noise": GaussianProcessRegressor(kernel, normalize_y=True, random_state=seed),
    }


def cross_validated_top_recall(
    problem: PoolProblem, depths: Sequence[int] = DEPTHS, folds: int = 20, seed: int = 0
) -> pd.DataFrame:
    """Top-set members among the ``k`` best cross-validated predictions, per model.

    Args:
        problem: the pool (minimisation).
        depths: ranking depths ``k`` to report.
        folds: k-fold cross-validation folds; each point is predicted by a model trained on
            the other ``folds - 1`` folds.
        seed: fixes the fold split and the models' randomness.

    Returns:
        One row per model and depth: ``model``, ``k``, ``top_found`` (of ``n_top``),
        ``precision`` (``top_found / k``), ``random_expectation`` (``k * n_top / N``) and
        ``r2`` (the model's cross-validated R^2).
    """
    X = StandardScaler().fit_transform(problem.X)
    split = KFold(folds, shuffle=True, random_state=seed)
    rows = []
    for name, model in _models(X.shape[1], seed).items():
        with warnings.catch_warnings():
            # Hyperparameters at a bound on a few folds change nothing here.
            warnings.simplefilter("ignore", ConvergenceWarning)
            predicted = cross_val_predict(model, X, problem.y, cv=split)
        ranking = np.argsort(predicted, kind="stable")  # smallest predicted first (minimisation)
        r2 = 1.0 - float(np.mean((predicted - problem.y) ** 2) / np.var(problem.y))
        for k in depths:
            found = int(problem.top_mask[ranking[:k]].sum())
            rows.append(
                {
                    "model": name,
                    "k": k,
                    "top_found": found,
                    "n_top": problem.n_top,
                    "precision": found / k,
                    "random_expectation": k * problem.n_top / problem.n_pool,
                    "r2": r2,
                }
            )
    return pd.DataFrame(rows)
