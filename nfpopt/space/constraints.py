"""Known constraints on recipes, enforced exactly on every proposal.

* :class:`MixtureConstraint`: components that make up a whole, e.g. NFP glass + beta''-alumina
  + AB = 100 wt%. With a ``remainder`` (NFP) the remainder is derived, not a parameter.
* :class:`LinearConstraint`: ``lower <= sum(c_i x_i) <= upper``.
* :class:`OnsetConstraint`: calcination at least ``margin_c`` above the glass's
  crystallisation onset, predicted from its specific surface area by the paper-calibrated
  Kissinger model (the glass must crystallise to NFP during the firing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

_TOLERANCE = 1e-6
Units = Mapping[str, str]


@dataclass(frozen=True)
class MixtureConstraint:
    """``sum(components) + remainder = total`` with the remainder at least ``min_remainder``."""

    components: tuple[str, ...]
    total: float = 100.0
    remainder: str | None = None
    min_remainder: float = 0.0

    kind = "mixture"

    @property
    def parameters(self) -> tuple[str, ...]:
        return self.components

    def violation(self, recipes: pd.DataFrame) -> np.ndarray:
        """How far each recipe is from satisfying the constraint (0 where satisfied)."""
        total = recipes[list(self.components)].astype(float).sum(axis=1).to_numpy()
        if self.remainder is None:
            return np.abs(total - self.total)
        return np.clip(total - (self.total - self.min_remainder), 0.0, None)

    def derived(self, recipes: pd.DataFrame) -> dict[str, np.ndarray]:
        """The derived remainder column, if any."""
        if self.remainder is None:
            return {}
        total = recipes[list(self.components)].astype(float).sum(axis=1).to_numpy()
        return {self.remainder: self.total - total}

    def describe(self) -> str:
        rest = f" + {self.remainder}" if self.remainder else ""
        return f"{' + '.join(self.components)}{rest} = {self.total:g}"

    def explain(self, recipe: pd.DataFrame, units: Units | None = None) -> str:
        """Why the first recipe of ``recipe`` breaks the mixture, with its numbers and the fix."""
        unit = _unit(units, self.components[0])
        parts = " + ".join(self.components)
        total = float(recipe[list(self.components)].astype(float).sum(axis=1).iloc[0])
        if self.remainder is None:
            return f"{parts} = {total:g}{unit}, not {self.total:g}{unit}; make the parts add up to {self.total:g}{unit}"
        most = self.total - self.min_remainder
        return (
            f"{parts} = {total:g}{unit} leaves {self.remainder} = {self.total - total:g}{unit}, below its "
            f"minimum of {self.min_remainder:g}{unit}; lower {parts} to {most:g}{unit} or less"
        )


@dataclass(frozen=True)
class LinearConstraint:
    """``lower <= sum(coefficient * parameter) <= upper``."""

    coefficients: tuple[tuple[str, float], ...]
    lower: float = -np.inf
    upper: float = np.inf

    kind = "linear"

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.coefficients)

    def value(self, recipes: pd.DataFrame) -> np.ndarray:
        return sum(c * recipes[n].astype(float).to_numpy() for n, c in self.coefficients)

    def violation(self, recipes: pd.DataFrame) -> np.ndarray:
        value = self.value(recipes)
        return np.clip(self.lower - value, 0.0, None) + np.clip(value - self.upper, 0.0, None)

    def derived(self, recipes: pd.DataFrame) -> dict[str, np.ndarray]:
        return {}

    def describe(self) -> str:
        terms = " + ".join(f"{c:g}*{n}" for n, c in self.coefficients)
        return f"{self.lower:g} <= {terms} <= {self.upper:g}"

    def explain(self, recipe: pd.DataFrame, units: Units | None = None) -> str:
        """Why the first recipe of ``recipe`` breaks the constraint, with its value and the fix."""
        terms = " + ".join(f"{c:g}*{n}" for n, c in self.coefficients)
        value = float(self.value(recipe.iloc[[0]])[0])
        side, bound = ("below the minimum", self.lower) if value < self.lower else ("above the maximum", self.upper)
        return f"{terms} = {value:g}, {side} {bound:g} of {self.describe()}; change the recipe to bring it within"


@dataclass(frozen=True)
class OnsetConstraint:
    """``temperature >= crystallisation_onset(ssa) + margin_c``."""

    temperature: str
    ssa: str
    margin_c: float = 0.0

    kind = "above_crystallisation_onset"

    @property
    def parameters(self) -> tuple[str, ...]:
        return (self.temperature, self.ssa)

    def minimum_temperature_c(self, ssa_m2_g: np.ndarray) -> np.ndarray:
        from nfpopt.emulator.crystallisation import crystallisation_onset_c

        return crystallisation_onset_c(np.asarray(ssa_m2_g, float)) + self.margin_c

    def violation(self, recipes: pd.DataFrame) -> np.ndarray:
        floor = self.minimum_temperature_c(recipes[self.ssa].to_numpy())
        return np.clip(floor - recipes[self.temperature].astype(float).to_numpy(), 0.0, None)

    def derived(self, recipes: pd.DataFrame) -> dict[str, np.ndarray]:
        return {}

    def describe(self) -> str:
        return f"{self.temperature} >= crystallisation onset({self.ssa}) + {self.margin_c:g} C"

    def explain(self, recipe: pd.DataFrame, units: Units | None = None) -> str:
        """Why the first recipe of ``recipe`` fires too cold, with the temperatures and the fix."""
        ssa = float(recipe[self.ssa].astype(float).iloc[0])
        temperature = float(recipe[self.temperature].astype(float).iloc[0])
        floor = float(self.minimum_temperature_c(np.array([ssa]))[0])
        return (
            f"{self.temperature} = {temperature:g} C is below {floor:.0f} C, the glass's crystallisation "
            f"onset at {self.ssa} = {ssa:g}{_unit(units, self.ssa)} plus the {self.margin_c:g} C margin; "
            f"fire at {np.ceil(floor):.0f} C or hotter, or use a finer glass (a higher {self.ssa})"
        )


Constraint = MixtureConstraint | LinearConstraint | OnsetConstraint


def _unit(units: Units | None, name: str) -> str:
    unit = (units or {}).get(name, "")
    return f" {unit}" if unit else ""


def satisfied(constraint: Constraint, recipes: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the recipes that satisfy ``constraint`` (to a small tolerance)."""
    return constraint.violation(recipes) <= _TOLERANCE * max(1.0, getattr(constraint, "total", 1.0))
