"""How good is a surrogate? Leave-one-out error and the coverage of its 90 % intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from nfpopt.surrogates.base import OutcomeModel

_Z90 = float(norm.ppf(0.95))


@dataclass(frozen=True)
class LeaveOneOut:
    """Leave-one-out predictions of one outcome, and their summary."""

    outcome: str
    measured: np.ndarray
    predicted: np.ndarray
    sd: np.ndarray

    @property
    def rmse(self) -> float:
        """Root-mean-square error on the model's scale (log units for log-scaled outcomes)."""
        return float(np.sqrt(np.mean((self.predicted - self.measured) ** 2)))

    @property
    def coverage_90(self) -> float:
        """Fraction of measurements inside the predicted 90 % interval (ideal: 0.90)."""
        inside = np.abs(self.measured - self.predicted) <= _Z90 * self.sd
        return float(np.mean(inside))


def leave_one_out(make_model: Callable[[], OutcomeModel], recipes: pd.DataFrame, values: np.ndarray) -> LeaveOneOut:
    """Refit without each measured point in turn and predict it (on the model's scale)."""
    values = np.asarray(values, float)
    index = np.flatnonzero(np.isfinite(values))
    measured, predicted, sd = [], [], []
    for held in index:
        train = np.setdiff1d(index, [held])
        model = make_model().fit(recipes.iloc[train].reset_index(drop=True), values[train])
        mean, spread = model.predict_scaled(recipes.iloc[[held]].reset_index(drop=True))
        measured.append(float(model.scale_.forward(values[[held]])[0]))
        predicted.append(float(mean[0]))
        sd.append(float(spread[0]))
    return LeaveOneOut(make_model().outcome, np.array(measured), np.array(predicted), np.array(sd))
