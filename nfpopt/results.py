"""Reading a results table (``nfpopt record RESULTS.csv``) into validated results.

Validation happens here, before anything is written: a bad file changes nothing. Every error
names the file, the row (1-based, below the header) and the column.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nfpopt.definition import CampaignDefinition
from nfpopt.exceptions import InputDataError, SuspiciousValueWarning
from nfpopt.space.parameters import shown
from nfpopt.space.units import unit_slip

ID_COLUMN = "experiment_id"
#: Most problems one error message lists; a file with more is wrong in some systematic way.
MAX_REPORTED = 20
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


def check_columns(table: pd.DataFrame, definition: CampaignDefinition, source: str, problems: Problems) -> None:
    """Keep every problem with the headers in ``problems``: duplicated, unknown or blank
    headers, no outcome at all; a missing ``experiment_id`` stops here (no row can be read)."""
    columns = [str(c) for c in table.columns]
    duplicated = sorted({c for c in columns if columns.count(c) > 1 or re.search(r"\.\d+$", c)})
    if duplicated:
        problems.add(f"duplicated column(s) {duplicated}; keep one of each")
    if ID_COLUMN not in columns:
        problems.add(f"missing column '{ID_COLUMN}'; copy it from the proposed batch")
        problems.raise_any()
    known = set(definition.outcome_names) | set(definition.space.names) | set(definition.space.derived_names)
    known |= {ID_COLUMN, *TEXT_COLUMNS, *PROPOSAL_COLUMNS}
    for position, column in enumerate(columns, start=1):
        if column.startswith("Unnamed:") and table.iloc[:, position - 1].notna().any():
            problems.add(
                f"column {position} has no header but holds values; name it (an outcome, "
                f"'notes', ...) or delete it, so that nothing in the file is silently dropped"
            )
        elif not (column in known or column.startswith(PROPOSAL_PREFIXES) or column.startswith("Unnamed:")):
            problems.add(f"column '{column}': {_unit_hint(column, list(definition.outcome_names))}")
    if not any(c in definition.outcome_names for c in columns) and "failure_reason" not in columns:
        problems.add(f"no outcome columns; a results file needs at least one of {list(definition.outcome_names)}")


def parse_boolean(value: object, where: str) -> bool | None:
    """A true/false cell as written in a lab's table (true/false, yes/no, 1/0, y/n, t/f; any
    case); None where empty. ``where`` (file, row, column) leads the error for anything else."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputDataError(f"{where}: {shown(value)} is not true/false; write true or false")


