"""Conversions between ORM rows (inside a session) and frozen records (handed to callers).

Every mapping is copied, so a caller editing a record's dict cannot reach the session.
"""

from __future__ import annotations

import datetime as dt

from nfpopt.store.models import (
    CampaignRow,
    ExperimentRow,
    ExperimentSource,
    ExperimentStatus,
    OutcomeHistoryRow,
)
from nfpopt.store.records import CampaignRecord, ExperimentRecord, HistoryRecord


def campaign_record(row: CampaignRow) -> CampaignRecord:
    """Return a frozen copy of a campaign row."""
    return CampaignRecord(id=row.id, name=row.name, definition=row.definition, created_at=row.created_at)


def experiment_record(row: ExperimentRow) -> ExperimentRecord:
    """Return a frozen copy of an experiment row."""
    return ExperimentRecord(
        experiment_id=row.id,
        campaign_id=row.campaign_id,
        batch=row.batch,
        status=ExperimentStatus(row.status),
        source=ExperimentSource(row.source),
        parameters_proposed=dict(row.parameters_proposed),
        parameters_made=None if row.parameters_made is None else dict(row.parameters_made),
        outcomes=dict(row.outcomes),
        failure_reason=row.failure_reason,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
        recorded_by=row.recorded_by,
        prediction=None if row.prediction is None else dict(row.prediction),
    )


def history_record(row: OutcomeHistoryRow) -> HistoryRecord:
    """Return a frozen copy of an outcome-history row."""
    return HistoryRecord(
        experiment_id=row.experiment_id,
        outcomes=dict(row.outcomes),
        parameters_made=None if row.parameters_made is None else dict(row.parameters_made),
        status=ExperimentStatus(row.status),
        failure_reason=row.failure_reason,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
        superseded_at=row.superseded_at,
    )


def history_row(row: ExperimentRow, *, superseded_at: dt.datetime) -> OutcomeHistoryRow:
    """Return the history entry keeping ``row``'s current result before it is amended.

    The result was recorded when the experiment was last updated: once measured or failed,
    an experiment changes only by being amended.
    """
    return OutcomeHistoryRow(
        experiment_id=row.id,
        outcomes=dict(row.outcomes),
        parameters_made=None if row.parameters_made is None else dict(row.parameters_made),
        status=row.status,
        failure_reason=row.failure_reason,
        recorded_at=row.updated_at,
        recorded_by=row.recorded_by,
        superseded_at=superseded_at,
    )
