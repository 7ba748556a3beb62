"""Recorded files: the files each request's recording produced (``recorded_files``), and where the "Recording ready"
message of each request lives (``file_notices``), so later files edit it instead of posting again.

Revision ID: 0007_recorded_files
Revises: 0006_growth_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_recorded_files"
down_revision: str | None = "0006_growth_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recorded_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(16), nullable=False, index=True),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("file_key", sa.String(255), nullable=False),
        sa.Column("task_id", sa.Text, nullable=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Float, nullable=True),
        sa.Column("size_bytes", sa.BigInteger, nullable=True),
        sa.Column("format", sa.String(16), nullable=True),
        sa.Column("needs_login", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("provider", "file_key", name="uq_recorded_files_provider_key"),
    )
    op.create_table(
        "file_notices",
        sa.Column("request_id", sa.String(16), primary_key=True),
        sa.Column("ts", sa.String(32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("file_notices")
    op.drop_table("recorded_files")
