"""A slow step shows a progress line on a terminal's standard error, and nothing in a pipe."""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console

from nfpopt.cli import common


@pytest.mark.parametrize(("terminal", "shown"), [(True, True), (False, False)])
def test_a_slow_step_shows_a_progress_line_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, terminal: bool, shown: bool
) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(common, "err_console", Console(file=screen, force_terminal=terminal, width=100))
    with common.progress("fitting the models") as step:
        step("choosing the batch")
        time.sleep(0.3)
    assert ("choosing the batch" in screen.getvalue()) is shown
