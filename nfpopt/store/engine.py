"""Database URLs and engines tuned for several people recording into one campaign.

SQLite (the default) is set up so that concurrent writers queue instead of failing:

* ``journal_mode=WAL``: readers never block the writer and a crash mid-write is rolled back;
* ``busy_timeout``: a writer waits up to :data:`BUSY_TIMEOUT_S` for the lock;
* ``BEGIN IMMEDIATE``: a write transaction takes the write lock at its start. Python's
  sqlite3 module would otherwise begin lazily, and a transaction that reads and then writes
  can fail at once with "database is locked" when another process wrote in between;
* ``foreign_keys=ON``.

PostgreSQL needs no tuning here; :class:`~nfpopt.store.Store` locks the rows it checks
(``SELECT ... FOR UPDATE``) before changing them.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from nfpopt.exceptions import InputDataError, StoreError

#: Environment variable naming the campaign database used when no URL is given.
DB_ENV_VAR = "NFPOPT_DB"
#: How long a SQLite writer waits for another writer before giving up, in seconds.
BUSY_TIMEOUT_S = 30.0
#: Execution option marking a read-only transaction (SQLite then begins it DEFERRED).
READ_ONLY = "nfpopt_read_only"

# Python's json writes floats with repr(), which round-trips every finite float exactly;
# NaN and infinity are not JSON and are refused (the store validates before this anyway).
_dumps = functools.partial(json.dumps, allow_nan=False)


def default_url() -> str:
    """Return the database URL from ``$NFPOPT_DB``, else ``sqlite:///nfpopt.db`` (current dir).

    ``$NFPOPT_DB`` may hold a SQLAlchemy URL or a plain file path (meaning SQLite).
    """
    configured = os.environ.get(DB_ENV_VAR, "").strip()
    return configured or "sqlite:///nfpopt.db"


def normalise_url(url: str | os.PathLike[str]) -> URL:
    """Parse ``url`` as a SQLAlchemy URL; a plain file path means a SQLite database there.

    Raises:
        InputDataError: ``url`` is empty or not a valid URL.
    """
    text = os.fspath(url).strip()
    if not text:
        raise InputDataError(
            f"database url={text!r} is empty; pass a path such as 'campaign.db' or a URL "
            f"such as 'postgresql+psycopg://user@host/db', or set ${DB_ENV_VAR}"
        )
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    try:
        return make_url(text)
    except ArgumentError as exc:
        raise InputDataError(
            f"database url={text!r} is not a valid SQLAlchemy URL ({exc}); use e.g. "
            "'sqlite:///campaign.db' or 'postgresql+psycopg://user:password@host/db'"
        ) from exc


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL; None for another backend or an in-memory database."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database)).expanduser()


def _read_only_sqlite(url: URL, path: Path) -> URL:
    """``url`` opened with SQLite's ``mode=ro``: the driver itself refuses every write.

    A WAL database needs its ``-shm`` file; where this user cannot create one (a read-only
    folder) and no writer left a ``-wal`` file beside, the file is opened ``immutable``.
    """
    wal = path.with_name(path.name + "-wal")
    immutable = not os.access(path.parent, os.W_OK) and not wal.exists()
    query = {"mode": "ro", "uri": "true", **({"immutable": "1"} if immutable else {})}
    return url.set(database="file:" + quote(str(path.resolve())), query=query)


def make_engine(url: URL, *, echo: bool = False, read_only: bool = False) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE.

    With ``read_only`` the database refuses writes itself: SQLite opens the file ``mode=ro``,
    PostgreSQL runs every transaction ``READ ONLY``.

    Raises:
        InputDataError: the URL names a database kind SQLAlchemy does not know.
        StoreError: the database driver is not installed.
    """
    shown = url.render_as_string(hide_password=True)
    try:
        if url.get_backend_name() != "sqlite":
            engine = create_engine(url, echo=echo, json_serializer=_dumps, pool_pre_ping=True)
            return engine.execution_options(postgresql_readonly=True) if read_only else engine
        path = sqlite_file(url)
        if read_only and path is not None:
            url = _read_only_sqlite(url, path)
        engine = create_engine(url, echo=echo, json_serializer=_dumps)
    except NoSuchModuleError as exc:
        raise InputDataError(
            f"database url={shown!r} names an unknown kind of database ({exc}); use "
            "'sqlite:///campaign.db' or 'postgresql+psycopg://user:password@host/db'"
        ) from exc
    except ImportError as exc:
        raise StoreError(
            f"the driver for {shown!r} is not installed ({exc}); for PostgreSQL use a "
            "'postgresql+psycopg://' URL and pip install 'nfpopt[postgres]'"
        ) from exc
    event.listen(engine, "connect", _configure_read_only if read_only else _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine.execution_options(**{READ_ONLY: True}) if read_only else engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event, not the driver, decide when transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")  # a commit survives a power cut too
    finally:
        cursor.close()


def _configure_read_only(dbapi_connection: Any, _record: Any) -> None:
    # As above, without the settings that write to the file (journal mode, synchronous).
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")


def _begin_sqlite_transaction(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
