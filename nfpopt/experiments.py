"""The experiment table's vocabulary: which experiments are pending, finished or succeeded, and
which are non-dominated.

Below both :mod:`nfpopt.campaign` (which keeps the table) and :mod:`nfpopt.recommend` (which
reads it), so that neither imports the other for these. Plain numpy and pandas: ``status``
should not load a modelling library to compare a few rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from nfpopt.definition import CampaignDefinition

#: Statuses of an experiment whose result is still to come.
PENDING = ("proposed", "running")
#: Statuses of an experiment with a result: measured, or a fabrication that failed.
FINISHED = ("measured", "failed")


def finished(table: pd.DataFrame) -> pd.DataFrame:
    """Experiments measured or failed (not proposed, running or abandoned); index kept."""
    return table[table["status"].isin(FINISHED)] if len(table) else table


def succeeded(definition: CampaignDefinition, table: pd.DataFrame) -> np.ndarray:
    """Mask of experiments that succeeded: measured, with the feasibility outcome not false.

    A measured experiment with no feasibility value recorded counts as a success (it could be
    measured, so the layer held).
    """
    ok = np.array(table["status"].eq("measured"), dtype=bool) if len(table) else np.zeros(0, dtype=bool)
    if definition.feasibility and definition.feasibility in table:
        ok &= table[definition.feasibility].map(lambda v: v is not False).to_numpy(bool)
    return ok


def non_dominated(utility: np.ndarray) -> np.ndarray:
    """Mask of rows not dominated by any other (all columns maximised)."""
    n = len(utility)
    mask = np.ones(n, dtype=bool)
    for i in range(n):
        dominates_i = np.all(utility >= utility[i], axis=1) & np.any(utility > utility[i], axis=1)
        mask[i] = not dominates_i.any()
    return mask
