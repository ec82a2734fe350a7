"""Session-level building blocks of :class:`~nfpopt.store.Store`'s transactions.

Each function works inside a transaction the caller owns and never commits. Checks that must
see the current state lock the rows they read (``SELECT ... FOR UPDATE`` on PostgreSQL; on
SQLite the whole database is already locked by ``BEGIN IMMEDIATE``), so that no other writer
can change them between the check and the write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nfpopt.exceptions import StoreError
from nfpopt.store.models import CampaignRow, ExperimentRow, ExperimentStatus, utc_now
from nfpopt.store.records import CampaignRecord, Result
from nfpopt.store.validation import ExperimentStateError, check_id, check_member, check_name

#: Statuses of an experiment that has a result.
RECORDED = (ExperimentStatus.MEASURED, ExperimentStatus.FAILED)
#: Statuses of an experiment still waiting for a result.
OPEN = (ExperimentStatus.PROPOSED, ExperimentStatus.RUNNING)
_CHUNK = 500  # ids per IN (...) query, well under every backend's parameter limit


def _where(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def campaign_row(session: Session, campaign: str | CampaignRecord, *, lock: bool = False) -> CampaignRow:
    """Return the campaign row by name (locked when ``lock``), or raise StoreError."""
    name = campaign.name if isinstance(campaign, CampaignRecord) else campaign
    check_name(name, "campaign", "campaign lookup")
    query = select(CampaignRow).where(CampaignRow.name == name)
    row = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        known = ", ".join(repr(n) for n in session.scalars(select(CampaignRow.name))) or "none"
        raise StoreError(
            f"no campaign named {name!r} in {_where(session)} (campaigns: {known}); check the "
            "name, the database URL, or create the campaign first"
        )
    return row


def next_batch(session: Session, campaign_id: int) -> int:
    """Return one more than the campaign's highest batch number, 1 for the first batch."""
    query = select(func.max(ExperimentRow.batch)).where(ExperimentRow.campaign_id == campaign_id)
    return (session.scalar(query) or 0) + 1


def experiment_row(session: Session, experiment_id: int) -> ExperimentRow:
    """Return the experiment row by id, or raise ExperimentStateError."""
    row = session.get(ExperimentRow, check_id(experiment_id, "lookup"))
    if row is None:
        raise ExperimentStateError(f"experiment {experiment_id} does not exist in {_where(session)}; check the id")
    return row


def lock_experiments(session: Session, ids: Iterable[int]) -> dict[int, ExperimentRow]:
    """Load the experiments ``ids`` that exist, locking their rows (in id order) until commit.

    Locking in id order means two transactions locking overlapping sets cannot deadlock.
    """
    rows: dict[int, ExperimentRow] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        query = select(ExperimentRow).where(ExperimentRow.id.in_(ordered[start : start + _CHUNK]))
        for row in session.scalars(query.order_by(ExperimentRow.id).with_for_update()):
            rows[row.id] = row
    return rows


def move(
    session: Session,
    ids: list[int],
    *,
    allowed: tuple[ExperimentStatus, ...],
    target: ExperimentStatus,
    reason: str | None = None,
) -> None:
    """Move every experiment in ``ids`` from a status in ``allowed`` to ``target``.

    Raises:
        ExperimentStateError: naming every id that does not exist or is in another status;
            nothing is changed.
    """
    rows = lock_experiments(session, ids)
    expected = " or ".join(allowed)
    problems = [
        f"experiment {i} does not exist" if i not in rows else f"experiment {i} is {rows[i].status}, not {expected}"
        for i in ids
        if i not in rows or rows[i].status not in allowed
    ]
    if problems:
        raise ExperimentStateError(f"nothing was marked {target}: {summarise(problems)}")
    now = utc_now()
    for row in rows.values():
        row.status, row.updated_at = target.value, now
        if reason is not None:
            row.failure_reason = reason


def summarise(problems: Iterable[str | None], *, limit: int = 10) -> str:
    """Join the non-empty ``problems`` with '; ', listing at most ``limit`` of them."""
    found = [problem for problem in problems if problem]
    shown = "; ".join(found[:limit])
    return shown if len(found) <= limit else f"{shown}; and {len(found) - limit} more"


def statuses(status: str | Iterable[str] | None) -> list[str] | None:
    """Return the status filter as a list of valid status values (None: no filter)."""
    if status is None:
        return None
    values = [status] if isinstance(status, str) else list(status)
    return [check_member(ExperimentStatus, value, "status").value for value in values]


def record_problem(row: ExperimentRow | None, result: Result, campaign: CampaignRow, amend: bool) -> str | None:
    """Say why ``result`` cannot be recorded on ``row``, or return None if it can."""
    experiment = f"experiment {result.experiment_id}"
    if row is None:
        return f"{experiment} does not exist"
    if row.campaign_id != campaign.id:
        return f"{experiment} belongs to campaign {row.campaign.name!r}, not {campaign.name!r}"
    if row.status == ExperimentStatus.ABANDONED:
        return f"{experiment} was abandoned ({row.failure_reason}) and cannot take a result"
    if row.status in RECORDED and not amend:
        return (
            f"{experiment} is already {row.status}; pass amend=True to replace its result "
            "(the old one is kept in its history)"
        )
    return None


def apply_result(row: ExperimentRow, result: Result, now: dt.datetime, recorded_by: str | None) -> None:
    """Write ``result`` onto ``row``: status, outcomes, failure reason, recipe made, notes.

    A measured result amending a measured experiment is merged: outcomes it does not give keep
    their current values (a partial file corrects some numbers, it does not erase the others).
    A result that turns measured into failed or back replaces the outcomes. Either way the
    caller keeps the previous result in the history.
    """
    merge = row.status == ExperimentStatus.MEASURED and result.status is ExperimentStatus.MEASURED
    row.status = result.status.value
    row.outcomes = {**(row.outcomes or {}), **result.outcomes} if merge else dict(result.outcomes)
    row.failure_reason = result.failure_reason
    if result.parameters_made is not None:
        row.parameters_made = dict(result.parameters_made)
    if result.notes is not None:
        row.notes = result.notes
    row.recorded_by = recorded_by
    row.updated_at = now
