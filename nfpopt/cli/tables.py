"""Rich tables for the command line (presentation only, no science)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from rich.table import Table

from nfpopt.emulator import CAPACITY_COLUMNS, TABLE1_C_RATES

REPORTED_SUFFIX = "_reported"
_SIDE_BY_SIDE = (
    ("sintered", "sintered", None),
    ("crystallisation_peak_c", "peak °C", 0),
    ("internal_resistance_ohm", "R Ω", 1),
    *((c, f"{r:g}C", 1) for c, r in zip(CAPACITY_COLUMNS, TABLE1_C_RATES, strict=True)),
)


def _fmt(value: object, digits: int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if digits is None:
        return "yes" if bool(value) else "no"
    return f"{float(value):.{digits}f}"


def row_labels(frame: pd.DataFrame) -> list[str]:
    """Labels for table rows: the ``cell`` or ``experiment_id`` column, else the 1-based row."""
    for column in ("cell", "experiment_id", "name"):
        if column in frame:
            return [str(v) for v in frame[column]]
    return [str(i) for i in range(1, len(frame) + 1)]


def side_by_side_table(frame: pd.DataFrame, title: str) -> Table:
    """Reported vs emulated: two lines per recipe, the reported values above the emulated ones.

    Only quantities with at least one reported value are shown.
    """
    table = Table(title=title, title_justify="left", show_lines=False, padding=(0, 1, 0, 0), pad_edge=False)
    table.add_column("cell")
    table.add_column("", min_width=len("emulator"))  # no word of a label or heading is cut
    shown = [
        (col, head, digits)
        for col, head, digits in _SIDE_BY_SIDE
        if col + REPORTED_SUFFIX in frame and frame[col + REPORTED_SUFFIX].notna().any()
    ]
    for _, head, _ in shown:
        table.add_column(head, justify="right", min_width=max(len(word) for word in head.split()))
    for label, (_, row) in zip(row_labels(frame), frame.iterrows(), strict=True):
        table.add_row(label, "paper", *(_fmt(row[c + REPORTED_SUFFIX], d) for c, _, d in shown))
        table.add_row("", "emulator", *(_fmt(row[c], d) for c, _, d in shown), end_section=True)
    table.caption = "capacities in mAh/g at each C-rate; '–' not reported, or not measurable"
    return table


def outcome_table(frame: pd.DataFrame, title: str) -> Table:
    """Key emulated outcomes, one row per recipe."""
    columns = (
        ("crystallisation_onset_c", "onset °C", 0),
        ("sintered", "sintered", None),
        ("interdiffusion_um", "diffusion µm", 2),
        ("internal_resistance_ohm", "R Ω", 1),
        ("capacity_0p1c_mah_g", "0.1 C mAh/g", 1),
        ("capacity_2c_mah_g", "2 C mAh/g", 1),
    )
    table = Table(title=title, title_justify="left")
    table.add_column("row")
    for _, head, _ in columns:
        table.add_column(head, justify="right")
    for label, (_, row) in zip(row_labels(frame), frame.iterrows(), strict=True):
        table.add_row(label, *(_fmt(row[c], d) for c, _, d in columns))
    return table


# -- proposals -----------------------------------------------------------------------------
#: Units as a chemist writes them (campaign files spell them in ASCII).
DISPLAY_UNITS = {"ohm": "Ω", "kohm": "kΩ", "C": "°C", "um": "µm", "m2/g": "m²/g", "cm2": "cm²", "mm2": "mm²"}
_IDENTIFIERS = {"experiment_id": "id", "batch": "batch", "p_feasible": "P(success)"}


def display_unit(unit: str) -> str:
    """``unit`` as printed: ``ohm`` -> ``Ω``, ``C`` -> ``°C``; others unchanged."""
    return DISPLAY_UNITS.get(unit, unit)


def short_name(name: str, unit: str = "") -> str:
    """A column name without its unit suffix, in words: ``internal_resistance_ohm`` -> ``internal resistance``."""
    slug = re.sub(r"[^a-z0-9]+", "_", unit.lower().replace("%", "_pct")).strip("_")
    if slug and name.endswith(f"_{slug}"):
        name = name[: -len(slug) - 1]
    return name.replace("_", " ")


def heading(name: str, unit: str = "", scale: str | None = None) -> str:
    """A column heading naming the quantity, its unit and scale: ``internal resistance (Ω, log)``."""
    details = [d for d in (display_unit(unit), scale) if d]
    return f"{short_name(name, unit)} ({', '.join(details)})" if details else short_name(name, unit)


def significant(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant figures, in plain digits from 0.001 to 10^6 (3929 -> ``3930``)."""
    value = float(value)
    if not math.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    if not 1e-3 <= abs(value) < 1e6:
        return f"{value:.{digits}g}"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    return f"{rounded:.{max(decimals, 0)}f}"


