"""One outcome's model on recipes: encoding, outcome scale, optional physics prior, surrogate.

Every surrogate follows one small protocol on encoded inputs (:class:`Surrogate`);
:class:`OutcomeModel` adds what a chemist sees: recipes in, mean and sd in the outcome's units.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np
import pandas as pd

from nfpopt.exceptions import InputDataError
from nfpopt.surrogates.encoding import Encoder
from nfpopt.surrogates.transforms import OutcomeScale, choose_scale

PriorMean = Callable[[pd.DataFrame], np.ndarray]
#: Surrogate kinds a campaign may choose.
SURROGATES = ("gp", "physics_gp", "extra_trees", "random_forest", "sklearn_gp")
_MIN_TRAINING_POINTS = 2


class Surrogate(Protocol):
    """Fit on encoded inputs ``X`` (n x d, unit cube) and a 1-D target; predict mean and sd."""

    name: str

    def fit(self, X: np.ndarray, y: np.ndarray) -> Surrogate: ...

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


def make_surrogate(kind: str, seed: int = 0) -> Surrogate:
    """A fresh surrogate of ``kind`` (one of :data:`SURROGATES`)."""
    if kind in ("gp", "physics_gp"):
        from nfpopt.surrogates.gp import BoTorchGP

        return BoTorchGP()
    if kind in ("extra_trees", "random_forest"):
        from nfpopt.surrogates.forest import ForestSurrogate

        return ForestSurrogate(kind, seed=seed)
    if kind == "sklearn_gp":
        from nfpopt.surrogates.forest import SklearnGP

        return SklearnGP(seed=seed)
    raise InputDataError(f"unknown surrogate {kind!r}; use one of {list(SURROGATES)}")


class OutcomeModel:
    """A fitted model of one outcome, in its own units.

    With a ``prior_mean`` (the physics-informed option) the surrogate learns the discrepancy
    ``scale(y) - scale(prior(x))`` and predictions add the prior back.
    """

    def __init__(
        self,
        outcome: str,
        encoder: Encoder,
        surrogate: Surrogate,
        *,
        prior_mean: PriorMean | None = None,
        force_log: bool = False,
    ) -> None:
        self.outcome, self.encoder, self.surrogate = outcome, encoder, surrogate
        self.prior_mean, self.force_log = prior_mean, force_log

    def _prior(self, recipes: pd.DataFrame) -> np.ndarray:
        if self.prior_mean is None:
            return np.zeros(len(recipes))
        prior = self.scale_.forward(np.asarray(self.prior_mean(recipes), float))
        return np.where(np.isfinite(prior), prior, self.prior_fallback_)

    def fit(self, recipes: pd.DataFrame, values: np.ndarray) -> OutcomeModel:
        values = np.asarray(values, float)
        keep = np.isfinite(values)
        if keep.sum() < _MIN_TRAINING_POINTS:
            raise InputDataError(
                f"{self.outcome}: {int(keep.sum())} measured value(s); a model needs at least {_MIN_TRAINING_POINTS}"
            )
        recipes = recipes.iloc[np.flatnonzero(keep)].reset_index(drop=True)
        self.scale_: OutcomeScale = choose_scale(values[keep], force_log=self.force_log)
        target = self.scale_.forward(values[keep])
        self.prior_fallback_ = float(np.median(target))
        self.surrogate.fit(self.encoder.transform(recipes), target - self._prior(recipes))
        self.n_train_ = int(keep.sum())
        return self

    def predict_scaled(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd on the model's scale (log for log-scaled outcomes)."""
        mean, sd = self.surrogate.predict(self.encoder.transform(recipes))
        return mean + self._prior(recipes), sd

    def predict(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd in the outcome's units (log-normal mean's median for log scales)."""
        mean, sd = self.predict_scaled(recipes)
        return self.scale_.inverse(mean), self.scale_.inverse_sd(mean, sd)
