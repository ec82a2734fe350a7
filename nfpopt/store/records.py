"""Frozen records handed out by the store, and the :class:`Result` users hand in.

Records are plain frozen dataclasses holding copies of the stored values, so callers never
hold a database session. :class:`Result` is what the user hands *in*: it validates itself
on construction, so a typo is caught before any transaction starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nfpopt.exceptions import InputDataError
from nfpopt.store.models import ExperimentSource, ExperimentStatus
from nfpopt.store.validation import (
    Scalar,
    check_id,
    check_outcomes,
    check_parameters,
    check_text,
)


@dataclass(frozen=True)
class CampaignRecord:
    """A stored campaign: its name and its definition as the TOML source given."""

    id: int
    name: str
    definition: str
    created_at: dt.datetime


@dataclass(frozen=True)
class ExperimentRecord:
    """One stored experiment; ``experiment_id`` is the number users see and quote."""

    experiment_id: int
    campaign_id: int
    batch: int | None
    status: ExperimentStatus
    source: ExperimentSource
    parameters_proposed: dict[str, Scalar]
    parameters_made: dict[str, Scalar] | None
    outcomes: dict[str, float]
    failure_reason: str | None
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime
    recorded_by: str | None
    prediction: dict[str, Any] | None

    @property
    def parameters(self) -> dict[str, Scalar]:
        """The recipe as fabricated: ``parameters_made`` over ``parameters_proposed``."""
        return {**self.parameters_proposed, **(self.parameters_made or {})}


@dataclass(frozen=True)
class HistoryRecord:
    """A result that was amended later: what was recorded, when, by whom, until when."""

    experiment_id: int
    outcomes: dict[str, float]
    parameters_made: dict[str, Scalar] | None
    status: ExperimentStatus
    failure_reason: str | None
    recorded_at: dt.datetime
    recorded_by: str | None
    superseded_at: dt.datetime


@dataclass(frozen=True)
class Result:
    """A measurement to record for one experiment.

    Attributes:
        experiment_id: the id given when the experiment was proposed or imported.
        outcomes: outcome name (with unit, e.g. ``internal_resistance_ohm``) -> finite number.
        parameters_made: the recipe actually fabricated, where it differs from the proposal.
        failure_reason: set when the experiment failed; the status becomes ``failed``.
        notes: free text replacing the experiment's notes; None keeps them.
    """

    experiment_id: int
    outcomes: Mapping[str, float] = field(default_factory=dict)
    parameters_made: Mapping[str, Scalar] | None = None
    failure_reason: str | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        where = f"result for experiment_id={self.experiment_id!r}"
        object.__setattr__(self, "experiment_id", check_id(self.experiment_id, "result"))
        object.__setattr__(self, "outcomes", check_outcomes(self.outcomes, where))
        if self.parameters_made is not None:
            made = check_parameters(self.parameters_made, where, field_name="parameters_made")
            object.__setattr__(self, "parameters_made", made)
        if self.failure_reason is not None:
            check_text(self.failure_reason, "failure_reason", where, required=True)
        elif not self.outcomes:
            raise InputDataError(
                f"{where} has no outcomes and no failure_reason; give the measured outcomes, "
                "or failure_reason='...' if the experiment failed"
            )
        if self.notes is not None:
            check_text(self.notes, "notes", where)

    @property
    def status(self) -> ExperimentStatus:
        """``failed`` when a failure reason is given, else ``measured``."""
        return ExperimentStatus.FAILED if self.failure_reason else ExperimentStatus.MEASURED


def check_results(results: object) -> list[Result]:
    """Return ``results`` as a list of :class:`Result` with distinct ids, or raise."""
    if isinstance(results, Result):
        results = [results]
    if not isinstance(results, Sequence) or isinstance(results, str | bytes) or not results:
        raise InputDataError(f"results={results!r} must be a non-empty list of Result(experiment_id, outcomes)")
    seen: set[int] = set()
    for position, result in enumerate(results):
        if not isinstance(result, Result):
            raise InputDataError(
                f"results[{position}]={result!r} is not a Result; build it as "
                "Result(experiment_id=..., outcomes={...})"
            )
        if result.experiment_id in seen:
            raise InputDataError(
                f"experiment_id={result.experiment_id} appears more than once in this call; "
                "give one result per experiment (nothing was recorded)"
            )
        seen.add(result.experiment_id)
    return list(results)
