"""Seen events: Slack retries of an event are dropped by every replica, not just the one that saw it first.

Revision ID: 0003_seen_events
Revises: 0002_audit_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_seen_events"
down_revision: str | None = "0002_audit_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_events",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_seen_events_seen_at", "seen_events", ["seen_at"])


def downgrade() -> None:
    op.drop_table("seen_events")
