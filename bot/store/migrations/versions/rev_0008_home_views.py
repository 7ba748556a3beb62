"""Home views: who opened the App Home tab and when their tab was last published, shared by every replica, so a state
change handled by any replica redraws it (at most once per quiet interval per person across replicas).

Revision ID: 0008_home_views
Revises: 0007_recorded_files
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_home_views"
down_revision: str | None = "0007_recorded_files"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "home_views",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sees_everyone", sa.Boolean, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("publications", sa.Integer, nullable=False),
    )
    op.create_index("ix_home_views_opened_at", "home_views", ["opened_at"])


def downgrade() -> None:
    op.drop_table("home_views")