def _number(value: object, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputDataError(f"{where}: {shown(value)} is not a number") from None
    if not math.isfinite(number):
        raise InputDataError(f"{where}: {shown(value)} is not a finite number")
    return number


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


class Problems:
    """Every problem found in one file, so that a single run reports them all (up to
    :data:`MAX_REPORTED`), each with its row and column, instead of one per run."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[str] = []

    def add(self, message: str) -> None:
        self.found.append(message.removeprefix(f"{self.source}: "))

    @contextmanager
    def collect(self) -> Iterator[None]:
        """Run a check; an :class:`InputDataError` it raises is kept instead of stopping."""
        try:
            yield
        except InputDataError as exc:
            self.add(str(exc))

    def raise_any(self) -> None:
        """Raise one error listing every problem found (one problem: that message alone)."""
        if len(self.found) == 1:
            raise InputDataError(f"{self.source}: {self.found[0]}")
        if self.found:
            total = len(self.found)
            shown = f", the first {MAX_REPORTED} shown" if total > MAX_REPORTED else ""
            listed = "\n  ".join(self.found[:MAX_REPORTED])
            raise InputDataError(
                f"{self.source}: {total} problems{shown}; nothing was stored, fix them all:\n  {listed}"
            )


def parse_results(
    table: pd.DataFrame,
    definition: CampaignDefinition,
    *,
    source: str,
    known_ids: Mapping[int, str] | None = None,
    require_objectives: bool = True,
    on_record: Mapping[int, Collection[str]] | None = None,
    row_numbers: Sequence[int] | None = None,
) -> list[ParsedResult]:
    """Validate a results table against the campaign and return one result per row.

    With ``require_objectives`` (recording a batch), a successful row must give every
    objective and outcome-constrained value; imported prior work may lack some. ``on_record``
    maps an experiment id to the outcomes its current (measured) result already holds: an
    amendment need not repeat them, since ``record --amend`` keeps what it does not give.

    ``known_ids`` maps the campaign's experiment ids to their status; when given, unknown ids
    are refused here with the row named (the store would refuse them too, without the row).
    ``row_numbers`` gives each table row's number in the user's file (default 1, 2, ...), for
    a table that is a selection of the file's rows.

    Raises:
        InputDataError: naming every problem in the file (up to :data:`MAX_REPORTED`), each
            with its row and column.
    """
    problems = Problems(source)
    check_columns(table, definition, source, problems)
    rows = _Rows(table, definition, source, problems, known_ids, require_objectives, on_record or {})
    numbers = row_numbers if row_numbers is not None else range(1, len(table) + 1)
    parsed = [
        result
        for position, row in zip(numbers, table.to_dict(orient="records"), strict=True)
        if (result := rows.parse(position, row)) is not None
    ]
    problems.raise_any()
    if not parsed:
        raise InputDataError(f"{source}: no result rows")
    return parsed


@dataclass
class _Rows:
    """Parses the rows of one results table, keeping every problem in ``problems``."""

    table: pd.DataFrame
    definition: CampaignDefinition
    source: str
    problems: Problems
    known_ids: Mapping[int, str] | None
    require_objectives: bool
    on_record: Mapping[int, Collection[str]]
    seen: dict[int, int] = field(default_factory=dict)

    @property
    def required(self) -> set[str]:
        definition = self.definition
        return {o.outcome for o in definition.objectives} | {c.outcome for c in definition.outcome_constraints}

    def parse(self, position: int, row: dict[str, object]) -> ParsedResult | None:
        """One row as a result, or None where it has a problem (kept in ``problems``)."""
        before = len(self.problems.found)
        experiment_id = self._experiment_id(position, row)
        outcomes = self._outcomes(position, row)
        failure = _text(row.get("failure_reason"))
        with self.problems.collect():
            failure = self._failure(position, outcomes, failure)
            self._complete(position, experiment_id, row, outcomes, failure)
        made = _parameters_made(row, self.table, self.definition, self.source, position, self.problems)
        if experiment_id is None or len(self.problems.found) > before:
            return None
        return ParsedResult(experiment_id, outcomes, made, failure, _text(row.get("notes")))

    def _experiment_id(self, position: int, row: dict[str, object]) -> int | None:
        where = _where(self.source, position, ID_COLUMN)
        with self.problems.collect():
            raw_id = _number(row[ID_COLUMN], where)
            if raw_id is None or raw_id != int(raw_id):
                raise InputDataError(f"{where}: {row[ID_COLUMN]!r} is not an experiment id (a whole number)")
            experiment_id = int(raw_id)
            if experiment_id in self.seen:
                raise InputDataError(
                    f"{where}: experiment {experiment_id} appears again (first on row {self.seen[experiment_id]})"
                )
            self.seen[experiment_id] = position
            if self.known_ids is not None and experiment_id not in self.known_ids:
                raise InputDataError(f"{where}: no experiment {experiment_id} in campaign '{self.definition.name}'")
            return experiment_id
        return None

    def _outcomes(self, position: int, row: dict[str, object]) -> dict[str, float | bool]:
        outcomes: dict[str, float | bool] = {}
        for spec in self.definition.outcomes:
            if spec.name not in row:
                continue
            where = _where(self.source, position, spec.name)
            with self.problems.collect():
                cell = row[spec.name]
                value = parse_boolean(cell, where) if spec.kind == "boolean" else _number(cell, where)
                problem = None if value is None or spec.kind == "boolean" else spec.check(value)
                if problem:
                    raise InputDataError(f"{where}: {problem}")
                if value is not None:
                    outcomes[spec.name] = value
        return outcomes

    def _failure(self, position: int, outcomes: dict[str, float | bool], failure: str | None) -> str | None:
        """The failure reason: the one given, or the feasibility outcome being false."""
        feasibility = self.definition.feasibility
        if not feasibility or outcomes.get(feasibility) is not False:
            return failure
        measured = sorted(name for name in self.required if name in outcomes)
        if measured:
            raise InputDataError(
                f"{_where(self.source, position, measured[0])}: {feasibility} = false, yet the row "
                f"gives {measured}; a layer that failed has no such measurement: remove the values, or set "
                f"{feasibility} = true if it did succeed"
            )
        return failure or f"{feasibility} = false"

    def _complete(
        self,
        position: int,
        experiment_id: int | None,
        row: Mapping[str, object],
        outcomes: dict[str, float | bool],
        failure: str | None,
    ) -> None:
        """A successful row gives every required outcome (or has it on record, when amending);
        a cell that holds a bad value is already reported as such."""
        if failure is not None or not self.require_objectives:
            return
        kept = self.on_record.get(experiment_id, ()) if experiment_id is not None else ()
        feasibility = self.definition.feasibility
        for name in sorted(self.required):
            if name not in outcomes and name not in kept and _text(row.get(name)) is None:
                self.problems.add(
                    f"{_where(self.source, position, name)}: a number is required for a successful "
                    f"experiment; fill it in, or give a failure_reason"
                    + (f" or {feasibility} = false" if feasibility else "")
                )


def _parameters_made(
    row: Mapping[str, object],
    table: pd.DataFrame,
    definition: CampaignDefinition,
    source: str,
    position: int,
    problems: Problems,
) -> dict[str, object] | None:
    """Parameters as actually made, if the file gives all of them (None otherwise, or where they
    have a problem, which is kept in ``problems``).

    A made recipe may lie outside the campaign's bounds (the lab deviated), but it must be
    physically possible: numbers finite, categories known, mixtures adding up.
    """
    names = list(definition.space.names)
    if not all(n in table for n in names):
        return None
    before = len(problems.found)
    for parameter in definition.space.parameters:
        where = _where(source, position, parameter.name)
        with problems.collect():
            if parameter.kind in ("continuous", "integer"):
                _number(row[parameter.name], where)  # finite number; outside the campaign's bounds is allowed
            elif parameter.check(row[parameter.name]) is not None:
                raise InputDataError(f"{where}: {parameter.check(row[parameter.name])}")
    if len(problems.found) > before:
        return None
    derived = [n for n in definition.space.derived_names if n in table]
    frame = pd.DataFrame([{name: row[name] for name in names + derived}]).infer_objects()
    implied = definition.space.with_derived(frame[names])
    for name in derived:
        where = _where(source, position, name)
        with problems.collect():
            stated, expected = _number(row[name], where), float(implied[name].iloc[0])
            if stated is not None and abs(stated - expected) > 1e-3 * max(1.0, abs(expected)):
                raise InputDataError(
                    f"{where}: {stated:g} does not complete the mixture "
                    f"(the other components imply {expected:g}); the parts must sum to the total"
                )
    for constraint in definition.space.constraints:
        if constraint.kind == "mixture" and constraint.violation(frame)[0] > 1e-6 * constraint.total:
            problems.add(
                f"{_where(source, position, constraint.components[0])}: the mixture does not add up; "
                f"{constraint.describe()} is required"
            )
    if len(problems.found) > before:
        return None
    for parameter in definition.space.parameters:
        slip = unit_slip(parameter, row[parameter.name])
        if slip:
            warnings.warn(SuspiciousValueWarning(f"{_where(source, position, parameter.name)}: {slip}"), stacklevel=4)
    return {name: _plain(row[name]) for name in names}


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") else value
