"""Small campaigns to report on: the NFP campaign with the paper's cells and two random batches
(one measured by the emulator, one pending), and the generic alloy campaign with one batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nfpopt.campaign import Campaign
from nfpopt.definition import load_definition
from nfpopt.emulator import emulate
from nfpopt.paper import paper_cells
from nfpopt.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _measure(campaign: Campaign, batch: pd.DataFrame) -> None:
    outcomes = emulate(batch, noise=0.03, seed=1)
    campaign.record_results(pd.concat([batch[["experiment_id"]], outcomes], axis=1), source="emulated")


@pytest.fixture(scope="package")
def nfp_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """NFP campaign: the paper's cells, batch 1 measured, batch 2 proposed (random strategy)."""
    db = tmp_path_factory.mktemp("nfp") / "nfp.db"
    with Store(db) as store:
        campaign = Campaign.create(store, load_definition(ROOT / "campaigns" / "nfp_rate.toml"))
        campaign.import_experiments(paper_cells().reset_index(), source="paper")
        _measure(campaign, campaign.propose(4, strategy="random"))
        campaign.propose(4, strategy="random")
    return db


@pytest.fixture(scope="package")
def alloy_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alloy-ageing campaign (candidate pool, one objective): two batches measured, one cracked."""
    db = tmp_path_factory.mktemp("alloy") / "alloy.db"
    rng = np.random.default_rng(0)
    with Store(db) as store:
        campaign = Campaign.create(store, load_definition(ROOT / "campaigns" / "alloy_ageing.toml"))
        for _ in range(2):
            batch = campaign.propose()
            results = batch[["experiment_id"]].assign(
                hardness_hv=60 + 20 * batch["cu_wt_pct"] - 0.05 * batch["ageing_temp_c"] + rng.normal(0, 2, len(batch)),
                elongation_pct=25 - 2.5 * batch["cu_wt_pct"],
                crack_free=True,
            )
            results.loc[0, ["hardness_hv", "elongation_pct", "crack_free"]] = [np.nan, np.nan, False]
            campaign.record_results(results, source="synthetic")
    return db
