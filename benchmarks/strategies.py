"""Baseline strategies of Liang et al. 2021: GP (BoTorch) and random-forest BO, and random.

Every strategy implements :class:`benchmarks.pool.Strategy`. The surrogate-based ones
follow the notebook step by step (PROTOCOL.md, "Pool-based active learning loop"):

1. standardise the observed X and y on the observed data (``StandardScaler``: mean, and
   population standard deviation, 1 where it is 0);
2. fit the surrogate on the standardised data;
3. score every remaining candidate with the acquisition function and take the argmax,
   ties going to the *last* candidate (the notebook compares with ``>=``).

Two notebook quirks are available as flags (see ``benchmarks.liang2021`` for the choices):
``scale_candidates=False`` scores the *raw* candidate inputs with a model trained on
standardised inputs (quirk a), and ``raw_y_best=True`` uses the raw best observation in
EI/PI while the model predicts standardised values (quirk b).

The GP surrogates themselves live in :mod:`benchmarks.gp`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import norm
from sklearn.ensemble import RandomForestRegressor

from nfpopt.exceptions import InputDataError

AcquisitionKind = Literal["lcb", "ei", "pi"]


@dataclass(frozen=True)
class Acquisition:
    """An acquisition function for minimisation, maximised over the candidates.

    * ``lcb``: ``-mu + ratio * sigma`` (the notebook's ``LCB(X, model, ratio)``);
    * ``ei``: ``(y_best - mu) Phi(z) + sigma phi(z)``, ``z = (y_best - mu) / sigma``;
    * ``pi``: ``Phi(z)``.

    Where ``sigma == 0`` (possible for a random forest), EI and PI take their limits
    ``max(y_best - mu, 0)`` and ``1[mu < y_best]`` instead of the notebook's NaN.
    """

    kind: AcquisitionKind = "lcb"
    ratio: float = 2.0

    def __post_init__(self) -> None:
        if self.kind not in ("lcb", "ei", "pi"):
            raise InputDataError(f"unknown acquisition kind={self.kind!r}; use lcb, ei or pi")

    @property
    def label(self) -> str:
        """Short label such as ``lcb2`` or ``ei``."""
        return f"lcb{self.ratio:g}" if self.kind == "lcb" else self.kind

    def __call__(self, mean: np.ndarray, std: np.ndarray, y_best: float) -> np.ndarray:
        """Scores of candidates with predictive ``mean`` and ``std`` (shape ``(m,)``)."""
        if self.kind == "lcb":
            return -mean + self.ratio * std
        improvement = y_best - mean
        with np.errstate(divide="ignore", invalid="ignore"):
            z = improvement / std
        if self.kind == "ei":
            scores = improvement * norm.cdf(z) + std * norm.pdf(z)
            return np.where(std > 0, scores, np.maximum(improvement, 0.0))
        return np.where(std > 0, norm.cdf(z), (improvement > 0).astype(float))


def argmax_last(scores: np.ndarray) -> int:
    """Index of the largest score, the last one among ties (the notebook's ``>=`` rule).

    NaN scores are never chosen, as ``max_ac <= nan`` is False in the notebook.
    """
    scores = np.asarray(scores, dtype=float)
    finite = np.where(np.isnan(scores), -np.inf, scores)
    return int(finite.size - 1 - np.argmax(finite[::-1]))


def standardise(
    X_observed: np.ndarray, X_candidates: np.ndarray, y_observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scale X and y with the mean and population std of the *observed* data.

    Returns:
        ``(X_observed_scaled, X_candidates_scaled, y_observed_scaled)``.
    """
    x_mean, x_std = X_observed.mean(axis=0), X_observed.std(axis=0)
    x_std = np.where(x_std > 0, x_std, 1.0)
    y_std = y_observed.std()
    y_std = y_std if y_std > 0 else 1.0
    return (
        (X_observed - x_mean) / x_std,
        (X_candidates - x_mean) / x_std,
        (y_observed - y_observed.mean()) / y_std,
    )


class SurrogateStrategy:
    """Base class: standardise, fit a surrogate, score candidates, argmax (ties: last).

    Subclasses implement :meth:`predict`.

    Args:
        acquisition: the acquisition function.
        scale_candidates: score the standardised candidates (True) or, replicating
            notebook quirk (a), the raw candidate inputs (False).
        raw_y_best: use the raw (unscaled) best observation in EI/PI, replicating notebook
            quirk (b). Ignored by LCB.
    """

    surrogate_label = "surrogate"

    def __init__(
        self,
        acquisition: Acquisition,
        scale_candidates: bool = True,
        raw_y_best: bool = False,
    ) -> None:
        self.acquisition = acquisition
        self.scale_candidates = scale_candidates
        self.raw_y_best = raw_y_best

    @property
    def name(self) -> str:
        """Label such as ``gp-ard-lcb2``; ``+rawX``/``+rawybest`` mark replicated quirks."""
        label = f"{self.surrogate_label}-{self.acquisition.label}"
        if not self.scale_candidates:
            label += "+rawX"
        if self.raw_y_best and self.acquisition.kind != "lcb":
            label += "+rawybest"
        return label

    def predict(
        self,
        X_train: np.ndarray,
        y_train: np.ndarray,
        X_test: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fit on ``(X_train, y_train)`` and return mean and std at ``X_test``."""
        raise NotImplementedError

    def select(
        self,
        X_observed: np.ndarray,
        y_observed: np.ndarray,
        X_candidates: np.ndarray,
        rng: np.random.Generator,
    ) -> int:
        """See :meth:`benchmarks.pool.Strategy.select`."""
        X_train, X_scaled, y_train = standardise(X_observed, X_candidates, y_observed)
        X_test = X_scaled if self.scale_candidates else X_candidates
        mean, std = self.predict(X_train, y_train, X_test, rng)
        y_best = float(y_observed.min() if self.raw_y_best else y_train.min())
        return argmax_last(self.acquisition(mean, std, y_best))


class RandomForestStrategy(SurrogateStrategy):
    """Random-forest BO: mean and (population) std of the individual trees' predictions.

    The notebook used ``RandomForestRegressor(n_estimators=100, n_jobs=-1)`` without a
    ``random_state``; here ``random_state`` is drawn from the run's generator so that every
    run is reproducible, and ``n_jobs=1`` because runs are parallelised instead.
    """

    surrogate_label = "rf"

    def __init__(self, acquisition: Acquisition, n_trees: int = 100, **flags: bool) -> None:
        super().__init__(acquisition, **flags)
        self.n_trees = n_trees

    def predict(
        self,
        X_train: np.ndarray,
        y_train: np.ndarray,
        X_test: np.ndarray,
        rng: np.random.Generator,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fit a forest and return the across-tree mean and std at ``X_test``."""
        forest = RandomForestRegressor(n_estimators=self.n_trees, n_jobs=1, random_state=int(rng.integers(2**31 - 1)))
        forest.fit(X_train, y_train)
        per_tree = np.stack([tree.predict(X_test) for tree in forest.estimators_])
        return per_tree.mean(axis=0), per_tree.std(axis=0)


class RandomStrategy:
    """Uniform random choice among the remaining candidates (an empirical baseline)."""

    name = "random"

    def select(
        self,
        X_observed: np.ndarray,
        y_observed: np.ndarray,
        X_candidates: np.ndarray,
        rng: np.random.Generator,
    ) -> int:
        """See :meth:`benchmarks.pool.Strategy.select`."""
        return int(rng.integers(X_candidates.shape[0]))
