"""The recipe table the emulator accepts, and its validation at the boundary.

A recipe is one row with the campaign's parameter names (units in the names). Validation
happens once, here, and every error names the row, the column, the value and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nfpopt.emulator.parameters import DEFAULT_PARAMETERS, EmulatorParameters
from nfpopt.exceptions import DomainError, InputDataError

ROUGHENING_LEVELS = ("none", "cathode", "both")


@dataclass(frozen=True)
class RecipeColumn:
    """A numeric recipe column with its physical domain (closed lower, open or closed upper)."""

    name: str
    meaning: str
    minimum: float
    maximum: float
    default: float | None = None
    exclusive_minimum: bool = False


NUMERIC_COLUMNS: tuple[RecipeColumn, ...] = (
    RecipeColumn(
        "glass_ssa_m2_g", "specific surface area of the NFP glass powder, m2/g", 0.0, 200.0, exclusive_minimum=True
    ),
    RecipeColumn(
        "alumina_ssa_m2_g",
        "specific surface area of the beta''-alumina powder, m2/g",
        0.0,
        200.0,
        exclusive_minimum=True,
    ),
    RecipeColumn("ab_wt_pct", "acetylene black content, wt%", 0.0, 100.0),
    RecipeColumn("alumina_wt_pct", "beta''-alumina content, wt%", 0.0, 100.0),
    RecipeColumn("calcination_temp_c", "calcination temperature, C", 0.0, 800.0),
    RecipeColumn("calcination_time_min", "calcination hold time, min", 0.0, 24 * 60.0, exclusive_minimum=True),
    RecipeColumn("cell_area_cm2", "cathode area, cm2", 0.0, 1000.0, default=1.0, exclusive_minimum=True),
    RecipeColumn("test_temp_c", "test temperature, C", -40.0, 80.0, default=30.0),
)
RECIPE_COLUMNS = tuple(c.name for c in NUMERIC_COLUMNS) + ("roughening",)
_MIXTURE_TOLERANCE_WT_PCT = 0.05


def _where(row_label: object, column: str, source: str | None) -> str:
    prefix = f"{source}: " if source else ""
    return f"{prefix}row {row_label}, column '{column}'"


def validate_recipes(
    recipes: pd.DataFrame | Sequence[Mapping[str, object]] | Mapping[str, object],
    *,
    source: str | None = None,
    params: EmulatorParameters = DEFAULT_PARAMETERS,
) -> pd.DataFrame:
    """Return a clean copy of ``recipes`` with every recipe column present and typed.

    Rows are labelled in messages by their 1-based position in the table (the spreadsheet row
    below the header). Optional columns ``cell_area_cm2`` and ``test_temp_c`` default to 1 cm2
    and 30 C. If ``nfp_wt_pct`` is present it must complete the mixture to 100 wt%.

    Raises:
        InputDataError: a required column is missing or a value is not a finite number.
        DomainError: a value lies outside the physical domain of the model.
    """
    if isinstance(recipes, Mapping):
        recipes = [recipes]
    # A table is read as it is (positionally), not copied: a wide campaign table has a hundred blocks.
    frame = recipes if isinstance(recipes, pd.DataFrame) else pd.DataFrame(recipes)
    labels = range(1, len(frame) + 1)
    missing = [c.name for c in NUMERIC_COLUMNS if c.default is None and c.name not in frame]
    if "roughening" not in frame:
        missing.append("roughening")
    if missing:
        prefix = f"{source}: " if source else ""
        raise InputDataError(
            f"{prefix}missing recipe column(s) {missing}; a recipe needs {list(RECIPE_COLUMNS)} "
            "(cell_area_cm2 and test_temp_c are optional)"
        )
    # Checked and built as arrays, one frame at the end: the physics refit and the prior mean
    # call this hundreds of times per propose, and inserting columns one by one costs more than
    # the checks (1.9 -> 0.5 ms for 50 recipes).
    clean = {column.name: _numeric_column(frame, column, labels, source) for column in NUMERIC_COLUMNS}
    clean["roughening"] = _roughening_column(frame, labels, source)
    _check_mixture(frame, clean, labels, source)
    _check_glass_transition(clean, labels, source, params)
    return pd.DataFrame(clean, index=pd.RangeIndex(len(frame)))


def _numeric_column(frame: pd.DataFrame, column: RecipeColumn, labels: range, source: str | None) -> np.ndarray:
    if column.name not in frame:
        return np.full(len(frame), column.default, dtype=float)
    raw = frame[column.name]
    numeric = pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype)
    values = (
        raw.to_numpy(dtype=float, na_value=np.nan)
        if numeric
        else pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    )
    # Only the first offending row is looked at one by one, for its message.
    skipped = raw.isna().to_numpy() if column.default is not None else np.zeros(len(values), bool)
    low = values <= column.minimum if column.exclusive_minimum else values < column.minimum
    bad = ~skipped & (~np.isfinite(values) | low | (values > column.maximum))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        original, value = raw.iloc[first], values[first]
        where = _where(labels[first], column.name, source)
        if not np.isfinite(value):
            raise InputDataError(f"{where}: {original!r} is not a finite number ({column.meaning})")
        bound = ">" if column.exclusive_minimum else ">="
        raise DomainError(
            f"{where}: {value:g} is outside the physical domain; {column.meaning} must be "
            f"{bound} {column.minimum:g} and <= {column.maximum:g}"
        )
    if column.default is not None:
        values = np.where(np.isnan(values), column.default, values)
    return values


def _roughening_column(frame: pd.DataFrame, labels: range, source: str | None) -> np.ndarray:
    raw = frame["roughening"]
    # A loop over the values, not pandas' string methods: 20 us against 300 us for 50 recipes.
    text = np.array([str(v).strip().lower() if not pd.isna(v) else "" for v in raw.to_numpy(object)], dtype=object)
    bad = np.array([t not in ROUGHENING_LEVELS for t in text], dtype=bool)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise DomainError(
            f"{_where(labels[first], 'roughening', source)}: unknown roughening {raw.iloc[first]!r}; "
            f"use one of {list(ROUGHENING_LEVELS)}"
        )
    return text


def _check_mixture(frame: pd.DataFrame, clean: Mapping[str, np.ndarray], labels: range, source: str | None) -> None:
    glass = 100.0 - clean["ab_wt_pct"] - clean["alumina_wt_pct"]
    empty = np.flatnonzero(glass <= 0.0)
    if len(empty):
        value = glass[empty[0]]
        raise DomainError(
            f"{_where(labels[empty[0]], 'alumina_wt_pct', source)}: AB + beta''-alumina = {100 - value:g} wt% "
            "leaves no NFP glass; the three must sum to 100 wt% with glass > 0"
        )
    if "nfp_wt_pct" not in frame:
        return
    raw = frame["nfp_wt_pct"]
    given = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    stated = raw.notna().to_numpy()  # not stated for a row: the glass is the rest of 100 wt%
    bad = np.flatnonzero(stated & (~np.isfinite(given) | (np.abs(given - glass) > _MIXTURE_TOLERANCE_WT_PCT)))
    if not len(bad):
        return
    first = int(bad[0])
    where = _where(labels[first], "nfp_wt_pct", source)
    if not np.isfinite(given[first]):
        raise InputDataError(f"{where}: {raw.iloc[first]!r} is not a finite number")
    raise DomainError(
        f"{where}: NFP + beta''-alumina + AB = "
        f"{given[first] + 100 - glass[first]:g} wt%, not 100; set nfp_wt_pct to {glass[first]:g} or fix the others"
    )


def _check_glass_transition(
    clean: Mapping[str, np.ndarray], labels: range, source: str | None, params: EmulatorParameters
) -> None:
    temperature_c = clean["calcination_temp_c"]
    cold = np.flatnonzero(temperature_c < params.glass_transition_c)
    if len(cold):
        value = temperature_c[cold[0]]
        raise DomainError(
            f"{_where(labels[cold[0]], 'calcination_temp_c', source)}: {value:g} C is below the glass "
            f"transition ({params.glass_transition_c:g} C); the glass cannot flow or crystallise there"
        )
