"""The campaign database schema as SQLAlchemy 2 typed ORM classes.

These classes are private to :mod:`nfpopt.store`: :class:`~nfpopt.store.Store` converts rows
into frozen records before handing them out, so no caller ever holds a session.

The schema is versioned by the alembic migrations in ``nfpopt/store/migrations/``. Any change
here needs a new migration; ``tests/store/test_contract.py`` checks that the migrated schema
and these classes agree.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

#: Constraint names follow this convention so that future migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class ExperimentStatus(enum.StrEnum):
    """Where an experiment stands in the ask -> fabricate -> measure -> record loop."""

    PROPOSED = "proposed"
    RUNNING = "running"
    MEASURED = "measured"
    FAILED = "failed"
    ABANDONED = "abandoned"


class ExperimentSource(enum.StrEnum):
    """Whether nfpopt proposed the recipe or the user imported it from earlier work."""

    PROPOSED = "proposed"
    IMPORTED = "imported"


def utc_now() -> dt.datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    PostgreSQL keeps the zone (``timestamptz``); SQLite has no zone type, so the value is
    stored as naive UTC and the zone is re-attached on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value!r} has no time zone; pass an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stamp: dt.datetime = value
        return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


def _one_of(column: str, enum_cls: type[enum.StrEnum]) -> str:
    values = ", ".join(f"'{member.value}'" for member in enum_cls)
    return f"{column} IN ({values})"


class Base(DeclarativeBase):
    """Declarative base holding the schema's metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CampaignRow(Base):
    """One optimisation campaign: its name and its definition as TOML source."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    experiments: Mapped[list[ExperimentRow]] = relationship(back_populates="campaign")


class ExperimentRow(Base):
    """One recipe: proposed or imported, then fabricated and measured (or not)."""

    __tablename__ = "experiments"
    __table_args__ = (
        CheckConstraint(_one_of("status", ExperimentStatus), name="status"),
        CheckConstraint(_one_of("source", ExperimentSource), name="source"),
        Index(None, "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    batch: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    parameters_proposed: Mapped[dict[str, Any]] = mapped_column(JSON)
    parameters_made: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outcomes: Mapped[dict[str, Any]] = mapped_column(JSON)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    prediction: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    campaign: Mapped[CampaignRow] = relationship(back_populates="experiments")
    history: Mapped[list[OutcomeHistoryRow]] = relationship(
        back_populates="experiment", order_by="OutcomeHistoryRow.id"
    )


class OutcomeHistoryRow(Base):
    """A result that was later amended: the superseded outcomes, kept for the audit trail."""

    __tablename__ = "outcome_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"), index=True)
    outcomes: Mapped[dict[str, Any]] = mapped_column(JSON)
    parameters_made: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(200))
    superseded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    experiment: Mapped[ExperimentRow] = relationship(back_populates="history")
