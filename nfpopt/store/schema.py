"""Schema versions: bring a database to the newest alembic revision this nfpopt ships.

The migrations live in ``nfpopt/store/migrations/`` and run programmatically; no
``alembic.ini`` is read. A database stamped with a revision this version does not know was
written by a newer nfpopt, and is refused rather than guessed at.

Opening a database at the head revision reads its revision with one query and compares it with
:data:`HEAD_REVISION`: alembic (0.2-0.3 s to import and to read the migration scripts) loads only
when a database must be created, upgraded or refused.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import Connection

from nfpopt.exceptions import StoreError
from nfpopt.store.engine import READ_ONLY

if TYPE_CHECKING:
    from alembic.config import Config

#: Folder holding ``env.py`` and ``versions/``.
MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
#: Key of the PostgreSQL advisory lock that serialises concurrent upgrades.
_PG_UPGRADE_LOCK = 0x6E6670_6F7074  # "nfpopt"
#: Serialises migrations within one process: alembic's ``context`` is a module-level proxy,
#: so two threads migrating two databases at once would step on each other's environment.
_MIGRATION_LOCK = threading.Lock()
#: The newest revision in ``migrations/versions`` (tests/store check it against alembic's head).
HEAD_REVISION = "0001"
#: alembic's table of the revision a database is at.
_VERSION_TABLE = "alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an alembic config for the packaged migrations, bound to ``connection``."""
    from alembic.config import Config

    config = Config()
    # ConfigParser interpolates '%', so a path containing one must be escaped.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the newest schema revision this version of nfpopt knows."""
    return HEAD_REVISION


def scripted_head_revision() -> str:
    """The newest revision among the packaged migration scripts, as alembic reads them."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise StoreError(f"no migrations found in {MIGRATIONS_DIR}; reinstall nfpopt")
    return head


def current_revision(connection: Connection) -> str | None:
    """Return the database's schema revision, or None for a database nfpopt never touched.

    Reads alembic's version table as alembic does, without loading alembic.
    """
    if not inspect(connection).has_table(_VERSION_TABLE):
        return None
    revisions = [row[0] for row in connection.execute(text(f"SELECT version_num FROM {_VERSION_TABLE}"))]
    if len(revisions) > 1:
        raise StoreError(f"the campaign database holds several schema revisions {revisions}; it was not made by nfpopt")
    return revisions[0] if revisions else None


def no_database(where: str, *, other_tables: bool = False) -> StoreError:
    """The error for a database that nfpopt never created (nothing is written to it)."""
    held = "holds other tables but no nfpopt database" if other_tables else "holds no nfpopt database"
    return StoreError(
        f"{where} {held}; check the path or URL (--db, $NFPOPT_DB), or create a campaign "
        "in a new database with nfpopt init CAMPAIGN.toml --db PATH"
    )


def _state(engine: Engine) -> tuple[str | None, bool]:
    """The database's revision, and whether it holds any table at all; reads only."""
    reader = engine.execution_options(**{READ_ONLY: True})
    with reader.connect() as connection, connection.begin():
        return current_revision(connection), bool(set(inspect(connection).get_table_names()) - {"alembic_version"})


def require_head(engine: Engine, *, where: str) -> str:
    """Check, without writing anything, that ``engine`` holds an nfpopt database at the head
    revision (for a read-only store) and return that revision.

    Raises:
        StoreError: no nfpopt database is there, or it is at another revision.
    """
    head = head_revision()
    current, has_tables = _state(engine)
    if current == head:
        return head
    if current is None:
        raise no_database(where, other_tables=has_tables)
    _refuse_unknown(current, head, where)
    raise StoreError(
        f"the campaign database {where} has schema revision {current!r}, older than this nfpopt's "
        f"({head!r}); run one command that writes (e.g. nfpopt start, nfpopt record) to upgrade it, "
        "then read it again"
    )


def upgrade_to_head(engine: Engine, *, where: str, create: bool = True, reader: Engine | None = None) -> str:
    """Migrate the database behind ``engine`` to the head revision and return that revision.

    A fresh database gets every table (only with ``create``); one at an older revision is
    upgraded in a single transaction that other writers wait for. A SQLite file holding other
    tables is never turned into an nfpopt database. ``where`` names the database in messages;
    ``reader``, a read-only engine on the same database, looks first, so that a refused file is
    left byte for byte as it was (a SQLite connection that may write switches it to WAL).

    Raises:
        StoreError: the database is at a revision newer than this nfpopt knows, or holds no
            nfpopt database and ``create`` is False (or it is a SQLite file of something else).
    """
    head = head_revision()
    current, has_tables = _state(reader or engine)
    if current == head:
        return head
    if current is None and (not create or (has_tables and engine.dialect.name == "sqlite")):
        raise no_database(where, other_tables=has_tables)
    _refuse_unknown(current, head, where)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK})
        current = current_revision(connection)  # another process may have upgraded meanwhile
        if current == head:
            return head
        _refuse_unknown(current, head, where)
        from alembic import command

        with _MIGRATION_LOCK:
            command.upgrade(alembic_config(connection), "head")
    return head


def _refuse_unknown(current: str | None, head: str, where: str) -> None:
    if current is None:
        return
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(current)
    except CommandError:
        raise StoreError(
            f"the campaign database {where} has schema revision {current!r}, newer than the "
            f"newest this nfpopt knows ({head!r}); it was written by a newer nfpopt. "
            "Upgrade nfpopt (pip install --upgrade nfpopt) to open it."
        ) from None
