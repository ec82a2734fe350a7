"""One outcome's model on recipes: encoding, outcome scale, optional physics prior, surrogate.

Every surrogate follows one small protocol on encoded inputs (:class:`Surrogate`);
:class:`OutcomeModel` adds what a chemist sees: recipes in, mean and sd in the outcome's units.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from nfpopt.exceptions import InputDataError
from nfpopt.objectives import OutcomeSpec
from nfpopt.surrogates.encoding import Encoder
from nfpopt.surrogates.transforms import OutcomeScale, scale_named

PriorMean = Callable[[pd.DataFrame], np.ndarray]
#: Surrogate kinds a campaign may choose.
SURROGATES = ("gp", "physics_gp", "extra_trees", "random_forest", "sklearn_gp")
_MIN_TRAINING_POINTS = 2
#: Measurement noise (sd) assumed at least: 2 % of the value on a log scale, 1 % of the
#: declared range on a linear one (of the largest value where no range is declared). The GP's
#: prior sd is at least 10x that (a factor 1.22 on a log scale): what an unexplored recipe may
#: still surprise by. A hurdle outcome's level (:mod:`nfpopt.surrogates.hurdle`) takes
#: ``noise_floor_linear = 0.005`` instead (docs/recommender.md has both measurements).
_NOISE_FLOOR_LOG = 0.02
_NOISE_FLOOR_LINEAR = 0.01
_AMPLITUDE_PER_NOISE = 10.0
_FLOOR_WEIGHT = 5


@dataclass(frozen=True)
class Interval:
    """A prediction in the outcome's units: the model's point, a central interval, and how."""

    point: np.ndarray
    low: np.ndarray
    high: np.ndarray
    #: ``'log'`` or ``'linear'``: the scale the outcome was modelled on.
    scale: str
    #: True where the interval was cut at the outcome's declared bounds.
    truncated: np.ndarray


class Surrogate(Protocol):
    """Fit on encoded inputs ``X`` (n x d, unit cube) and a 1-D target; predict mean and sd."""

    name: str

    def fit(self, X: np.ndarray, y: np.ndarray) -> Surrogate: ...

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


def make_surrogate(kind: str, seed: int = 0, *, widen: bool = True) -> Surrogate:
    """A fresh surrogate of ``kind`` (one of :data:`SURROGATES`).

    ``widen=False`` skips a GP's cross-validated widening of its sd (five extra fits), for
    uses that read the mean only, such as the model-skill check.
    """
    if kind in ("gp", "physics_gp"):
        from nfpopt.surrogates.gp import BoTorchGP

        return BoTorchGP(recalibrate=widen)
    if kind in ("extra_trees", "random_forest"):
        from nfpopt.surrogates.forest import ForestSurrogate

        return ForestSurrogate(kind, seed=seed)
    if kind == "sklearn_gp":
        from nfpopt.surrogates.forest import SklearnGP

        return SklearnGP(seed=seed)
    raise InputDataError(f"unknown surrogate {kind!r}; use one of {list(SURROGATES)}")


class OutcomeModel:
    """A fitted model of one outcome, in its own units.

    ``spec`` (the campaign's declaration of the outcome) fixes the scale (declared, or inferred
    by :meth:`OutcomeSpec.model_scale`) and the bounds intervals are kept within. With a
    ``prior_mean`` (the physics-informed option) the surrogate learns the discrepancy
    ``scale(y) - scale(prior(x))`` (a ratio on a log scale) and predictions add the prior back.
    """

    def __init__(
        self,
        outcome: str,
        encoder: Encoder,
        surrogate: Surrogate,
        *,
        prior_mean: PriorMean | None = None,
        spec: OutcomeSpec | None = None,
    ) -> None:
        self.outcome, self.encoder, self.surrogate = outcome, encoder, surrogate
        self.prior_mean, self.spec = prior_mean, spec or OutcomeSpec(outcome)
        #: The smallest measurement noise on a linear scale, as a share of the declared range.
        self.noise_floor_linear = _NOISE_FLOOR_LINEAR

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
        self.scale_: OutcomeScale = scale_named(self.spec.model_scale(values[keep]))
        if self.scale_.log and np.any(values[keep] <= 0):
            raise InputDataError(
                f"{self.outcome} is modelled on a log scale but {int(np.sum(values[keep] <= 0))} recorded "
                f"value(s) are <= 0; amend them (nfpopt record --amend) or declare scale = 'linear'"
            )
        target = self.scale_.forward(values[keep])
        self.prior_fallback_ = float(np.median(target))
        residual = target - self._prior(recipes)
        if hasattr(self.surrogate, "set_floors"):
            noise = self._noise_floor(values[keep])
            self.surrogate.set_floors(noise, _amplitude_floor(_AMPLITUDE_PER_NOISE * noise, residual))
        self.surrogate.fit(self.encoder.transform(recipes), residual)
        self.n_train_ = int(keep.sum())
        return self

    def _noise_floor(self, values: np.ndarray) -> float:
        """The smallest measurement noise (sd, model-scale units) the fit may assume."""
        if self.scale_.log:
            return _NOISE_FLOOR_LOG
        spec = self.spec
        size = spec.upper - spec.lower if math.isfinite(spec.lower) and math.isfinite(spec.upper) else 0.0
        size = size or float(np.max(np.abs(values))) or 1.0
        return self.noise_floor_linear * size

    def predict_scaled(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd on the model's scale (log for log-scaled outcomes)."""
        mean, sd = self.surrogate.predict(self.encoder.transform(recipes))
        return mean + self._prior(recipes), sd

    def predict(self, recipes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sd in the outcome's units (log-normal mean's median for log scales)."""
        mean, sd = self.predict_scaled(recipes)
        return self.scale_.inverse(mean), self.scale_.inverse_sd(mean, sd)

    def predict_interval(self, recipes: pd.DataFrame, level: float = 0.9) -> Interval:
        """The point (median) and central ``level`` interval in the outcome's units, within its bounds."""
        mean, sd = self.predict_scaled(recipes)
        low, high = self.scale_.interval(mean, sd, level)
        return bounded(
            Interval(self.scale_.inverse(mean), low, high, self.scale_.name, np.zeros(len(mean), bool)), self.spec
        )


