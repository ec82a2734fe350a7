"""Recipes a technician can set: each stepped parameter on a multiple of its ``step``, every
constraint still exact, and no recipe that was tried or is pending.

The strategies optimise over real numbers; :func:`settable` moves their batch onto the lab's
grid afterwards. Each recipe goes to the nearest grid point (each value rounded to its step);
where that breaks a constraint (a mixture's minimum remainder, the crystallisation-onset floor)
or repeats a tried, pending or earlier recipe of the batch, it goes to the nearest grid point
around it that does neither (distance in fractions of each parameter's range).
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from nfpopt.exceptions import InputDataError
from nfpopt.space.parameters import ContinuousParameter, IntegerParameter

if TYPE_CHECKING:
    from nfpopt.space.search_space import SearchSpace

Stepped = ContinuousParameter | IntegerParameter
#: Grid points tried around a recipe that cannot stay where rounding puts it: from one step
#: below the value's lower neighbour to one above its upper one, for every stepped parameter.
_OFFSETS = (-1, 0, 1, 2)
#: What the rationale of a recipe moved off its nearest grid point says.
MOVED = "moved to the nearest settable recipe that is allowed and not yet tried"


def decimals(step: float) -> int:
    """Decimal places of ``step`` as written (0.1 -> 1, 0.25 -> 2, 5 -> 0)."""
    exponent = Decimal(repr(float(step))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def grid_range(parameter: Stepped) -> tuple[int, int]:
    """The first and last multiple of the step (as multiples) inside the parameter's bounds."""
    step = float(parameter.step)  # type: ignore[arg-type]
    return math.ceil(parameter.lower / step - 1e-9), math.floor(parameter.upper / step + 1e-9)


def on_grid(parameter: Stepped, multiples: np.ndarray) -> np.ndarray:
    """Values of ``multiples`` of the step, written with the step's decimals (no 15-digit tails)."""
    values = np.round(np.asarray(multiples, float) * float(parameter.step), decimals(parameter.step))  # type: ignore[arg-type]
    return values.astype(int) if isinstance(parameter, IntegerParameter) else values


def snap(parameter: Stepped, values: np.ndarray) -> np.ndarray:
    """Each value on the nearest multiple of the parameter's step inside its bounds."""
    low, high = grid_range(parameter)
    multiples = np.clip(np.round(np.asarray(values, float) / float(parameter.step)), low, high)  # type: ignore[arg-type]
    return on_grid(parameter, multiples)


def stepped_parameters(space: SearchSpace) -> list[Stepped]:
    """The free parameters that declare a step."""
    return [p for p in space.free if isinstance(p, Stepped) and p.step is not None]


def settable(space: SearchSpace, recipes: pd.DataFrame, taken: pd.DataFrame | None = None) -> pd.DataFrame:
    """``recipes`` on each parameter's step, inside every constraint, none a repeat of ``taken``
    (tried or pending recipes) or of another in the batch. A recipe moved further than rounding
    gets ``moved`` = True. Columns other than the recipe are kept as they are.

    Raises:
        InputDataError: no grid point near a recipe is allowed and new; declare finer steps.
    """
    stepped = stepped_parameters(space)
    out = recipes.reset_index(drop=True).copy()
    if not stepped or not len(out):
        return out
    for parameter in stepped:
        out[parameter.name] = snap(parameter, out[parameter.name].astype(float).to_numpy())
    out = _derived(space, out)
    seen = {_key(space, row) for row in _rows(taken)}
    allowed = space.feasible(out)
    moved = np.zeros(len(out), dtype=bool)
    for index in range(len(out)):
        key = _key(space, out.loc[index])
        if allowed[index] and key not in seen:
            seen.add(key)
            continue
        replacement = _nearest(space, stepped, recipes.iloc[index], seen)
        if replacement is None:
            raise InputDataError(
                f"no recipe on the declared steps near proposal {index + 1} is allowed and not yet tried "
                f"({', '.join(f'{p.name} step {p.step:g}' for p in stepped)}); declare finer steps in the campaign file"
            )
        for name, value in replacement.items():
            out.loc[index, name] = value
        seen.add(_key(space, out.loc[index]))
        moved[index] = True
    if moved.any():
        out["moved"] = moved
    return out


def _nearest(space: SearchSpace, stepped: list[Stepped], recipe: pd.Series, seen: set[tuple]) -> pd.Series | None:
    """The grid point around ``recipe`` nearest to it that satisfies the space and is not ``seen``."""
    axes = []
    for parameter in stepped:
        low, high = grid_range(parameter)
        base = math.floor(float(recipe[parameter.name]) / float(parameter.step))  # type: ignore[arg-type]
        axes.append(sorted({min(max(base + o, low), high) for o in _OFFSETS}))
    grid = np.array(list(itertools.product(*axes)), dtype=float)
    candidates = pd.DataFrame([recipe] * len(grid)).reset_index(drop=True)
    distance = np.zeros(len(grid))
    for column, parameter in enumerate(stepped):
        values = on_grid(parameter, grid[:, column])
        candidates[parameter.name] = values
        distance += ((values - float(recipe[parameter.name])) / (parameter.upper - parameter.lower)) ** 2
    candidates = _derived(space, candidates)
    allowed = space.feasible(candidates)
    for position in np.argsort(distance, kind="stable"):
        if allowed[position] and _key(space, candidates.loc[position]) not in seen:
            return candidates.loc[position, [p.name for p in stepped] + list(space.derived_names)]
    return None


def _derived(space: SearchSpace, recipes: pd.DataFrame) -> pd.DataFrame:
    """``recipes`` with their derived columns (a mixture's remainder), without float tails
    (100 - 23.8 is 76.2, not 76.19999999999999)."""
    out = space.with_derived(recipes)
    for name in space.derived_names:
        out[name] = np.round(out[name].astype(float), 10)
    return out


def _rows(table: pd.DataFrame | None) -> list[pd.Series]:
    return [] if table is None or not len(table) else [row for _, row in table.iterrows()]


def _key(space: SearchSpace, row: pd.Series) -> tuple:
    """A recipe's identity: its free parameters, numbers to 9 significant figures."""
    return tuple(
        f"{float(row[p.name]):.9g}" if isinstance(p, Stepped) else str(row[p.name]).strip() for p in space.free
    )
