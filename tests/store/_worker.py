"""A second process for ``test_concurrency.py``: records results into a shared store.

    python _worker.py URL CAMPAIGN FIRST_ID COUNT WORKDIR --mode one-by-one|one-big-call|propose

``one-by-one`` waits for ``WORKDIR/go`` (after writing ``WORKDIR/ready-<FIRST_ID>``), then
records each result in its own call, holding every transaction open a little after its
UPDATE so that two workers overlap. ``one-big-call`` records all results in a single call,
writes ``WORKDIR/writing`` after the UPDATE ran and then stalls inside the transaction
until the test kills the process. ``propose`` proposes one Sobol batch of COUNT recipes
for the campaign (a real one, see ``Campaign``) and stalls the same way just before its
COMMIT, holding the campaign's lock.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from nfpopt.store import Result, Store


def _wait_for(path: Path, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        if time.monotonic() > deadline:
            sys.exit(f"worker: {path} did not appear within {timeout_s} s")
        time.sleep(0.01)


def _after(verb: str, action: Any) -> None:
    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(verb):
            action()

    event.listen(Engine, "after_cursor_execute", listener)


def _small_sqlite_cache(dbapi_connection: Any, _record: Any) -> None:
    # Spill uncommitted pages into the WAL early, so the kill leaves partial data on disk.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA cache_size = 8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("campaign")
    parser.add_argument("first_id", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--mode", choices=["one-by-one", "one-big-call", "propose"], required=True)
    args = parser.parse_args()
    ids = range(args.first_id, args.first_id + args.count)
    who = f"worker-{args.first_id}"
    results = [Result(i, {"internal_resistance_ohm": i / 7, "note_len_mm": float(i)}) for i in ids]

    if args.mode == "one-by-one":
        _after("UPDATE", lambda: time.sleep(0.02))
        with Store(args.url) as store:
            (args.workdir / f"ready-{args.first_id}").touch()
            _wait_for(args.workdir / "go")
            for result in results:
                store.record(args.campaign, [result], recorded_by=who)
        return

    def stall() -> None:
        (args.workdir / "writing").touch()
        time.sleep(120)

    event.listen(Engine, "connect", _small_sqlite_cache)
    if args.mode == "propose":
        from nfpopt.campaign import Campaign

        with Store(args.url) as store:
            campaign = Campaign.open(store, args.campaign)
            inserted: list[bool] = []
            _after("INSERT", lambda: inserted.append(True))
            # At the COMMIT of the transaction that wrote: every row written, none committed.
            event.listen(Engine, "commit", lambda _conn: stall() if inserted else None)
            campaign.propose(args.count, strategy="sobol")
        return
    _after("UPDATE", stall)
    with Store(args.url) as store:
        store.record(args.campaign, results, recorded_by=who)


if __name__ == "__main__":
    main()
