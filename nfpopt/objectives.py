"""Outcomes a campaign measures, the objectives it optimises and the limits it must respect."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Direction = Literal["minimise", "maximise", "target"]
#: Scales an outcome may be modelled on: ``log`` for a positive quantity whose errors are
#: relative (a resistance, a time), ``linear`` otherwise.
SCALES = ("log", "linear")


@dataclass(frozen=True)
class OutcomeSpec:
    """A measured outcome: its name (unit in the name), unit, physical range and kind."""

    name: str
    unit: str = ""
    lower: float = -math.inf
    upper: float = math.inf
    kind: Literal["number", "boolean"] = "number"
    description: str = ""
    #: Declared modelling scale (one of :data:`SCALES`); ``None``: inferred by :meth:`model_scale`.
    scale: str | None = None
    #: Exactly 0 means "the process delivered nothing" (e.g. no capacity at that C-rate): a
    #: hurdle, modelled as P(delivers) times the value where it does, not as a level.
    hurdle: bool = False
    #: The C-rate (1/h) a capacity was measured at. Hurdle outcomes of one unit with a rate form a
    #: rate series: whether the cell still delivers at 2 C is learned beside whether it did at
    #: 0.5, 1 and 5 C, so a cell that delivers up to 1 C is known to be closer than one that
    #: stops at 0.1 C, although both deliver 0 at 2 C.
    rate_c: float | None = None

    def model_scale(self, values: np.ndarray | None = None) -> str:
        """The scale to model this outcome on: the declared one, else inferred from the declaration.

        Undeclared, a quantity declared non-negative and unbounded above (``lower >= 0``, no
        ``upper``) is modelled on a log scale when every value is positive; anything else on a
        linear scale. The observed span never decides: a campaign's first results rarely span
        the decades its later ones will.
        """
        if self.scale is not None:
            return self.scale
        values = np.asarray([] if values is None else values, float)
        values = values[np.isfinite(values)]
        positive = self.lower >= 0 and math.isinf(self.upper) and bool(np.all(values > 0))
        return "log" if positive else "linear"

    @property
    def bounded(self) -> bool:
        """True if the outcome has a finite lower or upper physical bound."""
        return math.isfinite(self.lower) or math.isfinite(self.upper)

    def check(self, value: float) -> str | None:
        """``None`` if ``value`` is physically possible, else what is wrong."""
        if self.kind == "boolean":
            return None
        if not math.isfinite(value):
            return f"{float(value)} is not a finite number; record a measured value or leave the cell empty"
        if value < self.lower or value > self.upper:
            return (
                f"{value:g} {self.unit} is physically impossible; {self.name} must lie in "
                f"[{self.lower:g}, {self.upper:g}] {self.unit}"
            ).replace("  ", " ")
        return None


@dataclass(frozen=True)
class Objective:
    """Optimise ``outcome``: minimise, maximise, or approach ``target``.

    ``threshold`` is the worst value still of interest (the hypervolume reference point).
    """

    outcome: str
    direction: Direction
    threshold: float | None = None
    target: float | None = None

    def utility(self, value: float) -> float:
        """The value as a quantity to maximise (minimise -> negate; target -> -|v - target|)."""
        if self.direction == "maximise":
            return value
        if self.direction == "minimise":
            return -value
        return -abs(value - float(self.target))  # the loader guarantees a target

    def reference(self) -> float | None:
        """The threshold in utility space (reference point for hypervolume)."""
        if self.threshold is None:
            return None
        if self.direction == "target":
            return -abs(self.threshold)  # threshold: the largest tolerated distance
        return self.utility(self.threshold)


@dataclass(frozen=True)
class OutcomeConstraint:
    """``lower <= outcome <= upper`` for a recipe to count (e.g. capacity_2c_mah_g >= 50)."""

    outcome: str
    lower: float = -math.inf
    upper: float = math.inf

    def satisfied(self, value: float) -> bool:
        return math.isfinite(value) and self.lower <= value <= self.upper

    def describe(self) -> str:
        if math.isinf(self.upper):
            return f"{self.outcome} >= {self.lower:g}"
        if math.isinf(self.lower):
            return f"{self.outcome} <= {self.upper:g}"
        return f"{self.lower:g} <= {self.outcome} <= {self.upper:g}"


def utility_matrix(table: pd.DataFrame, objectives: Sequence[Objective]) -> np.ndarray:
    """Objective values as utilities to maximise, shape ``(len(table), len(objectives))``;
    NaN where a value is missing."""
    return np.column_stack([table[o.outcome].astype(float).map(o.utility).to_numpy(float) for o in objectives])
