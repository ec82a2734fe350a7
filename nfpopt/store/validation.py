"""Checks applied to data coming into the store, with messages that say what to fix.

Everything here runs before a transaction starts, so bad input never reaches the database.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from nfpopt.columns import RESERVED_NAMES
from nfpopt.exceptions import InputDataError, StoreError
from nfpopt.store.models import ExperimentSource, ExperimentStatus

#: Longest campaign name, parameter name, outcome name or ``recorded_by`` accepted.
MAX_NAME_LENGTH = 200

Scalar = float | int | str | bool
E = TypeVar("E", bound=StrEnum)


class ExperimentStateError(InputDataError, StoreError):
    """An experiment id is unknown, belongs to another campaign, or is in the wrong status.

    It is both an :class:`~nfpopt.exceptions.InputDataError` (the ids came from the user) and
    a :class:`~nfpopt.exceptions.StoreError` (the store refused the operation).
    """


def check_id(value: object, where: str) -> int:
    """Return ``value`` as an experiment id, or raise InputDataError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise InputDataError(
            f"{where}: experiment_id={value!r} is not a positive integer; use the id "
            "shown when the experiment was proposed"
        )
    return int(value)


def check_name(value: object, field_name: str, where: str) -> str:
    """Return ``value`` if it is a usable name (non-empty, not too long), else raise."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME_LENGTH:
        raise InputDataError(
            f"{where}: {field_name}={value!r} is not a usable name; give a non-empty string of "
            f"at most {MAX_NAME_LENGTH} characters"
        )
    return value


def check_text(value: object, field_name: str, where: str, *, required: bool = False) -> str:
    """Return ``value`` if it is a string (non-blank when ``required``), else raise."""
    if not isinstance(value, str) or (required and not value.strip()):
        need = "a non-empty string" if required else "a string"
        raise InputDataError(f"{where}: {field_name}={value!r} must be {need}")
    return value


def _column_name(name: object, field_name: str, where: str) -> str:
    check_name(name, f"{field_name} name", where)
    if name in RESERVED_NAMES:
        raise InputDataError(
            f"{where}: {field_name} name {name!r} is reserved for a table column; rename it "
            f"(reserved: {', '.join(sorted(RESERVED_NAMES))})"
        )
    return str(name)


_OUTCOME_FIX = "leave the outcome out, or record the experiment as failed with failure_reason"
_PARAMETER_FIX = "give the value actually used"


def check_number(value: object, label: str, where: str, *, fix: str) -> float | int:
    """Return ``value`` as a finite Python int or float (numpy scalars too), else raise.

    ``fix`` is the advice given when the value is not a finite number.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputDataError(f"{where}: {label}={value!r} is not a number; {fix}")
    number = int(value) if isinstance(value, numbers.Integral) else float(value)
    if not math.isfinite(number):
        raise InputDataError(f"{where}: {label}={value!r} is not finite (NaN and infinity cannot be stored); {fix}")
    return number


def check_outcomes(outcomes: object, where: str) -> dict[str, float | int]:
    """Return a plain copy of ``outcomes`` (name -> finite number), or raise InputDataError."""
    if not isinstance(outcomes, Mapping):
        raise InputDataError(f"{where}: outcomes={outcomes!r} must be a mapping of outcome name to number")
    return {
        _column_name(name, "outcome", where): check_number(value, f"outcome {name!r}", where, fix=_OUTCOME_FIX)
        for name, value in outcomes.items()
    }


def check_parameters(parameters: object, where: str, *, field_name: str = "parameters") -> dict[str, Scalar]:
    """Return a plain copy of a recipe (name -> number, string or bool), or raise."""
    if not isinstance(parameters, Mapping) or not parameters:
        raise InputDataError(
            f"{where}: {field_name}={parameters!r} must be a non-empty mapping of parameter name to value"
        )
    recipe: dict[str, Scalar] = {}
    for name, value in parameters.items():
        key = _column_name(name, "parameter", where)
        if isinstance(value, str | bool):
            recipe[key] = value
        else:
            recipe[key] = check_number(value, f"parameter {name!r}", where, fix=_PARAMETER_FIX)
    return recipe


def check_json(value: object, field_name: str, where: str) -> dict[str, Any]:
    """Return ``value`` if it is a mapping that JSON can store without NaN, else raise."""
    if not isinstance(value, Mapping):
        raise InputDataError(f"{where}: {field_name}={value!r} must be a mapping")
    try:
        return dict(json.loads(json.dumps(dict(value), allow_nan=False)))
    except (TypeError, ValueError) as exc:
        raise InputDataError(
            f"{where}: {field_name} cannot be stored as JSON ({exc}); use plain numbers, "
            "strings, lists and mappings, without NaN or infinity"
        ) from exc


def check_member(enum_cls: type[E], value: object, field_name: str) -> E:
    """Return ``value`` as a member of ``enum_cls``, or raise naming the allowed values."""
    if isinstance(value, str) and value in {member.value for member in enum_cls}:
        return enum_cls(value)
    allowed = ", ".join(repr(member.value) for member in enum_cls)
    raise InputDataError(f"{field_name}={value!r} is not one of {allowed}")


