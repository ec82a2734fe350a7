"""The campaign database: campaigns, their experiments and every result ever recorded.

:class:`Store` is pure data access, no science. Every write is exactly one transaction that
either lands whole or leaves the database as it was, so a crash, a typo in one result of a
batch, or two people recording at the same moment never corrupts what was recorded before.
"""

from __future__ import annotations

import os
import threading
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from nfpopt.exceptions import CampaignDefinitionError, StoreError
from nfpopt.store import queries
from nfpopt.store.convert import campaign_record, experiment_record, history_record, history_row
from nfpopt.store.engine import BUSY_TIMEOUT_S, READ_ONLY, default_url, make_engine, normalise_url, sqlite_file
from nfpopt.store.frame import experiments_frame
from nfpopt.store.models import (
    CampaignRow,
    ExperimentRow,
    ExperimentSource,
    ExperimentStatus,
    OutcomeHistoryRow,
    utc_now,
)
from nfpopt.store.records import (
    CampaignRecord,
    ExperimentRecord,
    HistoryRecord,
    Result,
    check_results,
)
from nfpopt.store.schema import require_head, upgrade_to_head
from nfpopt.store.validation import (
    ExperimentStateError,
    check_add_options,
    check_ids,
    check_name,
    check_new_experiments,
    check_text,
)

if TYPE_CHECKING:
    import pandas as pd

#: A campaign, by name or by the record :meth:`Store.get_campaign` returned.
CampaignRef = str | CampaignRecord


