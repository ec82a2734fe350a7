"""Shared data and checks for the store tests."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from nfpopt.store import Store

RECIPES = [
    {"sinter_temperature_c": 600.0, "carbon_wt_pct": 5, "atmosphere": "argon"},
    {"sinter_temperature_c": 650.5, "carbon_wt_pct": 7, "atmosphere": "nitrogen"},
    {"sinter_temperature_c": 700.25, "carbon_wt_pct": 9, "atmosphere": "argon"},
]
OHM = "internal_resistance_ohm"
CAMPAIGN_TOML = """\
name = "nfp-cathode"

[parameters.sinter_temperature_c]
low = 550.0
high = 750.0

[outcomes.internal_resistance_ohm]
goal = "minimise"
"""


def snapshot(store: Store) -> dict[str, Any]:
    """Everything the store holds, in a form that compares equal iff nothing changed."""
    state: dict[str, Any] = {"campaigns": store.list_campaigns()}
    for campaign in state["campaigns"]:
        experiments = store.experiments(campaign)
        state[campaign.name] = experiments
        state[f"{campaign.name}/frame"] = store.to_frame(campaign)
        for record in experiments:
            state[f"history/{record.experiment_id}"] = store.history(record.experiment_id)
    return state


def assert_same(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Assert two :func:`snapshot` results are equal, comparing tables with pandas."""
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, after[key])
        else:
            assert value == after[key], key


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, None for other backends."""
    parsed = make_url(url)
    return Path(str(parsed.database)) if parsed.get_backend_name() == "sqlite" else None


def wait_for_files(paths: list[Path], workers: list[subprocess.Popen[str]], timeout_s: float = 60.0) -> None:
    """Wait until every path exists; fail the test if a worker exits first or time runs out."""
    deadline = time.monotonic() + timeout_s
    while not all(path.exists() for path in paths):
        for worker in workers:
            if worker.poll() is not None:
                pytest.fail(f"worker exited early ({worker.returncode}):\n{worker.communicate()[0]}")
        if time.monotonic() > deadline:
            pytest.fail(f"workers did not reach {paths} within {timeout_s} s")
        time.sleep(0.01)


def run_together(workers: list[subprocess.Popen[str]], ready: list[Path], go: Path, timeout_s: float = 120.0) -> None:
    """Wait until every worker is ready, start them at once through ``go``, and assert that
    each exits 0 (a worker that is still running at the end is killed)."""
    try:
        wait_for_files(ready, workers, timeout_s=timeout_s)
        go.touch()
        outputs = [worker.communicate(timeout=timeout_s)[0] for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    assert [worker.returncode for worker in workers] == [0] * len(workers), outputs


def table_names(db_url: str) -> list[str]:
    """The tables in the database (the test's schema on PostgreSQL)."""
    engine = create_engine(db_url)
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
    engine.dispose()
    return names
