"""SQLite specifics and URL handling: paths, WAL, busy timeout, early write locks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from nfpopt.exceptions import InputDataError, StoreError
from nfpopt.store import DB_ENV_VAR, Result, Store, default_url
from nfpopt.store import engine as store_engine
from nfpopt.store.engine import READ_ONLY, make_engine, normalise_url


@pytest.mark.parametrize("as_path", [str, Path], ids=["str", "pathlib"])
def test_plain_path_means_sqlite(tmp_path: Path, as_path: type) -> None:
    target = tmp_path / "plain.db"
    with Store(as_path(target)) as store:
        assert store.url == f"sqlite:///{target}"
    assert target.exists()


def test_default_url_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    assert default_url() == "sqlite:///nfpopt.db"
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "env.db"))
    with Store() as store:
        store.create_campaign("from-env", "")
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize(
    ("url", "error", "match"),
    [
        pytest.param("", InputDataError, "is empty", id="empty"),
        pytest.param("nonsense://x", InputDataError, "unknown kind", id="unknown_dialect"),
        pytest.param("mysql://u@h/db", StoreError, "not installed", id="missing_driver"),
        pytest.param("/no/such/dir/x.db", StoreError, "cannot open", id="missing_directory"),
    ],
)
def test_bad_urls_are_explained(url: str, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Store(url)


def test_password_is_never_shown() -> None:
    with pytest.raises(StoreError) as caught:  # nothing listens on port 1
        Store("postgresql+psycopg://nfpopt:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in str(caught.value) and "nfpopt:***@" in str(caught.value)


def test_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(normalise_url(tmp_path / "p.db"))
    with engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA busy_timeout").scalar() == 30_000
        assert pragma("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_write_transactions_lock_at_begin_and_reads_do_not(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    engine = make_engine(normalise_url(path))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with engine.connect().execution_options(**{READ_ONLY: True}) as reader, reader.begin():
        reader.exec_driver_sql("SELECT 1")
        other.execute("BEGIN IMMEDIATE")  # a read does not hold the write lock
        other.execute("ROLLBACK")
    # BEGIN IMMEDIATE: the write lock is taken before any statement runs
    with engine.begin(), pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("BEGIN IMMEDIATE")
    other.close()
    engine.dispose()


def test_a_writer_locked_out_too_long_gets_a_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "busy.db"
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_S", 0.2)
    with Store(path) as store:
        store.create_campaign("nfp", "")
        [eid] = store.add_experiments("nfp", [{"t_c": 1.0}])
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(StoreError, match="locked by another writer"):
                store.record("nfp", [Result(eid, {"r_ohm": 1.0})])
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert store.experiment(eid).status == "proposed"
        store.record("nfp", [Result(eid, {"r_ohm": 1.0})])  # and works once the lock is free
