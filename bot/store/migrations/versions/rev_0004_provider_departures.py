"""Provider departures: every replica paces its provider calls through one shared booking per (provider, action).

Revision ID: 0004_provider_departures
Revises: 0003_seen_events
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_provider_departures"
down_revision: str | None = "0003_seen_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_departures",
        sa.Column("key", sa.String(96), primary_key=True),
        sa.Column("next_at", sa.Double, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("provider_departures")
