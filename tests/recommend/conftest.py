"""Campaign states to propose from: the NFP campaign simulated with a Sobol design."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nfpopt.definition import CampaignDefinition, load_definition
from nfpopt.paper import paper_cells
from nfpopt.recommend.bayes import RecommenderSettings
from nfpopt.recommend.strategies import proposer
from nfpopt.simulate import simulate_campaign

ROOT = Path(__file__).resolve().parents[2]

#: Lean settings so the tests stay fast; the defaults are measured in the benchmarks.
FAST = RecommenderSettings(n_candidates=128, n_local=64, mc_samples=32)


@pytest.fixture(scope="session")
def nfp() -> CampaignDefinition:
    return load_definition(ROOT / "campaigns" / "nfp_rate.toml")


@pytest.fixture(scope="session")
def alloy() -> CampaignDefinition:
    return load_definition(ROOT / "campaigns" / "alloy_ageing.toml")


@pytest.fixture(scope="session")
def nfp_history(nfp: CampaignDefinition, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Cell A plus 16 Sobol recipes measured on the emulator (some fail to sinter)."""
    prior = paper_cells().loc[["A"]].reset_index()
    database = tmp_path_factory.mktemp("nfp") / "history.db"
    result = simulate_campaign(
        nfp, prior, n_experiments=16, noise=0.03, seed=1, database=database, propose=proposer("sobol")
    )
    return result.experiments
