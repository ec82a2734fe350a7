"""Shared fixtures: the paper's cells and their emulated outcomes."""

from __future__ import annotations

import pandas as pd
import pytest

from nfpopt.emulator import emulate
from nfpopt.paper import paper_cells


@pytest.fixture(scope="session")
def cells() -> pd.DataFrame:
    """The paper's cells, indexed by cell name."""
    return paper_cells()


@pytest.fixture(scope="session")
def replay(cells: pd.DataFrame) -> pd.DataFrame:
    """Noise-free emulator outcomes of every co-fired paper cell, indexed by cell name."""
    cofired = cells[cells["cell_type"] == "glass_ceramic"]
    outcomes = emulate(cofired.reset_index())
    outcomes.index = cofired.index
    return outcomes
