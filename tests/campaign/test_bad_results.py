"""A bad results file gets a clear error naming file, row and column, and changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from nfpopt.cli.main import cli
from nfpopt.store import Store
from tests.campaign.conftest import run


def _digest(db: Path) -> str:
    """Bytes of the database after folding the WAL in, so equal content means equal bytes."""
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return hashlib.sha256(db.read_bytes()).hexdigest()


def _sintered_row(results: pd.DataFrame) -> int:
    """Index of a row of batch 1 that sintered (the emulator's seed-0 Sobol batch has one)."""
    return int(results.index[results["sintered"]][0])


Edit = Callable[[pd.DataFrame], pd.DataFrame]


def _set(column: str, value: object, row: str = "first") -> Edit:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        index = 0 if row == "first" else _sintered_row(frame)
        frame[column] = frame[column].astype(object)
        frame.loc[index, column] = value
        return frame

    return edit


def _rename(old: str, new: str) -> Edit:
    return lambda frame: frame.rename(columns={old: new})


def _drop(column: str) -> Edit:
    return lambda frame: frame.drop(columns=[column])


def _extra(column: str) -> Edit:
    return lambda frame: frame.assign(**{column: 1.0})


def _duplicate_row(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, frame.iloc[[0]]], ignore_index=True)


