"""Recognising prior experiments imported before, so that importing a file twice does not
count the same cells twice (which would make the model twice as sure of them).

An imported row is the same experiment as a stored imported one when it has the same recipe
and the same outcomes, or the same label (``cell``, ``name`` or ``label`` column) from the same
file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from nfpopt.store import ExperimentRecord

_DIGITS = 10  # significant digits compared: a CSV round trip may change the last bits


@dataclass(frozen=True)
class Prior:
    """One row about to be imported: its recipe, outcomes and origin note."""

    recipe: Mapping[str, object]
    outcomes: Mapping[str, float]
    origin: str | None  # "imported from FILE, cell A", None for a row without a label


def _rounded(value: object) -> object:
    return float(f"{value:.{_DIGITS}g}") if isinstance(value, int | float) and not isinstance(value, bool) else value


def _content(recipe: Mapping[str, object], outcomes: Mapping[str, float]) -> tuple[object, ...]:
    return (
        tuple(sorted((name, _rounded(value)) for name, value in recipe.items())),
        tuple(sorted((name, _rounded(value)) for name, value in outcomes.items())),
    )


def already_imported(stored: Sequence[ExperimentRecord], rows: Sequence[Prior]) -> list[str | None]:
    """For each row, why it duplicates a stored imported experiment (naming its id), or None."""
    imported = [record for record in stored if record.source == "imported"]
    by_content = {_content(r.parameters_proposed, r.outcomes): r.experiment_id for r in imported}
    reasons: list[str | None] = []
    for row in rows:
        same = by_content.get(_content(row.recipe, row.outcomes))
        if same is not None:
            reasons.append(f"already imported as experiment {same} (same recipe and outcomes)")
            continue
        labelled = row.origin and next(
            (r.experiment_id for r in imported if r.notes == row.origin or r.notes.startswith(f"{row.origin}; ")),
            None,
        )
        reasons.append(f"already imported as experiment {labelled} (same label and file)" if labelled else None)
    return reasons
