"""The import graph: what a command that needs no model loads, and which way the layers point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules_after(code: str) -> set[str]:
    """The top-level modules loaded by running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport sys; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return set(run.stdout.split())


def test_the_recommender_does_not_import_the_campaign() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, nfpopt.recommend; print('nfpopt.campaign' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert loaded.stdout.strip() == "False", loaded.stderr


def test_the_campaign_does_not_import_the_recommender() -> None:
    code = "import sys, nfpopt.campaign; print('nfpopt.recommend' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert loaded.stdout.strip() == "False", loaded.stderr
