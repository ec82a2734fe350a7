"""The calibration benchmark: interval coverage and P(success) reliability, checked exactly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks import calibration as cal
from benchmarks import emulator_campaign as ec
from benchmarks import labs as lab_family
from benchmarks.__main__ import main
from nfpopt.definition import load_definition
from nfpopt.emulator import emulate
from nfpopt.recommend.initial import propose_space_filling

OUTCOMES = ("internal_resistance_ohm", "capacity_2c_mah_g")


@pytest.fixture(scope="module")
def definition():
    return load_definition(ec.DEFINITION)


def oracle(params, *, interval=(0.5, 2.0), p=1.0, with_sd=False, first_plain=False, only_sintering=True):
    """A proposer that knows the lab: sintering recipes, the truth as point prediction, an
    interval ``[low * truth, high * truth]`` (or an sd of 0), P(success) = ``p``."""

    def propose(definition, experiments, batch_size):
        pool = propose_space_filling(definition, experiments, 64, method="sobol")
        truth = emulate(pool, params=params)
        keep = truth["sintered"].astype(bool) if only_sintering else pd.Series(True, index=pool.index)
        batch, truth = pool[keep].head(batch_size).reset_index(drop=True), truth[keep].head(batch_size)
        if first_plain and len(experiments) <= 1:  # the prior only: an "initial design" without predictions
            return batch
        for name in OUTCOMES:
            value = truth[name].fillna(-1.0).to_numpy(float)  # -1: "would not sinter" (the store takes no NaN)
            batch[f"predicted_{name}"] = value
            if with_sd:
                batch[f"predicted_{name}_sd"] = 0.0
            else:
                batch[f"predicted_{name}_lo90"] = interval[0] * value
                batch[f"predicted_{name}_hi90"] = interval[1] * value
                batch[f"predicted_{name}_scale"] = "log"
        batch["p_feasible"] = p
        return batch

    return propose


def proposals_of(definition, propose, *, noise=0.03, n=8, start="cell_a"):
    run = ec.Run("oracle", start, noise, 0, n, lab=1)
    return cal.campaign_proposals(run, definition, propose=propose)


# -- with a proposer whose predictions are known ------------------------------------------------
def test_intervals_that_contain_the_truth_cover_everything_and_p_one_that_always_sinters_scores_zero(definition):
    table = proposals_of(definition, oracle(lab_family.lab(1)))
    found = cal.summarise(table)
    rows = found["coverage"].set_index("outcome")
    assert set(rows.index) == set(OUTCOMES)
    assert rows["coverage"].tolist() == [1.0, 1.0] and rows["below"].tolist() == [0.0, 0.0]
    assert rows.loc["internal_resistance_ohm", "interval"] == "lo90/hi90"
    assert rows.loc["internal_resistance_ohm", "scale"] == "log"
    assert rows.loc["internal_resistance_ohm", "n"] == 8
    assert rows["pass"].tolist() == [False, False]  # 100 % is above the 80-95 % target: too wide
    assert found["scores"]["brier"] == 0.0 and found["scores"]["confident_sintered"] == 1.0
    assert found["scores"]["confident_pass"] is True and found["without_predictions"] == 0


def test_intervals_above_every_measurement_cover_nothing(definition):
    table = proposals_of(definition, oracle(lab_family.lab(1), interval=(10.0, 20.0)))
    rows = cal.summarise(table)["coverage"].set_index("outcome")
    resistance = rows.loc["internal_resistance_ohm"]
    assert (resistance["coverage"], resistance["below"], resistance["above"]) == (0.0, 1.0, 0.0)
    assert resistance["median_relative_width"] == pytest.approx(10.0, rel=0.05)  # 10 x truth, noise 3 %


def test_without_intervals_the_sd_is_used_and_said(definition):
    table = proposals_of(definition, oracle(lab_family.lab(1), with_sd=True), noise=0.0)
    rows = cal.summarise(table)["coverage"].set_index("outcome")
    assert rows["interval"].tolist() == ["mean ± 1.645 sd"] * 2
    assert rows["coverage"].tolist() == [1.0, 1.0]  # sd 0 and no noise: the measurement is the point


def test_proposals_without_predictions_are_left_out_and_counted(definition):
    table = proposals_of(definition, oracle(lab_family.lab(1), first_plain=True))
    found = cal.summarise(table)
    assert found["without_predictions"] == 4 and found["scores"]["n"] == 4
    assert "4 proposals carried no prediction" in cal.markdown(table)


def test_measurements_line_up_with_the_proposals(definition):
    table = proposals_of(definition, oracle(lab_family.lab(1), only_sintering=False), noise=0.0)
    sintered = table["truth_sintered"].astype(bool)
    assert 0 < sintered.sum() < len(table)
    np.testing.assert_array_equal(table["measured_sintered"].astype(bool), sintered)
    predicted, measured = (table.loc[sintered, f"{k}_internal_resistance_ohm"] for k in ("predicted", "measured"))
    np.testing.assert_allclose(predicted, measured)
    assert table.loc[~sintered, "measured_internal_resistance_ohm"].isna().all()


def test_the_base_rate_is_the_campaigns_share_sintered_so_far(definition):
    table = proposals_of(definition, oracle(lab_family.lab(1), only_sintering=False), start="design")
    run = ec.Run("oracle", "design", 0.03, 0, 8, lab=1)
    prior = ec.starting_experiments(definition, "design", 0.03, run.campaign_seed, lab_family.lab(1))
    first = table["measured_sintered"].astype(bool).iloc[:4]
    assert table["base_rate"].iloc[0] == pytest.approx(prior["sintered"].mean())
    expected = (prior["sintered"].sum() + first.sum()) / (len(prior) + 4)
    assert table["base_rate"].iloc[4] == pytest.approx(expected)


# -- the arithmetic on a hand-made table --------------------------------------------------------
def hand_made() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lab": 1,
            "seed": 0,
            "p_feasible": [0.1, 0.5, 0.85, 0.95],
            "base_rate": 0.5,
            "measured_sintered": [False, True, True, False],
        }
    )


def test_the_brier_scores_and_the_confident_share():
    scores = cal.feasibility_scores(hand_made())
    assert scores["brier"] == pytest.approx((0.1**2 + 0.5**2 + 0.15**2 + 0.95**2) / 4)
    assert scores["brier_base_rate"] == pytest.approx(0.25)
    assert (scores["confident_n"], scores["confident_sintered"], scores["confident_pass"]) == (2, 0.5, False)


def test_the_reliability_bins():
    table = cal.reliability(hand_made()).set_index("bin")
    assert table.index.tolist() == ["[0, 0.2]", "(0.2, 0.4]", "(0.4, 0.6]", "(0.6, 0.8]", "(0.8, 0.9]", "(0.9, 1]"]
    assert table["count"].tolist() == [1, 0, 1, 0, 1, 1]
    assert table.loc["(0.8, 0.9]", "mean_p"] == pytest.approx(0.85) and table.loc["(0.8, 0.9]", "sintered"] == 1.0
    assert table.loc["(0.9, 1]", "sintered"] == 0.0


def test_coverage_counts_only_measured_rows():
    table = pd.DataFrame(
        {
            "predicted_internal_resistance_ohm": [100.0, 100.0, 100.0, 100.0],
            "predicted_internal_resistance_ohm_lo90": [90.0, 90.0, 90.0, 90.0],
            "predicted_internal_resistance_ohm_hi90": [110.0, 110.0, 110.0, 110.0],
            "measured_internal_resistance_ohm": [100.0, 120.0, 80.0, np.nan],
            "measured_sintered": [True, True, True, False],
        }
    )
    row = cal.coverage(table, "internal_resistance_ohm")
    assert row["n"] == 3
    assert (row["coverage"], row["below"], row["above"]) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert row["median_width"] == 20.0 and row["median_relative_width"] == pytest.approx(20 / 100)


# -- the command --------------------------------------------------------------------------------
def test_the_command_writes_csv_docs_and_says_when_a_strategy_predicts_nothing(tmp_path, capsys):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("head\n<!-- calibration:begin -->\nold\n<!-- calibration:end -->\ntail\n")
    argv = ["--strategy", "random", "--labs", "1", "--seeds", "1", "--experiments", "4"]
    assert main(["calibration", *argv, "--out", str(tmp_path), "--docs", str(docs)]) == 0
    stored = pd.read_csv(tmp_path / "proposals-random-cell_a.csv")
    assert len(stored) == 4 and stored["command"].iloc[0].startswith("python -m benchmarks calibration")
    text = docs.read_text()
    assert "old" not in text and "No outcome predictions" in text and text.endswith("tail\n")
    assert "`random` from Cell A alone" in capsys.readouterr().out
    assert (tmp_path / "summary.csv").exists()


def test_the_command_can_skip_the_docs(tmp_path):
    argv = ["--strategy", "sobol", "--labs", "1", "--seeds", "1", "--experiments", "4", "--out", str(tmp_path)]
    assert cal.main([*argv, "--docs", ""]) == 0
    assert (tmp_path / "proposals-sobol-cell_a.csv").exists()


def test_the_command_refuses_an_empty_plan(tmp_path):
    with pytest.raises(SystemExit, match="at least 1"):
        cal.main(["--labs", "0", "--out", str(tmp_path), "--docs", ""])


def test_a_stored_csv_reads_back_to_the_same_report(definition, tmp_path):
    table = proposals_of(definition, oracle(lab_family.lab(1), first_plain=True)).assign(command="c", code="709e245")
    table.to_csv(tmp_path / "proposals-oracle-cell_a.csv", index=False)
    assert cal.markdown(cal.load(tmp_path)["proposals-oracle-cell_a"]) == cal.markdown(table)


def test_the_hypervolume_found_is_reported_beside_the_calibration(definition):
    """Each proposal carries the truth hypervolume of the campaign so far, which never falls;
    the report gives it as a share of the lab's attainable maximum after 12 experiments."""
    front = pd.DataFrame(json.loads(Path("benchmarks/results/labs/attainable-lab01.json").read_text())["front"])

    def best_known(definition, experiments, batch_size):  # lab 1's own front, four at a time
        start = (len(experiments) - 1) % len(front)
        return front[list(definition.space.names)].iloc[start : start + batch_size].reset_index(drop=True)

    table = proposals_of(definition, best_known, n=12)
    curve = table["hypervolume"].to_numpy()
    assert (np.diff(curve) >= 0).all() and curve[-1] > 0
    outcome = cal.campaign_outcome(table, maxima={1: 2 * curve[-1]})
    assert outcome["hv@12"][0] == pytest.approx(50.0)
    assert outcome["failed"] == 0.0  # the front's recipes all sinter
    assert "hypervolume of the recipes made" in cal.markdown(table)


