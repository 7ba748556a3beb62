"""Requests: the durable request lifecycle.

Revision ID: 0001_requests
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_requests"
down_revision: str | None = None
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("request", sa.JSON, nullable=False),
        sa.Column("window_start", _TIME, nullable=True),
        sa.Column("window_end", _TIME, nullable=True),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("channel", sa.String(64), nullable=True),
        sa.Column("card_channel", sa.String(64), nullable=True),
        sa.Column("card_ts", sa.String(32), nullable=True),
        sa.Column("card_response_url", sa.Text, nullable=True),
        sa.Column("card_thread_ts", sa.String(32), nullable=True),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("provider_request_id", sa.String(128), nullable=True),
        sa.Column("error_code", sa.String(128), nullable=True),
        sa.Column("error_message", sa.Text, nullable=True),
        sa.Column("settled_by", sa.String(64), nullable=True),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
    )
    op.create_index("ix_requests_state", "requests", ["state"])
    op.create_index("ix_requests_requester", "requests", ["requester"])
    op.create_index("ix_requests_channel", "requests", ["channel"])
    op.create_index("ix_requests_created_at", "requests", ["created_at"])
    op.create_index("ix_requests_provider_task_id", "requests", ["provider", "task_id"])


def downgrade() -> None:
    op.drop_table("requests")
