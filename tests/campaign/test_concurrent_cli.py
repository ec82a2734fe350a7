"""Two people recording at once both land; a `record` killed half-way leaves all or nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from nfpopt.campaign import Campaign
from nfpopt.store import Store
from tests.campaign.conftest import run

NFPOPT = [sys.executable, "-m", "nfpopt.cli.main"]


def _recorded(db: Path) -> set[int]:
    with Store(db) as store:
        table = Campaign.open(store).table()
    done = table[table["status"].isin(["measured", "failed"]) & (table["source"] == "proposed")]
    return set(done["experiment_id"].astype(int))


def test_two_processes_recording_at_once_both_land(campaign_db: Path, results: pd.DataFrame) -> None:
    halves = [results.iloc[:2], results.iloc[2:]]
    paths = []
    for index, half in enumerate(halves):
        path = campaign_db.parent / f"half{index}.csv"
        half.to_csv(path, index=False)
        paths.append(path)
    processes = [
        subprocess.Popen(
            [*NFPOPT, "record", str(p), "--db", str(campaign_db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for p in paths
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    assert _recorded(campaign_db) == set(results["experiment_id"])


def test_a_record_killed_midway_leaves_all_or_none(campaign_db: Path) -> None:
    batch = campaign_db.parent / "big.csv"
    assert run("propose", "--batch", "600", "--strategy", "sobol", "-o", batch, "--db", campaign_db).exit_code == 0
    results = campaign_db.parent / "big_r.csv"
    assert run("emulate", batch, "-o", results).exit_code == 0
    ids = set(pd.read_csv(batch)["experiment_id"])
    process = subprocess.Popen(
        [*NFPOPT, "record", str(results), "--db", str(campaign_db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.5)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    landed = _recorded(campaign_db) & ids
    assert landed in (set(), ids)
    # the campaign opens cleanly and accepts the file again (or refuses it as already recorded)
    again = run("record", results, "--db", campaign_db, *(["--amend"] if landed else []))
    assert again.exit_code == 0
    assert _recorded(campaign_db) >= ids
