"""Scripts and people read the same commands: ``--json`` on every command, errors included, and
error messages in the words of the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from nfpopt.cli.common import error_record, speak_cli
from nfpopt.cli.main import cli
from nfpopt.paper import paper_cells_path
from nfpopt.store import Store

ROOT = Path(__file__).resolve().parents[2]
NFP = ROOT / "campaigns" / "nfp_rate.toml"
ALLOY = ROOT / "campaigns" / "alloy_ageing.toml"


def _invoke(*args: object) -> click.testing.Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def db(tmp_path: Path) -> str:
    """The paper's campaign with its cells imported (experiments 1-6)."""
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert _invoke("init", NFP, "--db", url).exit_code == 0
    assert _invoke("import", paper_cells_path(), "--db", url).exit_code == 0
    return url


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    """Every command of ``group`` by its full name (``worker start``), those of its groups too."""
    context = click.Context(group)
    found: dict[str, click.Command] = {}
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None
        if isinstance(command, click.Group):
            found |= _commands(command, f"{prefix}{name} ")
        else:
            found[prefix + name] = command
    return found


def test_every_command_offers_json() -> None:
    commands = _commands(cli)
    lacking = [name for name, command in commands.items() if "as_json" not in {p.name for p in command.params}]
    assert not lacking
    assert {"campaigns", "start", "abandon", "export", "report", "demo", "replay", "worker start"} <= set(commands)


@pytest.mark.parametrize(
    ("args", "fields"),
    [
        pytest.param(("record", "missing.csv"), {"file": "missing.csv"}, id="missing_file"),
        pytest.param(("record", "{bad}"), {"row": 1, "column": "internal_resistance_ohm"}, id="bad_value"),
        pytest.param(("start", "99"), {}, id="foreign_id"),
        pytest.param(("start",), {}, id="usage_error"),
        pytest.param(("abandon", "1"), {}, id="missing_option"),
        pytest.param(("propose", "--db", "{empty}"), {}, id="no_campaign_yet"),
        pytest.param(("init", NFP), {}, id="duplicate_campaign"),
    ],
)
def test_an_error_under_json_is_one_json_object_and_a_failing_exit(
    args: tuple[object, ...], fields: dict[str, object], db: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("experiment_id,sintered,internal_resistance_ohm,capacity_2c_mah_g\n1,true,abc,50\n")
    places = {"bad": str(bad), "empty": f"sqlite:///{tmp_path / 'empty.db'}"}
    filled = [str(a).format(**places) for a in args]
    result = _invoke(*filled, *([] if "--db" in filled else ["--db", db]), "--json")
    assert result.exit_code != 0
    error = json.loads(result.stdout)
    assert set(error) == {"error", "file", "row", "column"} and error["error"]
    assert {k: error[k] for k in fields} == fields


def test_errors_name_the_command_line_flags_not_python(db: str, tmp_path: Path) -> None:
    again = tmp_path / "again.csv"
    pd.DataFrame(
        {"experiment_id": [1], "sintered": [True], "internal_resistance_ohm": [3900.0], "capacity_2c_mah_g": [0.0]}
    ).to_csv(again, index=False)
    Store(tmp_path / "empty.db").close()  # an nfpopt database without a campaign (status creates none)
    said = [
        _invoke("record", again, "--db", db).output,
        _invoke("init", NFP, "--db", db).output,
        _invoke("status", "--db", f"sqlite:///{tmp_path / 'empty.db'}").output,
    ]
    assert _invoke("init", ALLOY, "--db", db).exit_code == 0
    said.append(_invoke("status", "--db", db).output)
    text = " ".join(" ".join(said).split())
    assert "rerun with --amend" in text and "continue it with --campaign nfp_rate" in text
    assert "create one with nfpopt init FILE" in text and "--campaign NAME" in text
    assert "amend=True" not in text and "get_campaign(" not in text


@pytest.mark.parametrize(
    ("library", "command_line"),
    [
        ("already measured; pass amend=True to replace it", "already measured; rerun with --amend to replace it"),
        ("or continue it with get_campaign('nfp[1]')", "or continue it with --campaign nfp[1]"),
        ("temperature np.float64(303.15) is not 30", "temperature 303.15 is not 30"),
    ],
)
def test_library_advice_is_rephrased_for_the_command_line(library: str, command_line: str) -> None:
    assert speak_cli(library) == command_line


def test_an_error_record_finds_the_file_row_and_column() -> None:
    record = error_record("results.csv: row 3, column 'calcination_temp_c': 798.7 C is outside [450, 600] C")
    assert record["file"] == "results.csv" and record["row"] == 3 and record["column"] == "calcination_temp_c"
    assert error_record("no campaign")["file"] is None


def test_campaigns_lists_each_campaign_with_its_counts(db: str) -> None:
    assert _invoke("init", ALLOY, "--db", db).exit_code == 0
    listed = json.loads(_invoke("campaigns", "--db", db, "--json").stdout)
    counts = {c["campaign"]: c["counts"] for c in listed["campaigns"]}
    assert counts["nfp_rate"]["measured"] == 5 and counts["nfp_rate"]["failed"] == 1
    assert set(counts["alloy_ageing"].values()) == {0}
    table = _invoke("campaigns", "--db", db).output
    assert "nfp_rate" in table and "alloy_ageing" in table and "measured" in table


def test_start_abandon_and_export_answer_in_json(db: str) -> None:
    batch = json.loads(_invoke("propose", "--strategy", "sobol", "--db", db, "--json").stdout)
    ids = [row["experiment_id"] for row in batch]
    assert json.loads(_invoke("start", ids[0], "--db", db, "--json").stdout) == {"running": [ids[0]]}
    abandoned = json.loads(_invoke("abandon", ids[1], "--reason", "furnace down", "--db", db, "--json").stdout)
    assert abandoned == {"abandoned": [ids[1]], "reason": "furnace down"}
    exported = json.loads(_invoke("export", "--db", db, "--json").stdout)
    assert [row["status"] for row in exported][-4:] == ["running", "abandoned", "proposed", "proposed"]


def test_the_propose_table_fits_120_columns_with_units_in_its_headings(db: str) -> None:
    shown = _invoke("propose", "--strategy", "sobol", "--db", db).output
    lines = shown.splitlines()
    assert max(len(line) for line in lines) <= 120 and "…" not in shown
    assert "(°C)" in shown and "(wt%)" in shown and "(m²/g)" in shown