def _amplitude_floor(prior_floor: float, residual: np.ndarray) -> float:
    """How far an unexplored recipe may still surprise, after ``n`` results.

    The prior floor fades as ``w / (w + n)`` (``w`` = ``_FLOOR_WEIGHT`` results) and the spread of
    the campaign's own residuals takes its place, in variance, with weight ``n / (w + n)``. Five
    results alike say little (the floor holds); twenty whose physics prior was right within 3 %
    say the prior is good (the floor falls to a fifth, 0.04 on a log scale): on the family of
    labs the floor pooled with a fixed weight kept `physics`' resistance intervals three times
    wider than its misses late in a campaign (97 % covered), and a floor that only faded, with no
    pooling, left `bayes`' too narrow (82 %).
    """
    n = len(residual)
    spread = float(np.var(residual, ddof=1)) if n > 1 else 0.0
    fading = prior_floor * _FLOOR_WEIGHT / (_FLOOR_WEIGHT + n)
    return math.sqrt(fading**2 + n * spread / (_FLOOR_WEIGHT + n))


def bounded(interval: Interval, spec: OutcomeSpec) -> Interval:
    """``interval`` cut at the outcome's declared physical bounds, marking where it was cut."""
    low = np.clip(interval.low, spec.lower, spec.upper)
    high = np.clip(interval.high, spec.lower, spec.upper)
    truncated = interval.truncated | (low != interval.low) | (high != interval.high)
    point = np.clip(interval.point, spec.lower, spec.upper)
    return Interval(point, low, high, interval.scale, truncated)
