"""Process parameters: the variables a campaign may change, with units and bounds.

Each parameter's ``check`` says what is wrong with a value as a chemist reads it: the
parameter, the value with its unit, the allowed range with its unit, and the fix, e.g.
``calcination_temp_c = 798.7 C is outside [450, 600] C; use a value from 450 to 600 C, or
widen the bounds of 'calcination_temp_c' in the campaign file``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

_WIDEN = "in the campaign file"


@dataclass(frozen=True)
class ContinuousParameter:
    """A real-valued parameter in ``[lower, upper]`` (inclusive), in ``unit``.

    ``step``: the resolution the lab can set it to (1 for a furnace set to 1 °C, 0.1 for a
    weight in wt%); proposals lie on multiples of it (:mod:`nfpopt.space.settable`). ``None``:
    any value.
    """

    name: str
    lower: float
    upper: float
    unit: str = ""
    step: float | None = None

    kind = "continuous"

    def check(self, value: object) -> str | None:
        """``None`` if ``value`` is allowed, else what is wrong and how to fix it."""
        number = finite_number(value)
        span = f"[{self.lower:g}, {self.upper:g}]{_unit(self.unit)}"
        if number is None:
            return f"{_wrong(self.name, value, 'is not a number')}; give a value in {span}"
        if not self.lower <= number <= self.upper:
            return (
                f"{self.name} = {shown(number)}{_unit(self.unit)} is outside {span}; use a value from "
                f"{self.lower:g} to {self.upper:g}{_unit(self.unit)}, or widen the bounds of '{self.name}' {_WIDEN}"
            )
        return None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map points of the unit interval onto the parameter's range."""
        return self.lower + np.asarray(u, float) * (self.upper - self.lower)


@dataclass(frozen=True)
class IntegerParameter:
    """An integer parameter in ``[lower, upper]``; ``step``: proposals on multiples of it (e.g. 5
    for a time set in 5 h steps), ``None``: any whole number."""

    name: str
    lower: int
    upper: int
    unit: str = ""
    step: int | None = None

    kind = "integer"

    def check(self, value: object) -> str | None:
        """``None`` if ``value`` is allowed, else what is wrong and how to fix it."""
        number = finite_number(value)
        span = f"[{self.lower:g}, {self.upper:g}]{_unit(self.unit)}"
        if number is None or number != round(number):
            return f"{_wrong(self.name, value, 'is not a whole number')}; give one in {span}"
        if not self.lower <= number <= self.upper:
            return (
                f"{self.name} = {shown(number)}{_unit(self.unit)} is outside {span}; use a whole number from "
                f"{self.lower:g} to {self.upper:g}, or widen the bounds of '{self.name}' {_WIDEN}"
            )
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
        """``None`` if ``value`` is one of the levels, else what is wrong and how to fix it."""
        if str(value).strip() not in self.values:
            levels = ", ".join(repr(v) for v in self.values)
            return (
                f"{_wrong(self.name, value, 'is not one of ' + levels)}; use one of these, "
                f"or add it to the values of '{self.name}' {_WIDEN}"
            )
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
        """``None`` if ``value`` is the campaign's fixed value, else what is wrong."""
        if isinstance(self.value, str):
            if str(value).strip() == self.value:
                return None
            return f"{_given(self.name, value)}, but this campaign holds it at {self.value!r}; use {self.value!r}"
        number = finite_number(value)
        if number is None or not math.isclose(number, self.value, rel_tol=1e-9, abs_tol=1e-12):
            held = f"{self.value:g}{_unit(self.unit)}"
            given = (
                f"{self.name} = {shown(number)}{_unit(self.unit)}" if number is not None else _given(self.name, value)
            )
            return f"{given}, but this campaign holds it at {held}; use {held}"
        return None

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        return np.full(np.shape(u), self.value, dtype=object if isinstance(self.value, str) else float)


Parameter = ContinuousParameter | IntegerParameter | CategoricalParameter | FixedParameter


def shown(value: object) -> str:
    """A value from a user's table as text for a message: a number as plain digits (up to 12
    significant figures, never ``np.float64(...)``), an empty cell as "empty", text quoted."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return "empty"
    if isinstance(value, bool | np.bool_):
        return str(bool(value)).lower()
    if isinstance(value, int | float | np.integer | np.floating):
        return f"{float(value):.12g}"
    return repr(str(value))


def _given(name: str, value: object) -> str:
    text = shown(value)
    return f"{name} is empty" if text == "empty" else f"{name} = {text}"


def _wrong(name: str, value: object, what: str) -> str:
    """``name = 'abc' is not a number``, or ``name is empty``."""
    text = shown(value)
    return f"{name} is empty" if text == "empty" else f"{name} = {text} {what}"


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def finite_number(value: object) -> float | None:
    """``value`` as a finite float, or None (booleans, text, NaN and infinities are not numbers)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
