"""What every command shares: consoles, error exit (as text or JSON), reading tables, JSON
output, a progress line. Light on purpose: pandas loads only when a table is read or written."""

from __future__ import annotations

import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.console import Console
from rich.text import Text

from nfpopt.exceptions import NfpoptWarning

#: The ``--json`` flag every command takes (its errors then come as JSON too: ``nfpopt.cli.main``).
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")

if TYPE_CHECKING:
    import pandas as pd

# Markup off: messages carry the user's own text (campaign names, abandon reasons, TOML keys
# such as [[objectives]]), which rich would otherwise read as markup and eat or choke on.
# On a terminal, its width; piped into a file or a log, 120 columns.
_probe = Console()
console = Console(width=_probe.width if _probe.is_terminal or "COLUMNS" in os.environ else 120, markup=False)
err_console = Console(stderr=True, markup=False)

#: The library's advice in Python terms, and what a command-line user types instead.
_CLI_WORDS = (
    (re.compile(r"pass amend=True"), "rerun with --amend"),
    (re.compile(r"continue it with get_campaign\('([^']*)'\)"), r"continue it with --campaign \1"),
    (re.compile(r"holds no campaign yet; create one first"), "holds no campaign yet; create one with nfpopt init FILE"),
    (re.compile(r"; name the one to use$"), "; name the one to use with --campaign NAME (nfpopt campaigns lists them)"),
    (re.compile(r"np\.(?:float|int)\d*\(([^()]*)\)"), r"\1"),
)
_FILE = re.compile(r"^(?P<file>[^:\s][^:]*?\.(?:csv|toml|tsv|txt|xlsx|db)):")
_CLICK_FILE = re.compile(r"\b(?:File|Path|Directory) '(?P<file>[^']+)'")
_ROW = re.compile(r"\brow (?P<row>\d+)\b")
_COLUMN = re.compile(r"\bcolumn '(?P<column>[^']+)'")


def speak_cli(message: str) -> str:
    """``message`` with the library's Python advice (``amend=True``, ``get_campaign(...)``,
    ``np.float64(...)``) in the words of the command line."""
    for pattern, replacement in _CLI_WORDS:
        message = pattern.sub(replacement, message)
    return message


def error_record(message: str) -> dict[str, object]:
    """An error as scripts read it: the message and, where it names them, the file, the (1-based)
    row and the column it is about (``None`` where it does not)."""
    file = _FILE.search(message) or _CLICK_FILE.search(message)
    row, column = _ROW.search(message), _COLUMN.search(message)
    return {
        "error": message,
        "file": file["file"] if file else None,
        "row": int(row["row"]) if row else None,
        "column": column["column"] if column else None,
    }


def _wants_json() -> bool:
    context = click.get_current_context(silent=True)
    return bool(context is not None and context.params.get("as_json"))


def fail(message: str) -> NoReturn:
    """Exit with status 2 after ``error: message`` on standard error, or, under ``--json``, the
    error as one JSON object (:func:`error_record`) on standard output."""
    message = speak_cli(str(message))
    if _wants_json():
        click.echo(json.dumps(error_record(message)))
    else:
        err_console.print(Text("error: ", style="bold red") + Text(message), highlight=False, soft_wrap=True)
    sys.exit(2)


@contextmanager
def warnings_shown() -> Iterator[None]:
    """Print each nfpopt warning raised inside as ``warning: message`` on standard error
    (after the block, even when it fails), instead of Python's file-and-line format."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", NfpoptWarning)
        try:
            yield
        finally:
            for warning in caught:
                if issubclass(warning.category, NfpoptWarning):
                    text = Text("warning: ", style="bold yellow") + Text(str(warning.message))
                    err_console.print(text, soft_wrap=True)


def named(prefix: str, name: str, rest: str) -> Text:
    """``prefix`` + ``name`` in bold + ``rest``, the name printed exactly as the user wrote it."""
    return Text(prefix) + Text(name, style="bold") + Text(rest)


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV table, turning parser failures into a clear error."""
    import pandas as pd

    try:
        return pd.read_csv(path, skipinitialspace=True)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read as CSV ({exc})")


def json_records(frame: pd.DataFrame) -> str:
    """A table as a JSON list of records (NaN -> null, timestamps as ISO text)."""
    import numpy as np

    return frame.replace({np.nan: None}).to_json(orient="records", indent=2, date_format="iso")


@contextmanager
def progress(text: str) -> Iterator[Callable[[str], None]]:
    """A line on standard error while a slow step runs: a spinner, ``text`` and the time so far.

    Yields a function that replaces the text as the work moves on. Only on a terminal, and gone
    when the step ends, so that piped output and ``--json`` stay clean.
    """
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(text, total=None)
        yield lambda step: bar.update(task, description=step)
