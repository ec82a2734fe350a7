"""Known constraints on recipes, enforced exactly on every proposal.

* :class:`MixtureConstraint`: components that make up a whole, e.g. NFP glass + beta''-alumina
  + AB = 100 wt%. With a ``remainder`` (NFP) the remainder is derived, not a parameter.
* :class:`LinearConstraint`: ``lower <= sum(c_i x_i) <= upper``.
* :class:`OnsetConstraint`: calcination at least ``margin_c`` above the glass's
  crystallisation onset, predicted from its specific surface area by the paper-calibrated
  Kissinger model (the glass must crystallise to NFP during the firing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

_TOLERANCE = 1e-6


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


Constraint = MixtureConstraint | LinearConstraint | OnsetConstraint


def satisfied(constraint: Constraint, recipes: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the recipes that satisfy ``constraint`` (to a small tolerance)."""
    return constraint.violation(recipes) <= _TOLERANCE * max(1.0, getattr(constraint, "total", 1.0))
