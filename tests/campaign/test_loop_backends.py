"""The README's campaign loop on every storage backend (SQLite always, PostgreSQL in CI)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.campaign.conftest import NFP_CAMPAIGN, PAPER_CELLS, run


def test_readme_loop(db_url: str, tmp_path: Path) -> None:
    db = ["--db", db_url]
    assert run("init", NFP_CAMPAIGN, *db).exit_code == 0
    assert run("import", PAPER_CELLS, *db).exit_code == 0
    assert run("propose", "--batch", "4", "-o", tmp_path / "b.csv", *db).exit_code == 0
    assert run("emulate", tmp_path / "b.csv", "-o", tmp_path / "r.csv").exit_code == 0
    assert run("record", tmp_path / "r.csv", *db).exit_code == 0
    status = json.loads(run("status", "--json", *db).output)
    assert status["counts"]["measured"] + status["counts"]["failed"] == 10
    assert status["counts"]["proposed"] == 0