def proposal_cells(batch: pd.DataFrame, units: Mapping[str, str]) -> pd.DataFrame:
    """A proposed batch as the terminal shows it: text cells under headings with units.

    The recipe columns come first; then each modelled outcome ``x`` as one column
    ``x (unit, scale)`` of ``point [lo90, hi90] unit`` cells (3 significant figures; ``*``: the
    interval was cut at the outcome's declared bounds) from ``predicted_x``,
    ``predicted_x_lo90`` / ``_hi90`` and ``predicted_x_scale``, or ``mean ± sd`` where a strategy
    gives only ``predicted_x_sd``; ``p_delivers_x`` as ``P(x > 0)``; ``p_feasible`` as
    ``P(success)`` (no such column without it); ``p_top_set`` (a pool's top-set search) as
    ``P(top set)``. The rationale is left out (printed below the
    table). ``attrs["predictions"]`` lists the prediction headings.
    """
    predicted = [c for c in batch if c.startswith("predicted_")]
    outcomes = [c.removeprefix("predicted_") for c in predicted if f"{c}_sd" in batch or f"{c}_lo90" in batch]
    out: dict[str, list[str]] = {}
    for column in batch:
        if (
            column in predicted
            or column in ("rationale", "p_feasible", "p_top_set")
            or column.startswith("p_delivers_")
        ):
            continue
        out[_IDENTIFIERS.get(column) or heading(column, units.get(column, ""))] = [_value(v) for v in batch[column]]
    recipe = list(out)
    for outcome in outcomes:
        out[_outcome_heading(batch, outcome, units)] = _outcome_cells(batch, outcome, units)
        if f"p_delivers_{outcome}" in batch:
            out[f"P({short_name(outcome, units.get(outcome, ''))} > 0)"] = _probabilities(
                batch[f"p_delivers_{outcome}"]
            )
    if "p_top_set" in batch:
        out["P(top set)"] = _probabilities(batch["p_top_set"])
    if "p_feasible" in batch:
        out["P(success)"] = _probabilities(batch["p_feasible"])
    cells = pd.DataFrame(out, index=batch.index)
    cells.attrs["predictions"] = [c for c in cells if c not in recipe]
    return cells


def proposal_tables(cells: pd.DataFrame, title: str, *, width: int, caption: str | None = None) -> list[Table]:
    """The batch as one table if it fits ``width`` characters, else a recipe table and a
    prediction table (both keyed by ``id``), so that no heading or cell is cut."""
    predictions = cells.attrs.get("predictions", [])
    if _table_width(cells, wrapped=True) <= width or not predictions:
        return [frame_table(cells, title, caption=caption, width=width)]
    key = [c for c in cells if c == "id"]
    recipe = [c for c in cells if c not in predictions]
    return [
        frame_table(cells[recipe], f"{title}: recipes", width=width),
        frame_table(cells[key + predictions], f"{title}: predictions", caption=caption, width=width),
    ]


def _column_widths(frame: pd.DataFrame, *, wrapped: bool) -> list[int]:
    """Each column's width: its longest cell, and its whole heading (or, ``wrapped``, its longest word)."""
    widths = []
    for column in frame.columns:
        heading_width = max(len(w) for w in str(column).split()) if wrapped else len(str(column))
        widths.append(max([heading_width, 1] + [len(_value(v)) for v in frame[column]]))
    return widths


def _table_width(frame: pd.DataFrame, *, wrapped: bool) -> int:
    return sum(_column_widths(frame, wrapped=wrapped)) + 3 * len(frame.columns) + 1  # padding and rules


def _outcome_heading(batch: pd.DataFrame, outcome: str, units: Mapping[str, str]) -> str:
    scales = batch.get(f"predicted_{outcome}_scale")
    scale = str(scales.iloc[0]) if scales is not None and len(scales) and pd.notna(scales.iloc[0]) else None
    return heading(outcome, units.get(outcome, ""), scale)


def _outcome_cells(batch: pd.DataFrame, outcome: str, units: Mapping[str, str]) -> list[str]:
    unit = display_unit(units.get(outcome, ""))
    point = batch[f"predicted_{outcome}"].astype(float)
    if f"predicted_{outcome}_lo90" in batch:
        low, high = batch[f"predicted_{outcome}_lo90"].astype(float), batch[f"predicted_{outcome}_hi90"].astype(float)
        cut = batch.get(f"predicted_{outcome}_truncated", pd.Series(False, index=batch.index)).fillna(False)
        return [
            f"{significant(p)} [{significant(lo)}, {significant(hi)}]{'*' if bool(c) else ''} {unit}".rstrip()
            for p, lo, hi, c in zip(point, low, high, cut, strict=True)
        ]
    sd = batch[f"predicted_{outcome}_sd"].astype(float)
    return [f"{significant(m)} ± {significant(s, 2)} {unit}".rstrip() for m, s in zip(point, sd, strict=True)]


def _probabilities(values: pd.Series) -> list[str]:
    return [f"{float(v):.2f}" if pd.notna(v) else "–" for v in values]


def _value(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return str(value)


def frame_table(frame: pd.DataFrame, title: str, caption: str | None = None, width: int | None = None) -> Table:
    """A right-aligned table of ``frame``; wider than ``width``, its headings wrap between words.

    No word of a heading and no cell is ever cut (rich would otherwise shorten them to ``alumin…``).
    """
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    wrap = width is not None and _table_width(frame, wrapped=False) > width
    for column, least in zip(frame.columns, _column_widths(frame, wrapped=True), strict=True):
        table.add_column(str(column), justify="right", min_width=least, max_width=least if wrap else None)
    for row in frame.itertuples(index=False):
        table.add_row(*(_value(v) for v in row))
    return table