def check_ids(ids: object, where: str) -> list[int]:
    """Return ``ids`` as a non-empty list of distinct experiment ids, or raise."""
    if isinstance(ids, numbers.Integral) and not isinstance(ids, bool):
        ids = [ids]
    if not isinstance(ids, Iterable) or isinstance(ids, str | bytes):
        raise InputDataError(f"{where}: ids={ids!r} must be a list of experiment ids")
    checked = [check_id(value, where) for value in ids]
    if not checked:
        raise InputDataError(f"{where}: no experiment ids given; pass at least one")
    duplicates = sorted({value for value in checked if checked.count(value) > 1})
    if duplicates:
        raise InputDataError(f"{where}: experiment ids {duplicates} are given more than once")
    return checked


def _aligned(values: object, count: int, field_name: str) -> list[Any]:
    if values is None:
        return [None] * count
    if not isinstance(values, Sequence) or isinstance(values, str | bytes):
        raise InputDataError(f"{field_name}={values!r} must be a list with one entry per row")
    if len(values) != count:
        raise InputDataError(
            f"{field_name} has {len(values)} entries but rows has {count}; give one entry "
            "per row (None where a row has none)"
        )
    return list(values)


def check_new_experiments(
    rows: object,
    *,
    status: ExperimentStatus | Sequence[ExperimentStatus],
    outcomes: object = None,
    predictions: object = None,
    failure_reasons: object = None,
    notes: object = None,
) -> list[dict[str, Any]]:
    """Validate the rows given to ``Store.add_experiments``; return one column dict per row.

    ``measured`` rows need outcomes, ``failed`` rows a failure reason, and ``proposed`` or
    ``running`` rows may have neither.
    """
    if not isinstance(rows, Sequence) or isinstance(rows, str | bytes) or not rows:
        raise InputDataError(f"rows={rows!r} must be a non-empty list of recipes (parameter name -> value)")
    columns = zip(
        rows,
        _aligned(outcomes, len(rows), "outcomes"),
        _aligned(predictions, len(rows), "predictions"),
        _aligned(failure_reasons, len(rows), "failure_reasons"),
        _aligned(notes, len(rows), "notes"),
        [status] * len(rows) if isinstance(status, ExperimentStatus) else _aligned(status, len(rows), "status"),
        strict=True,
    )
    checked = []
    for index, (row, outcome, prediction, reason, note, row_status) in enumerate(columns):
        where = f"rows[{index}]"
        checked.append(
            {
                "parameters_proposed": check_parameters(row, where),
                "outcomes": check_outcomes({} if outcome is None else outcome, where),
                "prediction": None if prediction is None else check_json(prediction, "prediction", where),
                "failure_reason": None
                if reason is None
                else check_text(reason, "failure_reason", where, required=True),
                "notes": "" if note is None else check_text(note, "notes", where),
            }
        )
        _check_status_fits(checked[-1], row_status, where)
    return checked


def _check_status_fits(row: dict[str, Any], status: ExperimentStatus, where: str) -> None:
    has_outcomes, reason = bool(row["outcomes"]), row["failure_reason"]
    if status is ExperimentStatus.MEASURED and (not has_outcomes or reason is not None):
        raise InputDataError(
            f"{where}: status='measured' needs outcomes and no failure reason; give its "
            "outcomes, or add it with status='failed' and a failure reason"
        )
    if status is ExperimentStatus.FAILED and reason is None:
        raise InputDataError(f"{where}: status='failed' needs a failure reason; pass failure_reasons=[...]")
    if status in (ExperimentStatus.PROPOSED, ExperimentStatus.RUNNING) and (has_outcomes or reason is not None):
        raise InputDataError(
            f"{where}: a {status.value!r} experiment has no outcomes or failure reason yet; "
            "add it with status='measured' or 'failed' and source='imported', or record "
            "them later with Store.record()"
        )


def check_add_options(
    status: object, source: object, batch: object
) -> tuple[ExperimentStatus, ExperimentSource, int | None]:
    """Validate the status, source and batch shared by every row of one ``add_experiments``."""
    status = check_member(ExperimentStatus, status, "status")
    source = check_member(ExperimentSource, source, "source")
    if status is ExperimentStatus.ABANDONED:
        raise InputDataError(
            "status='abandoned' cannot be given to new experiments; add them and then call Store.abandon(ids, reason)"
        )
    if status in (ExperimentStatus.MEASURED, ExperimentStatus.FAILED) and (source is not ExperimentSource.IMPORTED):
        raise InputDataError(
            f"status={status.value!r} with source='proposed': only imported experiments can be "
            "added already measured or failed; pass source='imported', or add them as "
            "'proposed' and record results with Store.record()"
        )
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, numbers.Integral) or batch < 1):
        raise InputDataError(f"batch={batch!r} must be a positive integer or None")
    return status, source, None if batch is None else int(batch)
