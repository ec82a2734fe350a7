"""``nfpopt emulate`` and ``nfpopt demo`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from nfpopt.cli.main import cli
from nfpopt.paper import paper_cells_path

RECIPE = "glass_ssa_m2_g,alumina_ssa_m2_g,ab_wt_pct,alumina_wt_pct,calcination_temp_c,calcination_time_min,roughening\n"


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_emulating_the_paper_file_prints_paper_beside_emulator(tmp_path: Path) -> None:
    out = tmp_path / "replay.csv"
    result = _run("emulate", str(paper_cells_path()), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "paper" in result.output and "emulator" in result.output
    for cell in ("A", "B", "C", "D", "E", "pouch_C", "AB5"):
        assert cell in result.output
    written = pd.read_csv(out)
    assert "internal_resistance_ohm_reported" in written and "internal_resistance_ohm" in written
    assert "liquid_ref" not in set(written["cell"])  # not a co-fired cell: not emulated


def test_emulate_writes_outcomes_beside_the_recipes(tmp_path: Path) -> None:
    recipes = tmp_path / "b.csv"
    recipes.write_text(RECIPE + "27,45,4.2,12.4,525,30,none\n27,45,4.2,12.4,525,30,both\n")
    out = tmp_path / "r.csv"
    result = _run("emulate", str(recipes), "--noise", "0.05", "--seed", "3", "-o", str(out))
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert list(written.columns[:7]) == RECIPE.strip().split(",")
    assert written["internal_resistance_ohm"].iloc[1] < written["internal_resistance_ohm"].iloc[0]
    again = tmp_path / "r2.csv"
    _run("emulate", str(recipes), "--noise", "0.05", "--seed", "3", "-o", str(again))
    pd.testing.assert_frame_equal(written, pd.read_csv(again))


def test_emulate_json_output_is_parseable(tmp_path: Path) -> None:
    recipes = tmp_path / "b.csv"
    recipes.write_text(RECIPE + "27,45,5.0,12.4,525,30,none\n")
    result = _run("emulate", str(recipes), "--json")
    records = json.loads(result.output)
    assert records[0]["sintered"] is False and records[0]["internal_resistance_ohm"] is None


@pytest.mark.parametrize(
    ("row", "column"),
    [
        pytest.param("27,45,-1,12.4,525,30,none", "ab_wt_pct", id="negative_wt_pct"),
        pytest.param("27,45,4.2,12.4,525,30,polished", "roughening", id="unknown_roughening"),
        pytest.param("27,45,4.2,12.4,200,30,none", "calcination_temp_c", id="below_glass_transition"),
    ],
)
def test_a_bad_row_stops_with_its_row_and_column(tmp_path: Path, row: str, column: str) -> None:
    recipes = tmp_path / "bad.csv"
    recipes.write_text(RECIPE + "27,45,4.2,12.4,525,30,none\n" + row + "\n")
    out = tmp_path / "never.csv"
    result = CliRunner().invoke(cli, ["emulate", str(recipes), "-o", str(out)])
    assert result.exit_code == 2
    assert f"row 2, column '{column}'" in result.output
    assert str(recipes) in result.output
    assert not out.exists()


def test_replay_shows_the_paper_beside_the_emulator() -> None:
    result = _run("replay")
    assert result.exit_code == 0
    assert "3929" in result.output and "AB5" in result.output


def test_demo_runs_a_simulated_campaign_from_cell_a(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = _run("demo", "--experiments", "8", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "8 experiments" in result.output and "paper: Cell E" in result.output
    from nfpopt.campaign import Campaign
    from nfpopt.store import Store

    with Store(db) as store:
        table = Campaign.open(store).table()
    assert len(table) == 9  # Cell A + 8 proposed
    assert set(table.loc[table["source"] == "proposed", "status"]) <= {"measured", "failed"}


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["emulate"],
        ["replay"],
        ["demo"],
        ["init"],
        ["import"],
        ["propose"],
        ["start"],
        ["record"],
        ["abandon"],
        ["status"],
        ["export"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = _run(*command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output
