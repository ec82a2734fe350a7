"""The paper's cells as data: Yamauchi et al., Sci. Rep. 10:9453 (2020).

The table lives in ``data/yamauchi2020_cells.csv`` (one row per cell, units in the column
names) and every non-empty value has a row in ``data/yamauchi2020_provenance.csv`` saying
whether it is ``reported`` (with the section, table or figure) or ``assumed`` (with the reason;
the supplementary Table S1 with each recipe is not in the text).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from nfpopt.exceptions import InputDataError

CELLS_FILE = "yamauchi2020_cells.csv"
PROVENANCE_FILE = "yamauchi2020_provenance.csv"
#: The co-fired coin cells of Table 1.
TABLE1_CELLS = ("A", "B", "C", "D", "E")


def data_dir() -> Path:
    """Directory holding the project's data files.

    ``NFPOPT_DATA_DIR`` overrides; otherwise the repository's ``data/`` beside the package.
    """
    override = os.environ.get("NFPOPT_DATA_DIR")
    directory = Path(override) if override else Path(__file__).resolve().parents[1] / "data"
    if not (directory / CELLS_FILE).is_file():
        raise InputDataError(
            f"cannot find {CELLS_FILE} in {directory}; run from a checkout of nfpopt or set "
            "NFPOPT_DATA_DIR to the folder holding the paper's data"
        )
    return directory


def paper_cells_path() -> Path:
    """Path of the paper's cell table."""
    return data_dir() / CELLS_FILE


def paper_cells() -> pd.DataFrame:
    """The paper's cells, indexed by ``cell`` (A-E, liquid_ref, pouch_C, C_0C, C_minus20C, AB5)."""
    frame = pd.read_csv(paper_cells_path(), dtype={"roughening": "string"})
    for column in ("sintered", "interdiffusion_detected"):
        frame[column] = frame[column].map({True: True, False: False, "true": True, "false": False})
    return frame.set_index("cell")


def paper_provenance() -> pd.DataFrame:
    """Provenance of every value: columns ``cell, column, provenance, source``."""
    return pd.read_csv(data_dir() / PROVENANCE_FILE)