def test_where_zero_alone_holds_over_90_percent_the_rows_are_scored_apart():
    """A hurdle outcome predicted to deliver nothing with P 0.95 has {0} as its interval, which
    holds 95 %: those rows are scored as predicted against measured zeros, not as coverage."""
    name = "capacity_2c_mah_g"
    table = pd.DataFrame(
        {
            f"measured_{name}": [0.0, 0.0, 40.0, 55.0, 0.0],
            f"predicted_{name}_lo90": [0.0, 0.0, 30.0, 30.0, 0.0],
            f"predicted_{name}_hi90": [0.0, 0.0, 50.0, 50.0, 45.0],
            f"p_delivers_{name}": [0.05, 0.05, 0.9, 0.9, 0.5],
            "measured_sintered": [True] * 5,
        }
    )
    row = cal.coverage(table, name)
    assert row["n"] == 3 and row["coverage"] == pytest.approx(2 / 3)
    assert row["zero_alone_n"] == 2
    assert row["zero_alone_predicted"] == pytest.approx(0.95) and row["zero_alone_measured"] == 1.0
    assert cal.coverage(table.drop(columns=f"p_delivers_{name}"), name)["n"] == 5  # not a hurdle: every row


def test_a_hurdle_outcome_is_scored_by_band_of_p_delivers():
    """Each band says how many then delivered and how often the capacity lay above the interval."""
    name = "capacity_2c_mah_g"
    table = pd.DataFrame(
        {
            f"measured_{name}": [0.0, 0.0, 0.0, 40.0, 60.0, 0.0, 50.0],
            f"predicted_{name}_lo90": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 30.0],
            f"predicted_{name}_hi90": [0.0, 30.0, 30.0, 50.0, 50.0, 50.0, 70.0],
            f"p_delivers_{name}": [0.05, 0.3, 0.3, 0.8, 0.8, 0.8, 0.99],
            "measured_sintered": [True] * 7,
        }
    )
    bands = cal.delivery_bands(table, name).set_index("band")
    assert list(bands["count"]) == [1, 2, 3, 0, 1]
    assert bands.loc["(0.1, 0.5]", "delivered"] == 0.0 and bands.loc["(0.1, 0.5]", "coverage"] == 1.0
    middle = bands.loc["(0.5, 0.9]"]
    assert middle["delivered"] == pytest.approx(2 / 3) and middle["above"] == pytest.approx(1 / 3)
    assert cal.delivery_bands(table.drop(columns=f"p_delivers_{name}"), name).empty  # not a hurdle
