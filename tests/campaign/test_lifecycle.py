"""The campaign loop of the README, end to end, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from nfpopt.campaign import Campaign
from nfpopt.store import Store
from tests.campaign.conftest import NFP_CAMPAIGN, run


def test_paper_cells_import_as_measured_and_failed(campaign_db: Path) -> None:
    with Store(campaign_db) as store:
        table = Campaign.open(store).table()
    imported = table[table["source"] == "imported"]
    assert len(imported) == 6  # A-E and the 5 wt% AB mixture
    assert (imported["status"] == "failed").sum() == 1
    assert imported.loc[imported["status"] == "failed", "ab_wt_pct"].item() == 5.0
    assert imported["notes"].str.contains("cell A").any()


def test_propose_stores_a_batch_that_respects_the_constraints(campaign_db: Path, batch: pd.DataFrame) -> None:
    assert list(batch["experiment_id"]) == [7, 8, 9, 10] and set(batch["batch"]) == {1}
    assert (batch["ab_wt_pct"] + batch["alumina_wt_pct"] + batch["nfp_wt_pct"]).round(9).eq(100).all()
    second = run("propose", "--db", campaign_db, "--json")
    records = json.loads(second.output)
    assert [r["batch"] for r in records] == [2] * 4  # the campaign's batch_size
    # Pending recipes are not proposed again (a value at a bound, e.g. the finest glass, may recur).
    keys = ("glass_ssa_m2_g", "ab_wt_pct", "alumina_wt_pct", "calcination_temp_c", "calcination_time_min")
    first = {tuple(round(float(v), 6) for v in row) for row in batch[list(keys)].to_numpy()}
    assert not {tuple(round(float(r[k]), 6) for k in keys) for r in records} & first


def test_record_then_status_reports_best_and_pareto(campaign_db: Path, results: pd.DataFrame) -> None:
    recorded = run("record", campaign_db.parent / "r.csv", "--db", campaign_db, "--json")
    assert recorded.exit_code == 0, recorded.output
    assert sorted(json.loads(recorded.output)["recorded"]) == [7, 8, 9, 10]
    status = json.loads(run("status", "--db", campaign_db, "--json").output)
    assert status["counts"]["proposed"] == 0
    assert status["counts"]["measured"] + status["counts"]["failed"] == 10
    new = results[results["sintered"].astype(bool)]
    best = min([120.0, *new["internal_resistance_ohm"]])  # Cell E, unless the batch beat it
    assert status["best"]["internal_resistance_ohm"]["value"] == pytest.approx(best)
    pareto = pd.DataFrame(status["pareto"])
    everything = pd.concat(
        [pd.DataFrame({"internal_resistance_ohm": [120.0, 181.0, 234.0], "capacity_2c_mah_g": [46.9, 50.2, 60.6]}), new]
    )
    for _, row in everything.iterrows():  # nothing recorded dominates a Pareto recipe (JSON keeps 10 digits)
        dominated = (row["internal_resistance_ohm"] < pareto["internal_resistance_ohm"] - 1e-6) & (
            row["capacity_2c_mah_g"] > pareto["capacity_2c_mah_g"] + 1e-6
        )
        assert not dominated.any()


def test_start_and_abandon_move_experiments_along(campaign_db: Path) -> None:
    assert run("start", "7", "8", "--db", campaign_db).exit_code == 0
    assert run("abandon", "9", "--reason", "furnace down", "--db", campaign_db).exit_code == 0
    with Store(campaign_db) as store:
        table = Campaign.open(store).table().set_index("experiment_id")
    assert list(table.loc[[7, 8, 9, 10], "status"]) == ["running", "running", "abandoned", "proposed"]
    assert table.loc[9, "failure_reason"] == "furnace down"


def test_export_writes_every_experiment(campaign_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert run("export", "-o", out, "--db", campaign_db).exit_code == 0
    exported = pd.read_csv(out)
    assert len(exported) == 10 and "internal_resistance_ohm" in exported


def test_db_url_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("NFPOPT_DB", str(tmp_path / "env.db"))
    assert run("init", NFP_CAMPAIGN).exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_a_second_campaign_needs_a_name(campaign_db: Path, tmp_path: Path) -> None:
    generic = Path(__file__).resolve().parents[2] / "campaigns" / "alloy_ageing.toml"
    assert run("init", generic, "--db", campaign_db).exit_code == 0
    from click.testing import CliRunner

    from nfpopt.cli.main import cli

    ambiguous = CliRunner().invoke(cli, ["status", "--db", str(campaign_db)])
    assert ambiguous.exit_code == 2 and "alloy_ageing" in ambiguous.output
    named = run("propose", "--campaign", "alloy_ageing", "--db", campaign_db, "--json")
    assert len(json.loads(named.output)) == 3  # from the candidate pool, batch_size 3