def _failed_with_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A sintered row marked as failed but still carrying its 104 ohm / 57.7 mAh/g."""
    frame = frame.copy().astype({"sintered": object})
    frame.loc[_sintered_row(frame), "sintered"] = False
    return frame


def _blank_header(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{"": 104.0})  # written with an empty header, read back as 'Unnamed: N'


CASES = [
    pytest.param(_set("experiment_id", 999), "row 1, column 'experiment_id'", id="unknown_experiment_id"),
    pytest.param(_duplicate_row, "row 5, column 'experiment_id'", id="duplicated_experiment_id"),
    pytest.param(_drop("experiment_id"), "missing column 'experiment_id'", id="missing_id_column"),
    pytest.param(_extra("colour"), "column 'colour'", id="extra_column"),
    pytest.param(
        _rename("internal_resistance_ohm", "internal_resistance_mohm"), "unit mismatch", id="unit_mismatch_in_header"
    ),
    pytest.param(
        _set("internal_resistance_ohm", "low", row="sintered"), "column 'internal_resistance_ohm'", id="non_numeric"
    ),
    pytest.param(
        _set("capacity_2c_mah_g", float("nan"), row="sintered"),
        "column 'capacity_2c_mah_g'",
        id="nan_where_a_number_is_required",
    ),
    pytest.param(
        _set("internal_resistance_ohm", -5.0, row="sintered"), "physically impossible", id="negative_resistance"
    ),
    pytest.param(
        _set("capacity_2c_mah_g", 120.0, row="sintered"), "physically impossible", id="capacity_above_theoretical"
    ),
    pytest.param(_set("nfp_wt_pct", 50.0), "column 'nfp_wt_pct'", id="wt_pct_not_summing_to_100"),
    pytest.param(_set("sintered", "maybe"), "column 'sintered'", id="not_a_boolean"),
    pytest.param(_set("roughening", "sandblasted"), "column 'roughening'", id="unknown_category_as_made"),
    pytest.param(_failed_with_values, "a layer that failed has no such measurement", id="failed_layer_with_values"),
    pytest.param(_blank_header, "has no header but holds values", id="blank_header_with_values"),
]


@pytest.mark.parametrize(("edit", "fragment"), CASES)
def test_bad_results_change_nothing(campaign_db: Path, results: pd.DataFrame, edit: Edit, fragment: str) -> None:
    bad = campaign_db.parent / "bad.csv"
    edit(results).to_csv(bad, index=False)
    before = _digest(campaign_db)
    outcome = CliRunner().invoke(cli, ["record", str(bad), "--db", str(campaign_db)])
    assert outcome.exit_code == 2, outcome.output
    assert fragment in outcome.output and "bad.csv" in outcome.output
    assert _digest(campaign_db) == before


def test_every_problem_in_a_file_is_reported_at_once(campaign_db: Path, results: pd.DataFrame) -> None:
    """Issue 15, item 8: an unknown id no longer hides a bad value in the next row."""
    bad = campaign_db.parent / "bad.csv"
    edited = _set("experiment_id", 999)(results)
    sintered = _sintered_row(results)
    edited = _set("internal_resistance_ohm", "low", row="sintered")(edited).assign(colour="red")
    edited.loc[(sintered + 1) % len(edited), "roughening"] = "sandblasted"
    edited.to_csv(bad, index=False)
    before = _digest(campaign_db)
    outcome = CliRunner().invoke(cli, ["record", str(bad), "--db", str(campaign_db)])
    assert outcome.exit_code == 2, outcome.output
    text = " ".join(outcome.output.split())
    assert "bad.csv: 4 problems; nothing was stored" in text
    for fragment in [
        "column 'colour'",
        "row 1, column 'experiment_id': no experiment 999",
        f"row {sintered + 1}, column 'internal_resistance_ohm': 'low' is not a number",
        f"row {(sintered + 1) % len(edited) + 1}, column 'roughening'",
    ]:
        assert fragment in text
    assert _digest(campaign_db) == before


def test_at_most_twenty_problems_are_listed(campaign_db: Path, results: pd.DataFrame) -> None:
    bad = campaign_db.parent / "bad.csv"
    many = pd.concat([results] * 7, ignore_index=True).assign(experiment_id=range(1001, 1001 + 7 * len(results)))
    many.to_csv(bad, index=False)
    outcome = CliRunner().invoke(cli, ["record", str(bad), "--db", str(campaign_db)])
    assert outcome.exit_code == 2
    text = " ".join(outcome.output.split())
    assert f"{7 * len(results)} problems, the first 20 shown" in text
    assert text.count("no experiment") == 20


def test_a_measured_experiment_is_only_overwritten_with_amend(campaign_db: Path, results: pd.DataFrame) -> None:
    path = campaign_db.parent / "r.csv"
    assert run("record", path, "--db", campaign_db).exit_code == 0
    before = _digest(campaign_db)
    again = CliRunner().invoke(cli, ["record", str(path), "--db", str(campaign_db)])
    assert again.exit_code == 2 and "amend" in again.output
    assert _digest(campaign_db) == before

    row = _sintered_row(results)
    amended = results.copy()
    amended.loc[row, "internal_resistance_ohm"] = 4321.0
    amended.iloc[[row]].to_csv(campaign_db.parent / "fix.csv", index=False)
    assert run("record", campaign_db.parent / "fix.csv", "--amend", "--db", campaign_db).exit_code == 0
    experiment_id = int(results.loc[row, "experiment_id"])
    with Store(campaign_db) as store:
        assert store.experiment(experiment_id).outcomes["internal_resistance_ohm"] == 4321.0
        history = store.history(experiment_id)
    assert history[0].outcomes["internal_resistance_ohm"] == pytest.approx(results.loc[row, "internal_resistance_ohm"])


def test_amend_with_a_partial_file_keeps_the_other_outcomes(campaign_db: Path, results: pd.DataFrame) -> None:
    """Issue 15, item 5: a file giving one corrected outcome leaves the others as recorded."""
    assert run("record", campaign_db.parent / "r.csv", "--db", campaign_db).exit_code == 0
    row = _sintered_row(results)
    experiment_id = int(results.loc[row, "experiment_id"])
    with Store(campaign_db) as store:
        before = store.experiment(experiment_id).outcomes
    fix = campaign_db.parent / "fix.csv"
    pd.DataFrame({"experiment_id": [experiment_id], "internal_resistance_ohm": [99.5]}).to_csv(fix, index=False)
    outcome = run("record", fix, "--amend", "--db", campaign_db)
    assert outcome.exit_code == 0, outcome.output
    with Store(campaign_db) as store:
        after = store.experiment(experiment_id).outcomes
        history = store.history(experiment_id)
    assert after == {**before, "internal_resistance_ohm": 99.5}
    assert [h.outcomes for h in history] == [before]


def test_a_failed_fabrication_is_recorded_as_failed(campaign_db: Path, results: pd.DataFrame) -> None:
    failed = results[["experiment_id"]].iloc[[0]].assign(failure_reason="cracked in the furnace")
    failed.to_csv(campaign_db.parent / "failed.csv", index=False)
    assert run("record", campaign_db.parent / "failed.csv", "--db", campaign_db).exit_code == 0
    with Store(campaign_db) as store:
        record = store.experiment(int(results["experiment_id"].iloc[0]))
    assert str(record.status) == "failed" and record.failure_reason == "cracked in the furnace"
