"""`nfpopt delete NAME` asks first, `--yes` skips the question, and a name can then be reused
(issue 15, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nfpopt.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def _invoke(*args: object, answer: str | None = None):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, [str(a) for a in args], input=answer)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "nfp.db"
    assert _invoke("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", path).exit_code == 0
    assert _invoke("import", ROOT / "data" / "yamauchi2020_cells.csv", "--db", path).exit_code == 0
    return path


def _campaign_count(database: Path) -> int:
    status = _invoke("status", "--db", database, "--json")
    return sum(json.loads(status.output)["counts"].values()) if status.exit_code == 0 else -1


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        pytest.param("n\n", "nothing deleted; answer y", id="answered_no"),
        pytest.param("", "nothing deleted (no answer)", id="no_answer"),
    ],
)
def test_delete_asks_and_a_no_keeps_everything(database: Path, answer: str, fragment: str) -> None:
    result = _invoke("delete", "nfp_rate", "--db", database, answer=answer)
    assert "delete campaign 'nfp_rate' and its 6 experiment(s)" in result.output
    assert result.exit_code == 2 and fragment in result.output
    assert _campaign_count(database) == 6


@pytest.mark.parametrize("how", [["--yes"], []], ids=["yes_flag", "answered_yes"])
def test_delete_removes_the_campaign_and_frees_its_name(database: Path, how: list[str]) -> None:
    result = _invoke("delete", "nfp_rate", *how, "--db", database, answer=None if how else "y\n")
    assert result.exit_code == 0, result.output
    assert "deleted campaign nfp_rate and its 6 experiment(s)" in result.output
    assert _invoke("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", database).exit_code == 0
    assert _campaign_count(database) == 0


def test_deleting_an_unknown_campaign_is_refused(database: Path) -> None:
    result = _invoke("delete", "nfp_rates", "--yes", "--db", database)
    assert result.exit_code == 2 and "no campaign named 'nfp_rates'" in result.output
    assert _campaign_count(database) == 6
