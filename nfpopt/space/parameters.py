"""Process parameters: the variables a campaign may change, with units and bounds."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ContinuousParameter:
    """A real-valued parameter in ``[lower, upper]`` (inclusive), in ``unit``."""

    name: str
    lower: float
    upper: float
    unit: str = ""

    kind = "continuous"

    def check(self, value: object) -> str | None:
        """``None`` if ``value`` is allowed, else what is wrong and how to fix it."""
        number = finite_number(value)
        if number is None:
            return f"{value!r} is not a number"
        if not self.lower <= number <= self.upper:
            return f"{number:g} is outside ({self.lower=:g}, {self.upper=:g}) {self.unit}".rstrip()
        return None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of the unit interval onto the parameter's range."""
        return self.lower + np.asarray(u, float) * (self.upper - self.lower)


@dataclass(frozen=True)
class IntegerParameter:
    """An integer parameter in ``[lower, upper]``."""

    name: str
    lower: int
    upper: int
    unit: str = ""

    kind = "integer"

    def check(self, value: object) -> str | None:
        number = finite_number(value)
        if number is None or number != round(number):
            return f"{value!r} is not an integer"
        if not self.lower <= number <= self.upper:
            return f"{number:g} is outside ({self.lower=}, {self.upper=})"
        return None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        span = self.upper - self.lower + 1
        return self.lower + np.minimum(np.floor(np.asarray(u, float) * span), span - 1).astype(int)


@dataclass(frozen=True)
class CategoricalParameter:
    """A parameter taking one of a fixed list of text values."""

    name: str
    values: tuple[str, ...]
    unit: str = ""

    kind = "categorical"

    def check(self, value: object) -> str | None:
        if str(value).strip() not in self.values:
            return f"{value!r} is not one of {list(self.values)}"
        return None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        index = np.minimum(np.floor(np.asarray(u, float) * len(self.values)), len(self.values) - 1)
        return np.array(self.values, dtype=object)[index.astype(int)]


@dataclass(frozen=True)
class FixedParameter:
    """A parameter held at one value for the whole campaign (e.g. the cathode area)."""

    name: str
    value: float | str
    unit: str = ""

    kind = "fixed"

    def check(self, value: object) -> str | None:
        if isinstance(self.value, str):
            return None if str(value).strip() == self.value else f"{value!r} is not the fixed {self.value!r}"
        number = finite_number(value)
        if number is None or not math.isclose(number, self.value, rel_tol=1e-9, abs_tol=1e-12):
            return f"{value!r} is not the fixed value {self.value:g}"
        return None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        return np.full(np.shape(u), self.value, dtype=object if isinstance(self.value, str) else float)


Parameter = ContinuousParameter | IntegerParameter | CategoricalParameter | FixedParameter


def finite_number(value: object) -> float | None:
    """``value`` as a finite float, or None (booleans, text, NaN and infinities are not numbers)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
