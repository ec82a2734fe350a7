"""Feasibility learned from failures: did the layer sinter (or the experiment otherwise succeed)?

A Gaussian-process classifier (Laplace approximation, ARD Matern-5/2:
:mod:`nfpopt.surrogates.laplace`) on every finished experiment, failures included:
nothing is dropped because it failed. The recommender multiplies its acquisition by the
probability of success (adds its log to the log-acquisition) and does not propose recipes below
a floor of that probability.

Why a classifier and not a GP regression on +-1 labels (the cheaper "label regression"): on
the NFP emulator, with 24 random training recipes, recipes the label regression gave P >= 0.8
sintered only 73-84 % of the time, the classifier's 90-99 % (Brier score 0.09-0.11 against
0.12-0.21); measured by ``tests/surrogates/test_feasibility.py``'s calibration test.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from nfpopt.exceptions import InputDataError
from nfpopt.surrogates.encoding import Encoder
from nfpopt.surrogates.laplace import LaplaceGPClassifier

_SCALE, _SCALE_BOUNDS = 1.0, (1e-2, 1e2)  # the latent GP's variance: its start and limits
_LENGTH_SCALE, _LENGTH_SCALE_BOUNDS = 0.5, (5e-2, 1e1)  # in the unit cube: a twentieth of a range to ten ranges
_P_FLOOR = 1e-6
_PHYSICS_WIDTH = 0.1  # decades of the physical margin over which P goes from 0.27 to 0.73
_MARGIN_SCALE = 3.0  # a physical margin beyond +-3 (decades of the sintering number) saturates


class FeasibilityModel:
    """Probability that a recipe succeeds, learned from every finished experiment."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        seed: int = 0,
        restarts: int = 2,
        physics: Callable[[pd.DataFrame], np.ndarray] | None = None,
        start: np.ndarray | None = None,
        predictive: str = "laplace",
    ) -> None:
        """``physics``, if given, maps recipes to a physical margin of success (a named prior's, e.g. the
        emulator's sintering index, > 0 where the model expects a bonded layer); it becomes one
        more input of the classifier, which learns where the real boundary lies along it.
        ``start``: the kernel's log hyperparameters fitted earlier (on most of these results),
        where the one search starts instead of the defaults plus ``restarts`` random starts.
        ``predictive``: ``"laplace"`` or ``"ep"``, how the classifier's posterior is read
        (:class:`~nfpopt.surrogates.laplace.LaplaceGPClassifier`)."""
        self.encoder, self.seed, self.restarts, self.physics = encoder, seed, restarts, physics
        self.predictive = predictive
        self.start = start
        #: Fitted log hyperparameters to reuse as they are (no search; the cross-validated skill's
        #: cheap refits), or None.
        self.fixed_theta: np.ndarray | None = None

    def _features(self, recipes: pd.DataFrame) -> np.ndarray:
        X = self.encoder.transform(recipes)
        if self.physics is None:
            return X
        margin = np.nan_to_num(np.asarray(self.physics(recipes), float), nan=-_MARGIN_SCALE, posinf=_MARGIN_SCALE)
        return np.column_stack([X, np.clip(margin, -_MARGIN_SCALE, _MARGIN_SCALE) / _MARGIN_SCALE])

    def fit(self, recipes: pd.DataFrame, succeeded: np.ndarray) -> FeasibilityModel:
        """Fit on ``recipes`` (one row each) and whether each succeeded."""
        labels = np.asarray(succeeded, bool)
        if len(labels) < 2:
            raise InputDataError("feasibility: at least two finished experiments are needed")
        self.constant_: float | None = None
        if np.all(labels == labels[0]):
            # One class only: nothing to separate yet. After n successes and no failure,
            # Laplace's rule of succession, (n + 1) / (n + 2), not certainty.
            self.constant_ = (len(labels) + 1) / (len(labels) + 2) if labels[0] else 0.0
            return self
        X = self._features(recipes)
        dims = X.shape[1]
        theta = np.log([_SCALE] + [_LENGTH_SCALE] * dims)
        bounds = np.log([_SCALE_BOUNDS] + [_LENGTH_SCALE_BOUNDS] * dims)
        if self.fixed_theta is not None:
            classifier = LaplaceGPClassifier(self.fixed_theta, bounds, optimise=False, predictive=self.predictive)
        elif self.start is not None and np.shape(self.start) == theta.shape:
            start = np.clip(np.asarray(self.start, float), bounds[:, 0], bounds[:, 1])
            classifier = LaplaceGPClassifier(start, bounds, seed=self.seed, predictive=self.predictive)
        else:
            classifier = LaplaceGPClassifier(
                theta, bounds, restarts=self.restarts, seed=self.seed, predictive=self.predictive
            )
        self.classifier_ = classifier.fit(X, labels)
        return self

    def probability(self, recipes: pd.DataFrame) -> np.ndarray:
        """P(success) for each recipe."""
        if self.constant_ is not None:
            if self.physics is not None:
                # One class seen: nothing to learn a boundary from yet, so trust the physics.
                # No more certain than the successes so far allow (the rule of succession): a
                # lab whose boundary moved fails where the paper's physics says 0.9995.
                margin = np.nan_to_num(np.asarray(self.physics(recipes), float), nan=-_MARGIN_SCALE)
                p = 1.0 / (1.0 + np.exp(-np.clip(margin / _PHYSICS_WIDTH, -50.0, 50.0)))
                return np.minimum(p, self.constant_) if self.constant_ > 0 else p
            # Without physics: the rule of succession if every finished experiment succeeded,
            # else an honest "don't know" rather than a certain failure (one failure proves little).
            return np.full(len(recipes), self.constant_ if self.constant_ > 0 else 0.5)
        return np.clip(self.classifier_.probability(self._features(recipes)), _P_FLOOR, 1.0)
