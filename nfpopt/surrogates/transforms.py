"""Outcome scales for modelling: a log scale for positive outcomes spanning decades."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_DECADE = 10.0


@dataclass(frozen=True)
class OutcomeScale:
    """Identity or natural log; chosen once from the training data by :func:`choose_scale`."""

    log: bool = False

    def forward(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, float)
        return np.log(values) if self.log else values

    def inverse(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, float)
        return np.exp(values) if self.log else values

    def inverse_sd(self, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
        """Standard deviation on the original scale (delta method for the log scale)."""
        return np.exp(mean) * sd if self.log else np.asarray(sd, float)


def choose_scale(values: np.ndarray, *, force_log: bool = False) -> OutcomeScale:
    """Log scale when every value is positive and they span more than a factor of 10.

    Resistances do (120 ohm for Cell E, 3929 ohm for Cell A); capacities, which touch 0, do not.
    """
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if force_log or (len(values) and values.min() > 0 and values.max() / values.min() > _DECADE):
        return OutcomeScale(log=True)
    return OutcomeScale(log=False)
