"""Prior experiments imported twice are recognised and skipped (--allow-duplicates forces them),
and a recipe far outside the bounds warns of the likely unit slip (issue 15, item 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from nfpopt.cli.main import cli
from nfpopt.paper import paper_cells_path

ROOT = Path(__file__).resolve().parents[2]


def _invoke(*args: object):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "nfp.db"
    assert _invoke("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", path).exit_code == 0
    first = _invoke("import", paper_cells_path(), "--db", path)
    assert first.exit_code == 0 and "imported 6 experiment(s)" in first.output
    return path


def _stored(database: Path) -> int:
    return sum(json.loads(_invoke("status", "--db", database, "--json").output)["counts"].values())


def test_importing_the_same_file_twice_skips_every_row_saying_so(database: Path) -> None:
    again = _invoke("import", paper_cells_path(), "--db", database)
    assert again.exit_code == 0, again.output
    assert "imported 0 experiment(s)" in again.output
    text = " ".join(again.output.split())
    assert "(cell A): already imported as experiment 1 (same recipe and outcomes); pass --allow-duplicates" in text
    assert text.count("already imported as experiment") == 6
    assert _stored(database) == 6


def test_the_same_rows_from_another_copy_of_the_file_are_recognised(database: Path, tmp_path: Path) -> None:
    copy = tmp_path / "cells_copy.csv"
    copy.write_text(paper_cells_path().read_text())
    again = _invoke("import", copy, "--db", database)
    assert again.exit_code == 0 and "imported 0 experiment(s)" in again.output
    assert _stored(database) == 6


def test_a_corrected_value_under_the_same_label_and_file_is_recognised(database: Path, tmp_path: Path) -> None:
    cells = pd.read_csv(paper_cells_path())
    cells.loc[cells["cell"] == "A", "internal_resistance_ohm"] = 3930.0  # a corrected value
    edited = tmp_path / "cells.csv"
    cells.to_csv(edited, index=False)
    assert _invoke("import", edited, "--db", database).exit_code == 0  # a new file: its rows are new
    assert _stored(database) == 7  # only cell A differs from the first import
    again = _invoke("import", edited, "--db", database)
    assert "imported 0 experiment(s)" in again.output and _stored(database) == 7
    cells.loc[cells["cell"] == "A", "internal_resistance_ohm"] = 3931.0
    cells.to_csv(edited, index=False)
    third = _invoke("import", edited, "--db", database)
    assert "(cell A): already imported as experiment 7 (same label and file)" in " ".join(third.output.split())
    assert _stored(database) == 7


def test_allow_duplicates_imports_them_again(database: Path) -> None:
    forced = _invoke("import", paper_cells_path(), "--allow-duplicates", "--db", database)
    assert forced.exit_code == 0 and "imported 6 experiment(s)" in forced.output
    assert _stored(database) == 12


def test_a_temperature_in_kelvin_warns_of_the_slip(tmp_path: Path) -> None:
    database = tmp_path / "nfp.db"
    assert _invoke("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", database).exit_code == 0
    cells = pd.read_csv(paper_cells_path())
    cells.loc[cells["cell"] == "B", "calcination_temp_c"] = 798.7  # 525.55 C, written in K
    kelvin = tmp_path / "cells.csv"
    cells.to_csv(kelvin, index=False)
    result = _invoke("import", kelvin, "--db", database)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "warning: " in text and "row 2, column 'calcination_temp_c': calcination_temp_c = 798.7 C" in text
    assert "was it written in kelvin? That would be 525.55 C" in text
    assert text.count("warning: ") == 1  # the other recipes lie inside the bounds, or near them


def test_an_import_error_names_the_row_of_the_file_after_skipped_rows(tmp_path: Path) -> None:
    database = tmp_path / "nfp.db"
    assert _invoke("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", database).exit_code == 0
    cells = pd.read_csv(paper_cells_path())
    cells.loc[cells["cell"] == "B", "roughening"] = "sandblasted"
    cells = pd.concat([pd.DataFrame({"cell": ["blank"]}), cells], ignore_index=True)  # skipped: no recipe
    edited = tmp_path / "cells.csv"
    cells.to_csv(edited, index=False)
    result = _invoke("import", edited, "--db", database)
    assert result.exit_code == 2
    assert "row 3, column 'roughening'" in " ".join(result.output.split())  # cell B is the file's third row
