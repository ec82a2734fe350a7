"""Initial schema: campaigns, experiments and the outcome history.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

The schema is written out here rather than imported from ``nfpopt.store.models`` so that this
revision keeps describing the same tables when the models change later.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_STATUSES = "status IN ('proposed', 'running', 'measured', 'failed', 'abandoned')"
_SOURCES = "source IN ('proposed', 'imported')"


def _timestamp(name: str) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    """Create the three tables of schema version 1."""
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("name", name=op.f("uq_campaigns_name")),
    )
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("parameters_proposed", sa.JSON(), nullable=False),
        sa.Column("parameters_made", sa.JSON(), nullable=True),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("recorded_by", sa.String(200), nullable=True),
        sa.Column("prediction", sa.JSON(), nullable=True),
        sa.CheckConstraint(_STATUSES, name=op.f("ck_experiments_status")),
        sa.CheckConstraint(_SOURCES, name=op.f("ck_experiments_source")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_experiments_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiments")),
    )
    op.create_index(op.f("ix_experiments_campaign_id_status"), "experiments", ["campaign_id", "status"])
    op.create_table(
        "outcome_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("parameters_made", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        _timestamp("recorded_at"),
        sa.Column("recorded_by", sa.String(200), nullable=True),
        _timestamp("superseded_at"),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.id"],
            name=op.f("fk_outcome_history_experiment_id_experiments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_history")),
    )
    op.create_index(op.f("ix_outcome_history_experiment_id"), "outcome_history", ["experiment_id"])


def downgrade() -> None:
    """Drop every table (all data is lost)."""
    op.drop_index(op.f("ix_outcome_history_experiment_id"), table_name="outcome_history")
    op.drop_table("outcome_history")
    op.drop_index(op.f("ix_experiments_campaign_id_status"), table_name="experiments")
    op.drop_table("experiments")
    op.drop_table("campaigns")
