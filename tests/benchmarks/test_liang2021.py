"""Liang et al. 2021 data handling and CLI; real-data tests skip when the data are absent."""

import math

import numpy as np
import pandas as pd
import pytest

from benchmarks import liang2021
from benchmarks.liang2021 import (
    DATASETS,
    DataNotFoundError,
    load_dataset,
    main,
    make_strategy,
    run_benchmark,
    score_stored_runs,
)
from nfpopt.exceptions import InputDataError

DATA_DIR = liang2021.default_data_dir()
needs_data = pytest.mark.skipif(
    not (DATA_DIR / "AutoAM_dataset.csv").is_file(),
    reason=f"Liang et al. 2021 data not found in {DATA_DIR}; {liang2021.DATA_SOURCE}",
)

PROTOCOL_POOLS = {
    "crossed_barrel": (600, 30),
    "agnp": (164, 9),
    "p3ht": (178, 9),
    "perovskite": (94, 5),
    "autoam": (100, 5),
}


@pytest.mark.parametrize(
    "label",
    ["random", "rf-lcb10", "gp-ard-lcb2", "gp-iso-ei", "gp-ard-pi+rawybest", "gp-iso-lcb2+rawX", "nfpopt-gp-qlognei"],
)
def test_strategy_labels_round_trip(label):
    assert make_strategy(label).name == label


@pytest.mark.parametrize(
    "label",
    [
        pytest.param("svm-lcb2", id="unknown_surrogate"),
        pytest.param("gp-ard-ucb", id="unknown_acquisition"),
        pytest.param("gp-ard-lcbx", id="bad_ratio"),
        pytest.param("rf-lcb2+fast", id="unknown_suffix"),
        pytest.param("nfpopt-gp-ei", id="unsupported_nfpopt_acquisition"),
    ],
)
def test_bad_strategy_labels_are_rejected(label):
    with pytest.raises(InputDataError, match="use"):
        make_strategy(label)


def test_missing_data_raises_with_where_to_get_it(tmp_path):
    with pytest.raises(DataNotFoundError, match="PV-Lab/Benchmarking"):
        load_dataset("autoam", tmp_path)


def test_cli_skips_cleanly_without_data(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "--quick", "-o", str(tmp_path / "out")]) == 0
    assert "skipped" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_score_stored_runs_reads_notebook_result_files(tmp_path):
    counts = np.empty(5, dtype=object)
    for row in range(5):
        counts[row] = list(range(1, 31)) + [30] * 570  # all top found at cycle 30 ...
    np.save(tmp_path / "TopCount_collection_demo.npy", counts, allow_pickle=True)
    summary = score_stored_runs([tmp_path / "TopCount_collection_demo.npy"], "crossed_barrel")
    row = summary.iloc[0]
    assert row.strategy == "demo" and row.runs == 5
    assert row.cycles_to_100 == 30
    # ... so 0.8 at cycle 24; the rounded random curve i/600 reaches 0.8 at 479 (PUBLISHED.md)
    assert pytest.approx(479 / 24) == row.AF80


@needs_data
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_pools_match_the_protocol(name):
    problem = load_dataset(name, DATA_DIR)
    assert (problem.n_pool, problem.n_top) == PROTOCOL_POOLS[name]
    assert problem.n_top == math.ceil(0.05 * problem.n_pool)
    raw = pd.read_csv(liang2021.dataset_path(name, DATA_DIR), encoding="utf-8-sig").iloc[:, -1]
    signed = -raw if DATASETS[name].maximise else raw
    assert problem.y.min() >= signed.min() - 1e-9  # a replicate mean never beats the best replicate


@needs_data
def test_short_runs_on_a_real_dataset(tmp_path):
    results = run_benchmark(
        ["perovskite"], ["rf-lcb10", "random"], repeats=2, data_dir=DATA_DIR, n_jobs=1, max_cycles=8
    )
    assert [(r.strategy, r.seed) for r in results] == [
        ("rf-lcb10", 4295),
        ("rf-lcb10", 8508),
        ("random", 4295),
        ("random", 8508),
    ]
    assert all(len(r.order) <= 8 for r in results)
    again = run_benchmark(["perovskite"], ["rf-lcb10"], repeats=1, data_dir=DATA_DIR, n_jobs=1, max_cycles=8)
    assert again[0].order == results[0].order


@needs_data
def test_cli_writes_the_report(tmp_path, capsys):
    args = ["--data-dir", str(DATA_DIR), "--datasets", "autoam", "--strategies", "random", "rf-lcb2"]
    assert main([*args, "--runs", "2", "--max-cycles", "6", "--n-jobs", "1", "-o", str(tmp_path)]) == 0
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert list(summary.strategy) == ["random", "rf-lcb2"]
    assert (tmp_path / "curves.csv").is_file() and (tmp_path / "topk_autoam.png").is_file()
    assert "| autoam |" in capsys.readouterr().out


@needs_data
@pytest.mark.slow
def test_quick_mode_on_every_dataset(tmp_path):
    assert main(["--data-dir", str(DATA_DIR), "--quick", "--n-jobs", "1", "-o", str(tmp_path)]) == 0
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert len(summary) == len(DATASETS) * len(liang2021.QUICK_STRATEGIES)
