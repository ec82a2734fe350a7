"""Issue 15's cases replayed through the CLI on every storage backend: each ends in a clear
refusal or the right result, with the database intact."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from tests.campaign.conftest import NFP_CAMPAIGN, PAPER_CELLS, run
from tests.store.helpers import table_names


def _counts(db: list[str]) -> dict[str, int]:
    return json.loads(run("status", "--json", *db).output)["counts"]


def test_commands_on_a_database_without_nfpopt_create_nothing(db_url: str) -> None:
    for command in (["status"], ["export"], ["propose", "--strategy", "sobol"], ["start", "1"]):
        result = run(*command, "--db", db_url)
        assert result.exit_code == 2 and "no nfpopt database" in result.output, command
    if db_url.startswith("postgresql"):
        assert table_names(db_url) == []
    else:
        assert not Path(db_url.removeprefix("sqlite:///")).exists()


def test_a_second_import_adds_nothing_and_an_amendment_keeps_the_other_outcomes(db_url: str, tmp_path: Path) -> None:
    db = ["--db", db_url]
    assert run("init", NFP_CAMPAIGN, *db).exit_code == 0
    assert run("import", PAPER_CELLS, *db).exit_code == 0
    again = run("import", PAPER_CELLS, *db)
    assert again.exit_code == 0 and "imported 0 experiment(s)" in again.output
    assert sum(_counts(db).values()) == 6

    assert run("propose", "--batch", "4", "--strategy", "sobol", "-o", tmp_path / "b.csv", *db).exit_code == 0
    assert run("emulate", tmp_path / "b.csv", "-o", tmp_path / "r.csv").exit_code == 0
    assert run("record", tmp_path / "r.csv", *db).exit_code == 0
    table = pd.read_csv(tmp_path / "r.csv")
    measured = int(table.loc[table["sintered"], "experiment_id"].iloc[0])
    fix = tmp_path / "fix.csv"
    pd.DataFrame({"experiment_id": [measured], "internal_resistance_ohm": [99.5]}).to_csv(fix, index=False)
    assert run("record", fix, "--amend", *db).exit_code == 0
    exported = pd.read_csv(io.StringIO(run("export", *db).output)).set_index("experiment_id")
    recorded = table.set_index("experiment_id").loc[measured]
    assert exported.loc[measured, "internal_resistance_ohm"] == 99.5
    assert exported.loc[measured, "capacity_2c_mah_g"] == recorded["capacity_2c_mah_g"]


def test_a_deleted_campaign_frees_its_name(db_url: str, tmp_path: Path) -> None:
    db = ["--db", db_url]
    status = NFP_CAMPAIGN.read_text(encoding="utf-8").replace('name = "roughening"', 'name = "status"')
    (tmp_path / "status.toml").write_text(status, encoding="utf-8")
    refused = run("init", tmp_path / "status.toml", *db)
    assert refused.exit_code == 2 and "clashes with a column" in refused.output
    assert run("init", NFP_CAMPAIGN, *db).exit_code == 0
    assert run("import", PAPER_CELLS, *db).exit_code == 0
    assert run("delete", "nfp_rate", "--yes", *db).exit_code == 0
    assert run("init", NFP_CAMPAIGN, *db).exit_code == 0
    assert sum(_counts(db).values()) == 0
