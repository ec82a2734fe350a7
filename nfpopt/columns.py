"""The experiment table's own columns, which no parameter or outcome may be named after.

Here, apart from the store, so that reading a campaign file need not load SQLAlchemy.
"""

from __future__ import annotations

#: Columns of :meth:`nfpopt.store.Store.to_frame` that parameters and outcomes may not reuse.
RESERVED_NAMES = frozenset(
    {
        "experiment_id",
        "batch",
        "status",
        "source",
        "failure_reason",
        "notes",
        "recorded_by",
        "created_at",
        "updated_at",
    }
)
