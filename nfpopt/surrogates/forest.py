"""scikit-learn surrogates: tree ensembles with an across-tree spread, and a GP."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import ExtraTreesRegressor, RandomForestRegressor
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

_MIN_SD = 1e-9


class ForestSurrogate:
    """Random forest or extra trees; uncertainty = spread of the trees' predictions.

    The spread underestimates uncertainty far from data (every tree predicts the same leaf
    value there); the leave-one-out coverage in :mod:`nfpopt.surrogates.quality` shows by
    how much.
    """

    def __init__(self, kind: str = "extra_trees", n_estimators: int = 200, seed: int = 0) -> None:
        self.kind, self.n_estimators, self.seed = kind, n_estimators, seed
        self.name = kind

    def fit(self, X: np.ndarray, y: np.ndarray) -> ForestSurrogate:
        cls = ExtraTreesRegressor if self.kind == "extra_trees" else RandomForestRegressor
        self.model_ = cls(n_estimators=self.n_estimators, min_samples_leaf=1, random_state=self.seed, n_jobs=1)
        self.model_.fit(X, np.asarray(y, float))
        return self

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        per_tree = np.stack([tree.predict(X) for tree in self.model_.estimators_])
        return per_tree.mean(axis=0), np.maximum(per_tree.std(axis=0), _MIN_SD)


class SklearnGP:
    """scikit-learn's GaussianProcessRegressor: ARD Matern-5/2 + white noise, y normalised."""

    name = "sklearn_gp"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def fit(self, X: np.ndarray, y: np.ndarray) -> SklearnGP:
        dims = X.shape[1]
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
            length_scale=np.full(dims, 0.5), length_scale_bounds=(1e-2, 1e2), nu=2.5
        ) + WhiteKernel(1e-2, (1e-6, 1.0))
        self.model_ = GaussianProcessRegressor(
            kernel, normalize_y=True, n_restarts_optimizer=2, random_state=self.seed
        ).fit(X, np.asarray(y, float))
        return self

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean, sd = self.model_.predict(X, return_std=True)
        return mean, np.maximum(sd, _MIN_SD)