class Store:
    """A campaign database (SQLite file or PostgreSQL), migrated to the current schema.

    Args:
        url: a SQLAlchemy URL (``sqlite:///campaign.db``, ``postgresql+psycopg://u:p@host/db``)
            or a plain file path, meaning SQLite. None uses :func:`default_url`.
        echo: log every SQL statement (for debugging).
        create: create the database (its file, its tables) if there is none yet; with False a
            path or URL that holds no nfpopt database is refused, and nothing is written to it.
        read_only: only read (``status``, ``export``): the database must exist at the current
            schema and is never created, migrated or written; a file this user cannot write can
            be read.

    Raises:
        StoreError: the database cannot be opened, holds no nfpopt database (with ``create``
            False), or was written by a newer nfpopt.

    Example:
        >>> with Store("campaign.db") as store:  # doctest: +SKIP
        ...     ids = store.add_experiments("nfp", [{"sinter_temperature_c": 650.0}])
        ...     store.record("nfp", [Result(ids[0], {"internal_resistance_ohm": 41.5})])
    """

    def __init__(
        self,
        url: str | os.PathLike[str] | None = None,
        *,
        echo: bool = False,
        create: bool = True,
        read_only: bool = False,
    ) -> None:
        parsed = normalise_url(default_url() if url is None else url)
        #: The database URL, password hidden.
        self.url: str = parsed.render_as_string(hide_password=True)
        #: True when opened with ``read_only``: every write is refused.
        self.read_only = read_only
        path = sqlite_file(parsed)
        if path is not None and (read_only or not create) and not path.is_file():
            raise StoreError(
                f"no nfpopt database at {path}: the file does not exist. Check the path (--db, "
                "$NFPOPT_DB), or create a campaign there first with nfpopt init CAMPAIGN.toml --db PATH"
            )
        self._engine = make_engine(parsed, echo=echo, read_only=read_only)
        self._writer = sessionmaker(self._engine, expire_on_commit=False)
        self._reader = sessionmaker(self._engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)
        self._held = threading.local()  # the session of a :meth:`locked` span, per thread
        try:
            #: The alembic revision of the schema, always the newest this nfpopt knows.
            self.schema_revision: str = (
                require_head(self._engine, where=self.url) if read_only else self._upgrade(parsed, create)
            )
        except SQLAlchemyError as exc:
            self._engine.dispose()
            raise StoreError(
                f"cannot open the campaign database {self.url}: {_reason(exc)}. Check the "
                "path or URL, the permissions, and that the database server is running"
            ) from exc
        except BaseException:
            self._engine.dispose()
            raise

    def _upgrade(self, parsed: URL, create: bool) -> str:
        """Migrate to the head revision; an existing SQLite file is looked at read-only first."""
        path = sqlite_file(parsed)
        if path is None or not path.is_file():
            return upgrade_to_head(self._engine, where=self.url, create=create)
        reader = make_engine(parsed, read_only=True)
        try:
            return upgrade_to_head(self._engine, where=self.url, create=create, reader=reader)
        finally:
            reader.dispose()

    @classmethod
    def open(cls, url: str | os.PathLike[str] | None = None) -> Store:
        """Open (creating or upgrading if needed) the campaign database at ``url``."""
        return cls(url)

    def close(self) -> None:
        """Close the pooled connections (SQLite then folds its WAL file into the database).

        A later call on the store opens new connections.
        """
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # -- campaigns ---------------------------------------------------------------------------

    def create_campaign(self, name: str, definition_toml: str) -> CampaignRecord:
        """Store a new campaign under a unique ``name`` with its TOML definition, as given.

        Raises:
            CampaignDefinitionError: ``definition_toml`` is not valid TOML.
            StoreError: a campaign with this name already exists.
        """
        check_name(name, "name", "campaign")
        check_text(definition_toml, "definition_toml", f"campaign {name!r}")
        try:
            tomllib.loads(definition_toml)
        except tomllib.TOMLDecodeError as exc:
            raise CampaignDefinitionError(
                f"campaign {name!r}: definition_toml is not valid TOML ({exc}); fix the syntax"
            ) from exc
        try:
            with self._transaction(write=True) as session:
                if session.scalar(select(CampaignRow.id).where(CampaignRow.name == name)):
                    raise self._duplicate(name)
                row = CampaignRow(name=name, definition=definition_toml, created_at=utc_now())
                session.add(row)
                session.flush()
                return campaign_record(row)
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):  # another writer created it first
                raise self._duplicate(name) from exc
            raise

    def get_campaign(self, name: str | None = None) -> CampaignRecord:
        """Return the campaign called ``name``; with None, the only campaign in the database.

        Raises:
            StoreError: no such campaign, or ``name`` is None and there is not exactly one.
        """
        with self._transaction() as session:
            if name is not None:
                return campaign_record(queries.campaign_row(session, name))
            rows = session.scalars(select(CampaignRow).order_by(CampaignRow.id)).all()
            if len(rows) == 1:
                return campaign_record(rows[0])
        if not rows:
            raise StoreError(f"{self.url} holds no campaign yet; create one first")
        names = ", ".join(repr(row.name) for row in rows)
        raise StoreError(f"{self.url} holds {len(rows)} campaigns ({names}); name the one to use")

    def list_campaigns(self) -> list[CampaignRecord]:
        """Return every campaign, oldest first."""
        with self._transaction() as session:
            rows = session.scalars(select(CampaignRow).order_by(CampaignRow.id))
            return [campaign_record(row) for row in rows]

    def delete_campaign(self, campaign: CampaignRef) -> int:
        """Delete the campaign with every experiment and result history it holds, for good;
        return how many experiments went with it. The name can then be used again.

        Raises:
            StoreError: no such campaign.
        """
        with self._transaction(write=True) as session:
            row = queries.campaign_row(session, campaign, lock=True)
            count = session.scalar(select(func.count()).where(ExperimentRow.campaign_id == row.id)) or 0
            # The database cascades to experiments and their history (ON DELETE CASCADE).
            session.execute(delete(CampaignRow).where(CampaignRow.id == row.id))
            return int(count)

    @contextmanager
    def locked(self, campaign: CampaignRef) -> Iterator[None]:
        """Hold the campaign's write lock: every store call inside is one transaction.

        For a read-decide-write span such as proposing a batch: a second process proposing at
        the same moment waits here until this span commits, and then sees its batch. SQLite
        locks the whole database (``BEGIN IMMEDIATE``, waiting up to :data:`BUSY_TIMEOUT_S`);
        PostgreSQL locks the campaign's row (``SELECT ... FOR UPDATE``). An exception inside
        rolls back everything written in the span.

        Raises:
            StoreError: the campaign does not exist, or the span is entered twice.
        """
        if getattr(self._held, "session", None) is not None:
            raise StoreError(f"{self!r} already holds a campaign lock in this thread; do not nest locked()")
        with self._transaction(write=True) as session:
            queries.campaign_row(session, campaign, lock=True)
            self._held.session = session
            try:
                yield
            finally:
                self._held.session = None

    # -- experiments: writes -----------------------------------------------------------------

    def add_experiments(
        self,
        campaign: CampaignRef,
        rows: Sequence[Mapping[str, Any]],
        *,
        status: str | Sequence[str] = "proposed",
        source: str = "proposed",
        batch: int | None = None,
        outcomes: Sequence[Mapping[str, float] | None] | None = None,
        predictions: Sequence[Mapping[str, Any] | None] | None = None,
        failure_reasons: Sequence[str | None] | None = None,
        notes: Sequence[str | None] | None = None,
        recorded_by: str | None = None,
    ) -> list[int]:
        """Add experiments (one recipe per row) in one transaction; return their ids in order.

        Args:
            campaign: the campaign they belong to.
            rows: recipes, parameter name -> value (number, string or bool).
            status: ``proposed`` or ``running``; imported experiments may also be
                ``measured`` (with ``outcomes``) or ``failed`` (with ``failure_reasons``).
                One status for every row, or a list with one per row (an import of
                measured and failed experiments lands in one transaction).
            source: ``proposed`` (by nfpopt) or ``imported`` (earlier work).
            batch: the batch number. None gives proposed experiments the next batch number
                (taken inside the same transaction, so two proposers never share one) and
                leaves imported experiments without a batch.
            outcomes, predictions, failure_reasons, notes: optional, one entry per row
                (None where a row has none); ``predictions`` are the outcomes the model
                expected when proposing.
            recorded_by: who recorded imported results.

        Raises:
            InputDataError: a row or option is invalid; nothing is added.
            StoreError: the campaign does not exist.
        """
        per_row = status if not isinstance(status, str) else [status] * _count(rows)
        options = [check_add_options(s, source, batch) for s in per_row] or [
            check_add_options("proposed", source, batch)
        ]
        _, source_, batch_ = options[0]
        statuses = [o[0] for o in options]
        checked = check_new_experiments(
            rows,
            status=statuses,
            outcomes=outcomes,
            predictions=predictions,
            failure_reasons=failure_reasons,
            notes=notes,
        )
        if recorded_by is not None:
            check_name(recorded_by, "recorded_by", "add_experiments")
        with self._transaction(write=True) as session:
            campaign_row = queries.campaign_row(session, campaign, lock=True)
            if batch_ is None and source_ is ExperimentSource.PROPOSED:
                batch_ = queries.next_batch(session, campaign_row.id)
            now = utc_now()
            new_rows = [
                ExperimentRow(
                    campaign_id=campaign_row.id,
                    batch=batch_,
                    status=row_status.value,
                    source=source_.value,
                    created_at=now,
                    updated_at=now,
                    recorded_by=recorded_by if row_status in queries.RECORDED else None,
                    parameters_made=None,
                    **fields,
                )
                for fields, row_status in zip(checked, statuses, strict=True)
            ]
            session.add_all(new_rows)
            session.flush()
            return [row.id for row in new_rows]

    def next_batch_number(self, campaign: CampaignRef) -> int:
        """Return one more than the campaign's highest batch number (1 for the first batch)."""
        with self._transaction() as session:
            return queries.next_batch(session, queries.campaign_row(session, campaign).id)

    def start(self, ids: Iterable[int]) -> None:
        """Mark proposed experiments as ``running`` (being fabricated or measured).

        Raises:
            ExperimentStateError: an id is unknown or not ``proposed``; nothing changes.
        """
        wanted = check_ids(ids, "start")
        with self._transaction(write=True) as session:
            queries.move(
                session,
                wanted,
                allowed=(ExperimentStatus.PROPOSED,),
                target=ExperimentStatus.RUNNING,
            )

    def abandon(self, ids: Iterable[int], reason: str) -> None:
        """Mark proposed or running experiments ``abandoned``; ``reason`` is kept as their
        ``failure_reason``.

        Raises:
            ExperimentStateError: an id is unknown or already measured, failed or abandoned.
        """
        check_text(reason, "reason", "abandon", required=True)
        wanted = check_ids(ids, "abandon")
        with self._transaction(write=True) as session:
            queries.move(
                session,
                wanted,
                allowed=queries.OPEN,
                target=ExperimentStatus.ABANDONED,
                reason=reason,
            )

    def record(
        self,
        campaign: CampaignRef,
        results: Sequence[Result],
        *,
        amend: bool = False,
        recorded_by: str | None = None,
    ) -> list[ExperimentRecord]:
        """Record measured (or failed) results, all or nothing, and return the updated records.

        A result may be recorded for a ``proposed`` or ``running`` experiment. With
        ``amend=True`` an already measured or failed experiment gets the new result and its
        previous one is moved to :meth:`history`; a measured result amending a measured one
        only changes the outcomes it gives (the others keep their values).

        Raises:
            InputDataError: a result is malformed, or an id appears twice in ``results``.
            ExperimentStateError: an id is unknown, belongs to another campaign, was abandoned,
                or already has a result and ``amend`` is False. The message names every such
                id, and the database is left unchanged.
        """
        checked = check_results(results)
        if recorded_by is not None:
            check_name(recorded_by, "recorded_by", "record")
        with self._transaction(write=True) as session:
            campaign_row = queries.campaign_row(session, campaign)
            rows = queries.lock_experiments(session, [result.experiment_id for result in checked])
            problems = [
                queries.record_problem(rows.get(result.experiment_id), result, campaign_row, amend)
                for result in checked
            ]
            if any(problems):
                raise ExperimentStateError(
                    f"nothing was recorded: {queries.summarise(problems)}. Fix or remove these results and record again"
                )
            now = utc_now()
            for result in checked:
                row = rows[result.experiment_id]
                if row.status in queries.RECORDED:
                    session.add(history_row(row, superseded_at=now))
                queries.apply_result(row, result, now, recorded_by)
            session.flush()
            return [experiment_record(rows[result.experiment_id]) for result in checked]

    # -- experiments: reads ------------------------------------------------------------------

    def experiments(
        self,
        campaign: CampaignRef,
        status: str | Iterable[str] | None = None,
    ) -> list[ExperimentRecord]:
        """Return the campaign's experiments in id order, optionally only those in ``status``
        (one status or several)."""
        statuses = queries.statuses(status)
        with self._transaction() as session:
            query = select(ExperimentRow).where(ExperimentRow.campaign_id == queries.campaign_row(session, campaign).id)
            if statuses is not None:
                query = query.where(ExperimentRow.status.in_(statuses))
            rows = session.scalars(query.order_by(ExperimentRow.id))
            return [experiment_record(row) for row in rows]

    def experiment(self, experiment_id: int) -> ExperimentRecord:
        """Return one experiment by id.

        Raises:
            ExperimentStateError: no experiment has this id.
        """
        with self._transaction() as session:
            return experiment_record(queries.experiment_row(session, experiment_id))

    def history(self, experiment_id: int) -> list[HistoryRecord]:
        """Return the superseded results of an experiment, oldest first (empty if never
        amended)."""
        with self._transaction() as session:
            row = queries.experiment_row(session, experiment_id)
            query = select(OutcomeHistoryRow).where(OutcomeHistoryRow.experiment_id == row.id)
            rows = session.scalars(query.order_by(OutcomeHistoryRow.id))
            return [history_record(entry) for entry in rows]

    def to_frame(self, campaign: CampaignRef) -> pd.DataFrame:
        """Return the campaign's experiments as a table, one row per experiment.

        Columns: ``experiment_id, batch, status, source``, one per parameter (as fabricated),
        one per outcome, then ``failure_reason, notes, recorded_by, created_at, updated_at``.
        """
        name = campaign.name if isinstance(campaign, CampaignRecord) else campaign
        return experiments_frame(self.experiments(campaign), campaign=str(name))

    # -- internals ---------------------------------------------------------------------------

    def _duplicate(self, name: str) -> StoreError:
        return StoreError(
            f"a campaign named {name!r} already exists in {self.url}; choose another name, "
            f"or continue it with get_campaign({name!r})"
        )

    @contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Session]:
        """One transaction; SQLite takes the write lock at its start when ``write``.

        Inside :meth:`locked` every call joins the span's transaction instead.
        """
        if write and self.read_only:
            raise StoreError(f"{self.url} was opened read-only; open Store({self.url!r}) without read_only to write")
        held = getattr(self._held, "session", None)
        if held is not None:
            yield held
            return
        try:
            with (self._writer if write else self._reader).begin() as session:
                yield session
        except SQLAlchemyError as exc:
            if "database is locked" in str(exc):
                raise StoreError(
                    f"{self.url} is locked by another writer (nfpopt waits up to "
                    f"{BUSY_TIMEOUT_S:.0f} s); nothing was written, try again"
                ) from exc
            raise StoreError(f"database error on {self.url}: {_reason(exc)}") from exc


def _reason(exc: SQLAlchemyError) -> object:
    """The driver's own message where there is one (SQLAlchemy's wraps it in boilerplate)."""
    return getattr(exc, "orig", None) or exc


def _count(rows: object) -> int:
    """Number of rows, 0 for something that is not a list (validation reports it later)."""
    return len(rows) if isinstance(rows, Sequence) and not isinstance(rows, str | bytes) else 0
