"""Alembic environment for the nfpopt campaign database.

:class:`nfpopt.store.Store` runs the migrations itself, passing an open connection through
``config.attributes["connection"]``; nothing else is needed at runtime. Developers writing a
new revision can instead point alembic at a database URL::

    alembic -c nfpopt/store/alembic.ini -x url=sqlite:///dev.db revision -m "add column"
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import Connection

from nfpopt.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )


def run_migrations_online() -> None:
    """Run the migrations on the caller's connection, or on one made from ``-x url=...``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("pass the database to migrate: alembic -x url=sqlite:///dev.db ...")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as own_connection:
        _configure(own_connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("nfpopt migrations run online only; pass a database with -x url=...")
run_migrations_online()
