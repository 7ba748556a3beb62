"""Audit log and scheduler jobs.

Revision ID: 0002_audit_jobs
Revises: 0001_requests
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_audit_jobs"
down_revision: str | None = "0001_requests"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("provider", sa.String(16), nullable=True),
        sa.Column("request_id", sa.String(16), nullable=True),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("provider_request_id", sa.String(128), nullable=True),
        sa.Column("raw_text", sa.Text, nullable=True),
        sa.Column("request", sa.JSON, nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_request_id", "audit_events", ["request_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(128), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("request_id", sa.String(16), nullable=True),
        sa.Column("due_at", _TIME, nullable=False),
        sa.Column("deadline_at", _TIME, nullable=True),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("lease_until", _TIME, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("finished_at", _TIME, nullable=True),
    )
    op.create_index("ix_jobs_request_id", "jobs", ["request_id"])
    op.create_index("ix_jobs_status_due_at", "jobs", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("audit_events")
