"""Experiments as a pandas table: one row per experiment, one column per parameter/outcome."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from nfpopt.exceptions import StoreError
from nfpopt.store.records import ExperimentRecord

if TYPE_CHECKING:
    import pandas as pd

#: Columns before the parameters, in order.
LEADING_COLUMNS = ("experiment_id", "batch", "status", "source")
#: Columns after the outcomes, in order.
TRAILING_COLUMNS = ("failure_reason", "notes", "recorded_by", "created_at", "updated_at")


def _names_in_order(mappings: Iterable[Mapping[str, object]]) -> list[str]:
    names: dict[str, None] = {}
    for mapping in mappings:
        names.update(dict.fromkeys(mapping))
    return list(names)


def experiments_frame(records: Sequence[ExperimentRecord], *, campaign: str) -> pd.DataFrame:
    """Tabulate ``records``: ids, batch, status, source, parameters, outcomes, notes, times.

    Parameter columns hold the recipe as fabricated (``parameters_made`` where recorded,
    else the proposal); a parameter or outcome an experiment lacks is missing (NaN/None).
    Columns appear in the order names were first seen; ``batch`` is a nullable integer and
    the timestamps are timezone-aware UTC.

    Raises:
        StoreError: a name is used both as a parameter and as an outcome.
    """
    import pandas as pd

    parameter_names = _names_in_order(record.parameters for record in records)
    outcome_names = _names_in_order(record.outcomes for record in records)
    clash = sorted(set(parameter_names) & set(outcome_names))
    if clash:
        raise StoreError(
            f"campaign {campaign!r} uses {clash} both as parameter and as outcome names, so "
            "they cannot share one table; read the experiments with Store.experiments()"
        )
    rows = [
        {
            "experiment_id": record.experiment_id,
            "batch": record.batch,
            "status": str(record.status),
            "source": str(record.source),
            **record.parameters,
            **record.outcomes,
            "failure_reason": record.failure_reason,
            "notes": record.notes,
            "recorded_by": record.recorded_by,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }
        for record in records
    ]
    columns = [*LEADING_COLUMNS, *parameter_names, *outcome_names, *TRAILING_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns)
    frame["experiment_id"] = frame["experiment_id"].astype("int64")
    frame["batch"] = frame["batch"].astype("Int64")
    for name in outcome_names:
        frame[name] = frame[name].astype("float64")
    for name in ("created_at", "updated_at"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame
