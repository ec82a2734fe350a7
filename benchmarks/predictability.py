"""How well can *any* surrogate tell the top set apart before measuring it? A diagnostic.

A pool-based optimiser that has found ``c`` of the top set after ``i`` experiments picked
top-set members it had not yet measured, on the strength of its model. The stored
Crossed-barrel runs R1/R2 (PUBLISHED.md) hit a top-set member on almost every pick from
about cycle 8 onwards, with models trained on fewer than 40 points. This module asks how
well far better-informed models do: each point's objective is predicted by a model trained
on all *other* folds (k-fold cross-validation, 95 % of the pool for 20 folds), the pool is
ranked by that prediction, and we count the top-set members among the first ``k``.

This is not a bound in the strict sense (a sequential optimiser learns as it goes), but a
model with ~570 training points that ranks unseen points worse than a run with ~35 points
appears to is evidence that the run saw more than its inputs. See
docs/benchmarks_liang2021.md, section 2.
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
