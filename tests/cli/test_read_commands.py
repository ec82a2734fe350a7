"""Commands that only read never create, migrate or write a database; a path that holds no
nfpopt database is refused with the path in the message; a read-only database can be read
(issue 15, item 6)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from nfpopt.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def _invoke(*args: object):  # noqa: ANN202 - click's Result
    return CliRunner().invoke(cli, [str(a) for a in args])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def foreign_db(tmp_path: Path) -> Path:
    """A SQLite file of another program."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE samples (id INTEGER PRIMARY KEY, label TEXT)")
    return path


READERS = [["status"], ["export"], ["report", "-o", "report"], ["campaigns"]]
EVERY = [
    *READERS,
    ["propose", "--strategy", "sobol"],
    ["start", "1"],
    ["abandon", "1", "--reason", "x"],
    ["delete", "nfp_rate", "--yes"],
]


@pytest.mark.parametrize("command", [*EVERY, ["init", ROOT / "campaigns" / "nfp_rate.toml"]], ids=lambda c: c[0])
def test_a_database_of_another_program_is_refused_byte_for_byte(foreign_db: Path, command: list[object]) -> None:
    before = _digest(foreign_db)
    result = _invoke(*command, "--db", foreign_db)
    assert result.exit_code == 2, result.output
    assert f"{foreign_db} holds other tables but no nfpopt database" in result.output
    assert _digest(foreign_db) == before


@pytest.mark.parametrize("command", EVERY, ids=lambda c: c[0])
def test_a_mistyped_path_leaves_nothing_behind(tmp_path: Path, command: list[object]) -> None:
    missing = tmp_path / "nfp.bd"
    result = _invoke(*command, "--db", missing)
    assert result.exit_code == 2, result.output
    assert f"no nfpopt database at {missing}: the file does not exist" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_propose_before_init_leaves_no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NFPOPT_DB", raising=False)
    result = _invoke("propose", "--strategy", "sobol")
    assert result.exit_code == 2 and "nfpopt init" in result.output
    assert not (tmp_path / "nfpopt.db").exists()


def test_a_file_that_is_no_database_is_named(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("oven log\n")
    result = _invoke("status", "--db", notes)
    assert result.exit_code == 2 and str(notes) in result.output and "not a database" in result.output
    assert notes.read_text() == "oven log\n"


@pytest.fixture
def read_only_db() -> Iterator[Path]:
    """A campaign database in a folder where neither it nor the folder can be written."""
    folder = Path(tempfile.mkdtemp(prefix="nfpopt-ro-"))
    folder.chmod(0o755)
    database = folder / "nfp.db"
    assert _invoke("init", ROOT / "campaigns" / "nfp_rate.toml", "--db", database).exit_code == 0
    assert _invoke("import", ROOT / "data" / "yamauchi2020_cells.csv", "--db", database).exit_code == 0
    database.chmod(0o444)
    folder.chmod(0o555)
    yield database
    folder.chmod(0o755)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


def _as_reader(*args: object) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user who cannot write the file (root can write anything: then nobody)."""
    command = [sys.executable, "-m", "nfpopt.cli.main", *map(str, args)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot drop the right to write the file")
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": "/tmp"}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd="/tmp", timeout=120)


@pytest.mark.parametrize("command", [["status"], ["export"]], ids=lambda c: c[0])
def test_a_read_only_database_can_be_read(read_only_db: Path, command: list[str]) -> None:
    before = _digest(read_only_db)
    result = _as_reader(*command, "--db", read_only_db)
    assert result.returncode == 0, result.stderr
    assert "measured 5" in result.stdout if command == ["status"] else len(result.stdout.splitlines()) == 7
    assert _digest(read_only_db) == before
