"""Several processes on one campaign database: writers queue, and a killed writer loses
only its own unfinished call.

The other processes run ``_worker.py`` (see there); they start in about a second each.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from nfpopt.campaign import Campaign
from nfpopt.definition import load_definition
from nfpopt.store import ExperimentStatus, Result, Store

from .helpers import run_together, sqlite_path, wait_for_files

WORKER = Path(__file__).with_name("_worker.py")
REPO_ROOT = Path(__file__).resolve().parents[2]
RECIPE = {"sinter_temperature_c": 650.0, "carbon_wt_pct": 5}
NFP_CAMPAIGN = REPO_ROOT / "campaigns" / "nfp_rate.toml"


def _spawn(
    url: str, first_id: int, count: int, workdir: Path, mode: str, *, campaign: str = "nfp"
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        sys.executable,
        str(WORKER),
        url,
        campaign,
        str(first_id),
        str(count),
        str(workdir),
        "--mode",
        mode,
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_processes_recording_at_once_both_land(db_url: str, tmp_path: Path) -> None:
    per_worker = 12
    with Store(db_url) as store:
        store.create_campaign("nfp", "")
        ids = store.add_experiments("nfp", [RECIPE] * (2 * per_worker))
    firsts = [ids[0], ids[per_worker]]
    workers = [_spawn(db_url, first, per_worker, tmp_path, "one-by-one") for first in firsts]
    run_together(workers, [tmp_path / f"ready-{first}" for first in firsts], tmp_path / "go")
    with Store(db_url) as store:
        records = store.experiments("nfp")
    assert all(record.status == ExperimentStatus.MEASURED for record in records)
    assert {record.recorded_by for record in records} == {f"worker-{first}" for first in firsts}
    assert all(r.outcomes["internal_resistance_ohm"] == r.experiment_id / 7 for r in records)


def _kill_when_writing(worker: subprocess.Popen[str], workdir: Path) -> None:
    try:
        wait_for_files([workdir / "writing"], [worker])
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        worker.kill()
    assert worker.returncode == -signal.SIGKILL


def _check_sqlite_file(db_url: str) -> None:
    """The worker's tiny page cache spilled uncommitted pages: the WAL holds a partial write,
    and the file is still sound."""
    path = sqlite_path(db_url)
    if path is None:
        return
    assert Path(f"{path}-wal").stat().st_size > 0
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_writer_killed_mid_record_leaves_all_or_nothing(db_url: str, tmp_path: Path) -> None:
    count = 3000
    with Store(db_url) as store:
        store.create_campaign("nfp", "")
        ids = store.add_experiments("nfp", [RECIPE] * count)
    _kill_when_writing(_spawn(db_url, ids[0], count, tmp_path, "one-big-call"), tmp_path)
    _check_sqlite_file(db_url)
    with Store(db_url) as store:
        statuses = {record.status for record in store.experiments("nfp")}
        assert statuses in ({ExperimentStatus.PROPOSED}, {ExperimentStatus.MEASURED})
        results = [Result(i, {"internal_resistance_ohm": 1.0}) for i in ids]
        store.record("nfp", results, amend=True)  # the database takes writes again
        assert len(store.experiments("nfp", "measured")) == count


def test_proposer_killed_mid_write_leaves_nothing_and_releases_the_lock(db_url: str, tmp_path: Path) -> None:
    """kill -9 while `propose` stores its batch, holding the campaign's lock (issue 15)."""
    with Store(db_url) as store:
        Campaign.create(store, load_definition(NFP_CAMPAIGN))
    _kill_when_writing(_spawn(db_url, 1, 1000, tmp_path, "propose", campaign="nfp_rate"), tmp_path)
    _check_sqlite_file(db_url)
    with Store(db_url) as store:
        campaign = Campaign.open(store)
        assert campaign.experiments() == []  # none of the batch, not part of it
        batch = campaign.propose(4, strategy="sobol")  # the lock went with the killed process
    assert batch["batch"].tolist() == [1] * 4


def test_threads_of_one_process_can_create_stores_at_once(tmp_path: Path) -> None:
    """Alembic's migration context is process-global; creating stores in parallel threads
    (a Dask thread worker, a web server) must still migrate every database."""
    from concurrent.futures import ThreadPoolExecutor

    def create(index: int) -> int:
        with Store(tmp_path / f"campaign{index}.db") as store:
            return len(store.list_campaigns())

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(create, range(16))) == [0] * 16
