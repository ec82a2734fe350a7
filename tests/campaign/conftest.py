"""A campaign database with the paper's cells imported and one proposed batch of 4."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from nfpopt.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
NFP_CAMPAIGN = ROOT / "campaigns" / "nfp_rate.toml"
PAPER_CELLS = ROOT / "data" / "yamauchi2020_cells.csv"


def run(*args: str | Path) -> Result:
    """Invoke the CLI in-process."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture()
def campaign_db(tmp_path: Path) -> Path:
    """SQLite file with the NFP campaign, the paper's cells and batch 1 proposed (ids 7-10)."""
    db = tmp_path / "campaign.db"
    assert run("init", NFP_CAMPAIGN, "--db", db).exit_code == 0
    assert run("import", PAPER_CELLS, "--db", db).exit_code == 0
    result = run("propose", "--batch", "4", "-o", tmp_path / "b.csv", "--db", db)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture()
def batch(campaign_db: Path) -> pd.DataFrame:
    return pd.read_csv(campaign_db.parent / "b.csv")


@pytest.fixture()
def results(campaign_db: Path, batch: pd.DataFrame) -> pd.DataFrame:
    """Emulated results of batch 1, as `nfpopt emulate b.csv -o r.csv` writes them."""
    out = campaign_db.parent / "r.csv"
    assert run("emulate", campaign_db.parent / "b.csv", "-o", out).exit_code == 0
    return pd.read_csv(out)
