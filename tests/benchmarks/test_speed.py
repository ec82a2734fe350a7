"""The proposal-latency benchmark on a tiny table with fast strategies."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks import speed
from nfpopt.definition import load_definition


@pytest.fixture(scope="module")
def definition():
    return load_definition("campaigns/nfp_rate.toml")


def test_experiments_table_is_a_campaign_table(definition):
    table = speed.experiments_table(definition, 8)
    assert len(table) == 8
    assert set(table["status"]) <= {"measured", "failed"}


def test_a_batch_already_in_the_table_adds_nothing(definition):
    table = speed.experiments_table(definition, 8)
    assert speed.batch_gain(definition, table, table.iloc[:4], 60_000.0) == pytest.approx(0.0, abs=1e-9)


def test_measure_times_each_strategy_against_nfpopt(monkeypatch, definition):
    calls = []

    def fake(strategy, definition, table, repeats, maximum):
        calls.append((strategy, len(table)))
        return {"seconds": {"bayes": 2.0, "random": 0.5}[strategy], "batch_gain": 0.1, "repeats": repeats}

    monkeypatch.setattr(speed, "time_strategy", fake)
    monkeypatch.setattr(speed, "warm_up", lambda strategy, definition, table: calls.append((strategy, "warm-up")))
    frame = speed.measure(["bayes", "random"], [6], repeats=1)
    assert calls == [("bayes", "warm-up"), ("random", "warm-up"), ("bayes", 6), ("random", 6)]
    assert frame.set_index("strategy")["ratio_to_nfpopt"].to_dict() == {"bayes": 1.0, "random": 0.25}


def test_time_strategy_returns_a_median_and_a_gain(definition):
    table = speed.experiments_table(definition, 6)
    result = speed.time_strategy("sobol", definition, table, repeats=2, maximum=60_000.0)
    assert result["seconds"] > 0 and 0.0 <= result["batch_gain"] <= 1.0 and result["repeats"] == 2


def test_merge_keeps_the_newest_rows_and_recomputes_ratios(tmp_path):
    path = tmp_path / "speed.csv"
    old = pd.DataFrame({"strategy": ["bayes", "ax"], "experiments": [10, 10], "seconds": [4.0, 8.0]})
    old.assign(batch_gain=0.0, repeats=1, ratio_to_nfpopt=0.0).to_csv(path, index=False)
    new = pd.DataFrame({"strategy": ["ax"], "experiments": [10], "seconds": [2.0], "batch_gain": [0.1], "repeats": [1]})
    merged = speed.merge(path, new)
    assert merged.set_index("strategy")["ratio_to_nfpopt"].to_dict() == {"ax": 0.5, "bayes": 1.0}


def test_markdown_table_names_the_ratio_and_quality():
    frame = pd.DataFrame(
        {
            "strategy": ["bayes"],
            "experiments": [10],
            "seconds": [3.0],
            "batch_gain": [0.05],
            "repeats": [1],
            "ratio_to_nfpopt": [1.0],
        }
    )
    text = speed.markdown(frame, pd.Series({"bayes": 0.5}))
    assert "| bayes | 10 | 3.0 | 1.00 | 5.0 | 50 | 1 |" in text


def test_the_process_benchmark_times_a_whole_propose_beside_the_warm_call_and_through_a_worker(tmp_path):
    from benchmarks import process_speed

    text = (process_speed.ec.DEFINITION).read_text().replace('strategy = "physics"', 'strategy = "sobol"')
    quick = tmp_path / "sobol.toml"
    quick.write_text(text)
    frame, start_s = process_speed.measure([6], repeats=1, definition_path=quick)
    cold, through_worker = (frame.set_index("process").loc[p] for p in process_speed.PROCESSES)
    assert cold["strategy"] == "sobol" and cold["experiments"] == through_worker["experiments"] == 6
    assert cold["process_propose_s"] > cold["in_process_propose_s"] > 0 and cold["process_status_s"] > 0
    assert cold["process_propose_s"] > through_worker["process_propose_s"] > 0 and start_s > 0
    text = process_speed.markdown(frame, {"python": 0.05})
    assert "`nfpopt propose --batch 4` (process, s)" in text and "| through a worker |" in text
