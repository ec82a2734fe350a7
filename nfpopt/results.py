"""Reading a results table (``nfpopt record RESULTS.csv``) into validated results.

Validation happens here, before anything is written: a bad file changes nothing. Every error
names the file, the row (1-based, below the header) and the column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from nfpopt.definition import CampaignDefinition
from nfpopt.exceptions import InputDataError

ID_COLUMN = "experiment_id"
#: Columns a results file may carry besides outcomes and parameters.
TEXT_COLUMNS = ("failure_reason", "notes")
#: Annotations that ``propose`` writes; they travel through a lab's sheet and are ignored.
PROPOSAL_PREFIXES = ("predicted_", "proposal_")
PROPOSAL_COLUMNS = ("batch", "status", "p_sintered", "p_feasible", "rationale")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_UNIT_SUFFIX = re.compile(r"^(?P<stem>.+?)_(?P<unit>[a-z0-9]+)$")


@dataclass(frozen=True)
class ParsedResult:
    """One validated row: outcomes (finite numbers or bools), parameters as made, failure."""

    experiment_id: int
    outcomes: dict[str, float | bool]
    parameters_made: dict[str, object] | None
    failure_reason: str | None
    notes: str | None


def _where(source: str, row: int, column: str) -> str:
    return f"{source}: row {row}, column '{column}'"


def _unit_hint(column: str, known: list[str]) -> str:
    match = _UNIT_SUFFIX.match(column)
    if match:
        for name in known:
            other = _UNIT_SUFFIX.match(name)
            if other and other["stem"] == match["stem"] and other["unit"] != match["unit"]:
                return (
                    f"unit mismatch: this campaign records '{name}' (unit '{other['unit']}'), "
                    f"not '{match['unit']}'; convert the values and rename the column"
                )
    return f"unknown column; expected experiment_id, outcomes {known}, parameters or {list(TEXT_COLUMNS)}"


def check_columns(table: pd.DataFrame, definition: CampaignDefinition, source: str) -> None:
    """Refuse missing ``experiment_id``, duplicated headers and unknown columns."""
    columns = [str(c) for c in table.columns]
    duplicated = sorted({c for c in columns if columns.count(c) > 1 or re.search(r"\.\d+$", c)})
    if duplicated:
        raise InputDataError(f"{source}: duplicated column(s) {duplicated}; keep one of each")
    if ID_COLUMN not in columns:
        raise InputDataError(f"{source}: missing column '{ID_COLUMN}'; copy it from the proposed batch")
    known = set(definition.outcome_names) | set(definition.space.names) | set(definition.space.derived_names)
    known |= {ID_COLUMN, *TEXT_COLUMNS, *PROPOSAL_COLUMNS}
    for position, column in enumerate(columns, start=1):
        if column.startswith("Unnamed:") and table.iloc[:, position - 1].notna().any():
            raise InputDataError(
                f"{source}: column {position} has no header but holds values; name it (an outcome, "
                f"'notes', ...) or delete it, so that nothing in the file is silently dropped"
            )
        if column in known or column.startswith(PROPOSAL_PREFIXES) or column.startswith("Unnamed:"):
            continue
        raise InputDataError(f"{source}: column '{column}': {_unit_hint(column, list(definition.outcome_names))}")
    if not any(c in definition.outcome_names for c in columns) and "failure_reason" not in columns:
        raise InputDataError(
            f"{source}: no outcome columns; a results file needs at least one of {list(definition.outcome_names)}"
        )


def _boolean(value: object, where: str) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputDataError(f"{where}: {value!r} is not true/false")


def _number(value: object, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputDataError(f"{where}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise InputDataError(f"{where}: {value!r} is not a finite number")
    return number


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def parse_results(
    table: pd.DataFrame,
    definition: CampaignDefinition,
    *,
    source: str,
    known_ids: Mapping[int, str] | None = None,
    require_objectives: bool = True,
    on_record: Mapping[int, Collection[str]] | None = None,
) -> list[ParsedResult]:
    """Validate a results table against the campaign and return one result per row.

    With ``require_objectives`` (recording a batch), a successful row must give every
    objective and outcome-constrained value; imported prior work may lack some. ``on_record``
    maps an experiment id to the outcomes its current (measured) result already holds: an
    amendment need not repeat them, since ``record --amend`` keeps what it does not give.

    ``known_ids`` maps the campaign's experiment ids to their status; when given, unknown ids
    are refused here with the row named (the store would refuse them too, without the row).
    """
    check_columns(table, definition, source)
    required = {o.outcome for o in definition.objectives} | {c.outcome for c in definition.outcome_constraints}
    parsed: list[ParsedResult] = []
    seen: dict[int, int] = {}
    for position, (_, row) in enumerate(table.iterrows(), start=1):
        id_where = _where(source, position, ID_COLUMN)
        raw_id = _number(row[ID_COLUMN], id_where)
        if raw_id is None or raw_id != int(raw_id):
            raise InputDataError(f"{id_where}: {row[ID_COLUMN]!r} is not an experiment id (a whole number)")
        experiment_id = int(raw_id)
        if experiment_id in seen:
            raise InputDataError(
                f"{id_where}: experiment {experiment_id} appears again (first on row {seen[experiment_id]})"
            )
        seen[experiment_id] = position
        if known_ids is not None and experiment_id not in known_ids:
            raise InputDataError(f"{id_where}: no experiment {experiment_id} in campaign '{definition.name}'")

        outcomes: dict[str, float | bool] = {}
        for spec in definition.outcomes:
            if spec.name not in table:
                continue
            where = _where(source, position, spec.name)
            if spec.kind == "boolean":
                flag = _boolean(row[spec.name], where)
                if flag is not None:
                    outcomes[spec.name] = flag
                continue
            value = _number(row[spec.name], where)
            if value is None:
                continue
            problem = spec.check(value)
            if problem:
                raise InputDataError(f"{where}: {problem}")
            outcomes[spec.name] = value

        failure = _text(row.get("failure_reason"))
        if definition.feasibility and outcomes.get(definition.feasibility) is False:
            measured = sorted(name for name in required if name in outcomes)
            if measured:
                raise InputDataError(
                    f"{_where(source, position, measured[0])}: {definition.feasibility} = false, yet the row "
                    f"gives {measured}; a layer that failed has no such measurement: remove the values, or set "
                    f"{definition.feasibility} = true if it did succeed"
                )
            failure = failure or f"{definition.feasibility} = false"
        if failure is None and require_objectives:
            kept = (on_record or {}).get(experiment_id, ())
            for name in sorted(required):
                if name not in outcomes and name not in kept:
                    raise InputDataError(
                        f"{_where(source, position, name)}: a number is required for a successful "
                        f"experiment; fill it in, or give a failure_reason"
                        + (f" or {definition.feasibility} = false" if definition.feasibility else "")
                    )
        parsed.append(
            ParsedResult(
                experiment_id,
                outcomes,
                _parameters_made(row, table, definition, source, position),
                failure,
                _text(row.get("notes")),
            )
        )
    if not parsed:
        raise InputDataError(f"{source}: no result rows")
    return parsed


def _parameters_made(
    row: pd.Series, table: pd.DataFrame, definition: CampaignDefinition, source: str, position: int
) -> dict[str, object] | None:
    """Parameters as actually made, if the file gives all of them.

    A made recipe may lie outside the campaign's bounds (the lab deviated), but it must be
    physically possible: numbers finite, categories known, mixtures adding up.
    """
    names = definition.space.names
    if not all(n in table for n in names):
        return None
    frame = row[list(names) + [n for n in definition.space.derived_names if n in table]].to_frame().T
    frame = frame.infer_objects()
    for derived in definition.space.derived_names:
        if derived in frame:
            implied = definition.space.with_derived(frame[list(names)])[derived].astype(float).iloc[0]
            stated = _number(frame[derived].iloc[0], _where(source, position, derived))
            if stated is not None and abs(stated - implied) > 1e-3 * max(1.0, abs(implied)):
                raise InputDataError(
                    f"{_where(source, position, derived)}: {stated:g} does not complete the mixture "
                    f"(the other components imply {implied:g}); the parts must sum to the total"
                )
    for parameter in definition.space.parameters:
        where = _where(source, position, parameter.name)
        value = frame[parameter.name].iloc[0]
        if parameter.kind in ("continuous", "integer"):
            _number(value, where)  # finite number; outside the campaign's bounds is allowed
        elif parameter.check(value) is not None:
            raise InputDataError(f"{where}: {parameter.check(value)}")
    for constraint in definition.space.constraints:
        if constraint.kind == "mixture" and constraint.violation(frame)[0] > 1e-6 * constraint.total:
            raise InputDataError(
                f"{_where(source, position, constraint.components[0])}: the mixture does not add up; "
                f"{constraint.describe()} is required"
            )
    made: dict[str, object] = {}
    for name in names:
        value = frame[name].iloc[0]
        made[name] = value.item() if hasattr(value, "item") else value
    return made
