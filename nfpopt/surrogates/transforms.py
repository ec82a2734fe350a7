"""Outcome scales for modelling, and intervals back in the outcome's units.

A campaign declares each outcome's scale (``scale = "log"`` for a resistance); where it does not,
:meth:`nfpopt.objectives.OutcomeSpec.model_scale` infers one from the declaration, never from the
span of the first results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from nfpopt.objectives import SCALES

_DECADE = 10.0


@dataclass(frozen=True)
class OutcomeScale:
    """Identity or natural log."""

    log: bool = False

    @property
    def name(self) -> str:
        """``'log'`` or ``'linear'``."""
        return "log" if self.log else "linear"

    def forward(self, values: np.ndarray) -> np.ndarray:
        values = np.array(values, float)  # a copy: pandas hands out read-only views, torch warns on them
        return np.log(values) if self.log else values

    def inverse(self, values: np.ndarray) -> np.ndarray:
        values = np.array(values, float)
        return np.exp(values) if self.log else values

    def inverse_sd(self, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
        """Standard deviation on the original scale (delta method for the log scale)."""
        return np.exp(mean) * sd if self.log else np.asarray(sd, float)

    def interval(self, mean: np.ndarray, sd: np.ndarray, level: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
        """The central ``level`` interval of ``N(mean, sd^2)`` on this scale, in the outcome's units.

        On a log scale that is the log-normal interval (positive by construction, asymmetric about
        the median), not the median +- z sd of the delta method, which under-covers.
        """
        z = float(norm.ppf(0.5 + level / 2))
        mean, sd = np.asarray(mean, float), np.asarray(sd, float)
        return self.inverse(mean - z * sd), self.inverse(mean + z * sd)


def scale_named(name: str) -> OutcomeScale:
    """The :class:`OutcomeScale` called ``name`` (``'log'`` or ``'linear'``)."""
    if name not in SCALES:
        raise ValueError(f"unknown scale {name!r}; use 'log' or 'linear'")
    return OutcomeScale(log=name == "log")


def choose_scale(values: np.ndarray, *, force_log: bool = False) -> OutcomeScale:
    """For display only (report axes): log when every value is positive and they span a decade.

    Models take their scale from the campaign's declaration instead (see the module docstring).
    """
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if force_log or (len(values) and values.min() > 0 and values.max() / values.min() > _DECADE):
        return OutcomeScale(log=True)
    return OutcomeScale(log=False)
