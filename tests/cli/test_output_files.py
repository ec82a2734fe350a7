"""`-o` files that would destroy the campaign database, or cannot be written, are refused before
anything is stored (issue 15, items 1 and 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nfpopt.cli.main import cli
from nfpopt.paper import paper_cells_path

ROOT = Path(__file__).resolve().parents[2]


def _invoke(*args: object):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def campaign(tmp_path: Path) -> tuple[Path, str]:
    database = tmp_path / "nfp.db"
    url = f"sqlite:///{database}"
    assert _invoke("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", url).exit_code == 0
    assert _invoke("import", paper_cells_path(), "--db", url).exit_code == 0
    return database, url


def _counts(url: str) -> dict[str, int]:
    return json.loads(_invoke("status", "--db", url, "--json").output)["counts"]


@pytest.mark.parametrize("command", ["export", "propose"])
def test_writing_the_csv_over_the_database_is_refused_and_the_campaign_survives(campaign, command):
    database, url = campaign
    before = _counts(url)
    result = (
        _invoke(command, "-o", database, "--db", url, "--strategy", "sobol")
        if command == "propose"
        else _invoke(command, "-o", database, "--db", url)
    )
    assert result.exit_code == 2
    assert "is the campaign's database" in result.output
    assert database.read_bytes().startswith(b"SQLite format 3")
    assert _counts(url) == before  # nothing proposed, nothing lost


def test_writing_over_another_sqlite_database_is_refused(campaign, tmp_path: Path):
    _, url = campaign
    other = tmp_path / "other.db"
    other.write_bytes(b"SQLite format 3\x00" + bytes(100))
    result = _invoke("export", "-o", other, "--db", url)
    assert result.exit_code == 2 and "is a SQLite database, not a CSV" in result.output


def test_a_batch_is_not_stored_when_its_csv_cannot_be_written(campaign, tmp_path: Path):
    _, url = campaign
    before = _counts(url)
    result = _invoke("propose", "--strategy", "sobol", "-o", tmp_path / "missing" / "b.csv", "--db", url)
    assert result.exit_code == 2 and "does not exist" in result.output
    assert _counts(url) == before  # a retry will not store a second batch
