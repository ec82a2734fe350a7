"""Rich tables for the command line (presentation only, no science)."""

from __future__ import annotations

import math

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
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("cell")
    table.add_column("")
    shown = [
        (col, head, digits)
        for col, head, digits in _SIDE_BY_SIDE
        if col + REPORTED_SUFFIX in frame and frame[col + REPORTED_SUFFIX].notna().any()
    ]
    for _, head, _ in shown:
        table.add_column(head, justify="right")
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
