"""The paper's co-fired cells, emulated, written as raw instrument files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nfpopt.emulator import emulate
from nfpopt.instruments import write_raw_folder
from nfpopt.paper import paper_cells

#: Rates written in these tests (a subset of Table 1's, to keep them fast), 2 C included.
RATES = (0.1, 1.0, 2.0, 5.0)


def cofired_cells() -> pd.DataFrame:
    cells = paper_cells()
    return cells[cells["cell_type"] == "glass_ceramic"].reset_index()


def write_folder(directory: Path, *, noise: float = 0.0, seed: int | None = None) -> tuple[pd.DataFrame, list[int]]:
    """Emulate the paper's co-fired cells and write their raw files; returns outcomes and ids."""
    recipes = cofired_cells()
    outcomes = emulate(recipes, noise=noise, seed=seed)
    ids = list(range(1, len(recipes) + 1))
    write_raw_folder(recipes, outcomes, directory, experiment_ids=ids, c_rates=RATES, noise=noise, seed=seed)
    outcomes.insert(0, "experiment_id", ids)
    return outcomes.set_index("experiment_id"), ids


@pytest.fixture(scope="module")
def raw_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """A noise-free raw folder of the paper's cells and the emulator's outcomes by experiment id."""
    directory = tmp_path_factory.mktemp("raw")
    outcomes, _ = write_folder(directory)
    return directory, outcomes
