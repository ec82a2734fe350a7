"""The manifest of a raw-data folder: which file is which measurement of which experiment.

``manifest.csv``, one row per file:

| column | meaning |
|---|---|
| ``experiment_id`` | the campaign's experiment id (from ``nfpopt propose``) |
| ``measurement`` | ``impedance``, ``discharge``, ``dta``, or ``layer`` (a row without a file) |
| ``file`` | path relative to the folder |
| ``sintered`` | whether the layer sintered (``false``: no cell, so no impedance or discharge) |
| ``c_rate_h`` | discharge rate in C (1/h), for discharges |
| ``active_mass_mg`` | NFP in the cathode, mg, for discharges (capacities are per gram of it) |
| ``circuit`` | equivalent circuit in impedance.py notation, for impedance (empty: the paper's) |
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nfpopt.exceptions import InputDataError
from nfpopt.results import parse_boolean

MANIFEST_NAME = "manifest.csv"
MEASUREMENTS = ("impedance", "discharge", "dta", "layer")
COLUMNS = ("experiment_id", "measurement", "file", "sintered", "c_rate_h", "active_mass_mg", "circuit")


def write_manifest(directory: Path, rows: list[dict[str, object]]) -> Path:
    """Write the manifest's rows (dicts with :data:`COLUMNS` keys) into ``directory``."""
    path = directory / MANIFEST_NAME
    pd.DataFrame(rows, columns=list(COLUMNS)).to_csv(path, index=False)
    return path


def _flag(value: object, where: str) -> bool:
    """A required true/false cell (the results table's vocabulary: :func:`nfpopt.results.parse_boolean`)."""
    flag = parse_boolean(value, where)
    if flag is None:
        raise InputDataError(f"{where}: empty; write true or false")
    return flag


def read_manifest(directory: Path) -> pd.DataFrame:
    """The manifest of ``directory``, validated: known measurements, files present, numbers where needed."""
    path = directory / MANIFEST_NAME
    if not directory.is_dir():
        raise InputDataError(f"{directory}: not a folder")
    if not path.is_file():
        raise InputDataError(f"{path}: missing; a raw-data folder needs a manifest (see docs/instruments.md)")
    try:
        table = pd.read_csv(path, dtype={"file": str, "circuit": str}, keep_default_na=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputDataError(f"{path}: cannot read as CSV ({exc})") from None
    missing = [c for c in ("experiment_id", "measurement", "file", "sintered") if c not in table]
    if missing:
        raise InputDataError(f"{path}: missing column(s) {missing}; expected {list(COLUMNS)}")
    for column in ("c_rate_h", "active_mass_mg", "circuit"):
        if column not in table:
            table[column] = np.nan
    sintered = []
    for position, row in enumerate(table.itertuples(index=False), start=1):
        where = f"{path}: row {position}"
        if row.measurement not in MEASUREMENTS:
            raise InputDataError(f"{where}, column 'measurement': {row.measurement!r}; expected one of {MEASUREMENTS}")
        sintered.append(_flag(row.sintered, f"{where}, column 'sintered'"))
        if row.measurement != "layer" and not (isinstance(row.file, str) and (directory / row.file).is_file()):
            raise InputDataError(f"{where}, column 'file': {row.file!r} is not a file in {directory}")
        if row.measurement == "discharge":
            for column in ("c_rate_h", "active_mass_mg"):
                value = getattr(row, column)
                if not (isinstance(value, int | float) and np.isfinite(value) and value > 0):
                    raise InputDataError(f"{where}, column '{column}': a discharge needs a number > 0, got {value!r}")
    table["sintered"] = pd.Series(sintered, index=table.index, dtype=bool)  # a column of text read as flags
    return table
