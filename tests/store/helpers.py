"""Shared data and checks for the store tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
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
