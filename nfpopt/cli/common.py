"""What every command shares: consoles, error exit, reading tables, JSON output."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click
import numpy as np
import pandas as pd
from rich.console import Console
from rich.text import Text

from nfpopt.exceptions import NfpoptWarning

# Markup off: messages carry the user's own text (campaign names, abandon reasons, TOML keys
# such as [[objectives]]), which rich would otherwise read as markup and eat or choke on.
console = Console(width=max(Console().width, 132), markup=False)
err_console = Console(stderr=True, markup=False)


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on standard error and exit with status 2."""
    err_console.print(Text("error: ", style="bold red") + Text(str(message)), highlight=False, soft_wrap=True)
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
    try:
        return pd.read_csv(path, skipinitialspace=True)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot read as CSV ({exc})") from exc


def json_records(frame: pd.DataFrame) -> str:
    """A table as a JSON list of records (NaN -> null, timestamps as ISO text)."""
    return frame.replace({np.nan: None}).to_json(orient="records", indent=2, date_format="iso")
