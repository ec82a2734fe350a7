"""The README loop with raw data: propose -> emulate --raw -> extract -> record, on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from nfpopt.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_raw_files_stand_in_for_the_emulators_table(tmp_path: Path) -> None:
    db = tmp_path / "nfp.db"
    assert run("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", db).exit_code == 0
    assert run("import", ROOT / "data" / "yamauchi2020_cells.csv", "--db", db).exit_code == 0
    proposed = run("propose", "--batch", "3", "--strategy", "sobol", "-o", tmp_path / "b.csv", "--db", db)
    assert proposed.exit_code == 0, proposed.output
    raw = tmp_path / "raw"
    emulated = run("emulate", tmp_path / "b.csv", "--raw", raw, "--rates", "0.1,2", "-o", tmp_path / "truth.csv")
    assert emulated.exit_code == 0, emulated.output
    extracted = run("extract", raw, "-o", tmp_path / "r.csv")
    assert extracted.exit_code == 0, extracted.output
    recorded = run("record", tmp_path / "r.csv", "--db", db, "--json")
    assert recorded.exit_code == 0, recorded.output
    batch = pd.read_csv(tmp_path / "b.csv")
    assert sorted(json.loads(recorded.output)["recorded"]) == sorted(batch["experiment_id"])

    truth = pd.read_csv(tmp_path / "truth.csv").set_index("experiment_id")
    results = pd.read_csv(tmp_path / "r.csv").set_index("experiment_id")
    sintered = truth.index[truth["sintered"]]
    assert len(sintered) >= 1  # the seeded Sobol batch holds cells to measure
    ratio = results.loc[sintered, "internal_resistance_ohm"] / truth.loc[sintered, "internal_resistance_ohm"]
    assert (ratio - 1).abs().max() < 0.05
    assert (tmp_path / "r_fits.csv").is_file()
    assert sorted(p.name for p in (tmp_path / "r_nyquist").iterdir()) == sorted(f"e{i}.png" for i in sintered)


def test_extract_names_the_bad_file_and_writes_nothing(tmp_path: Path) -> None:
    recipes = tmp_path / "b.csv"
    recipes.write_text(
        "experiment_id,glass_ssa_m2_g,alumina_ssa_m2_g,ab_wt_pct,alumina_wt_pct,calcination_temp_c,"
        "calcination_time_min,roughening\n5,27,45,4.2,12.4,525,30,none\n"
    )
    assert run("emulate", recipes, "--raw", tmp_path / "raw", "--rates", "2").exit_code == 0
    (tmp_path / "raw" / "e5_peis.mpt").write_text("not a spectrum\n")
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "raw"), "-o", str(tmp_path / "r.csv")])
    assert result.exit_code == 2
    assert "e5_peis.mpt" in result.output and "--skip-bad" in result.output
    assert not (tmp_path / "r.csv").exists()


def test_emulate_raw_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "old.txt").write_text("x")
    recipes = tmp_path / "b.csv"
    recipes.write_text(
        "glass_ssa_m2_g,alumina_ssa_m2_g,ab_wt_pct,alumina_wt_pct,calcination_temp_c,calcination_time_min,roughening\n"
        "27,45,4.2,12.4,525,30,none\n"
    )
    result = CliRunner().invoke(cli, ["emulate", str(recipes), "--raw", str(tmp_path / "raw")])
    assert result.exit_code == 2 and "not empty" in result.output


@pytest.mark.parametrize("command", ["extract", "sheet"])
def test_an_output_in_a_missing_folder_is_refused_before_any_work(tmp_path: Path, command: str) -> None:
    source = tmp_path if command == "extract" else ROOT / "data" / "yamauchi2020_cells.csv"
    extra = ["--mass-g", "1"] if command == "sheet" else []
    result = CliRunner().invoke(cli, [command, str(source), "-o", str(tmp_path / "missing" / "r.csv"), *extra])
    assert result.exit_code == 2 and "does not exist" in result.output
