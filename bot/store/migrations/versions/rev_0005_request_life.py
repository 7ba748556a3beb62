"""The request's whole life: provider values as text, several provider tasks per request, ended windows settled.

- ``task_id``, ``provider_request_id`` and ``error_code`` become ``TEXT`` (a provider value never overflows a column);
- ``request_tasks`` keeps every provider task a request owns (a follow-on after an extend, a series occurrence);
  every request that already has a TaskId gets its row;
- requests stored as ``scheduled`` whose window has ended become ``done``, each with an audit row (before this
  revision nothing moved them on).

New states (``cancelling``, ``retried``) need no schema change, but a replica running older code cannot read them:
deploy as docs/operating.md says (migrate, then replace every replica; the old code refuses this schema at start-up).

Revision ID: 0005_request_life
Revises: 0004_provider_departures
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005_request_life"
down_revision: str | None = "0004_provider_departures"
branch_labels = None
depends_on = None

_TEXT_COLUMNS = {
    "requests": ("task_id", "provider_request_id", "error_code"),
    "audit_events": ("task_id", "provider_request_id"),
}


def upgrade() -> None:
    for table, columns in _TEXT_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.Text, existing_type=sa.String(128), existing_nullable=True)
    op.create_table(
        "request_tasks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(16), nullable=False, index=True),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("task_id", sa.Text, nullable=False),
        sa.Column("provider_request_id", sa.Text, nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_request_tasks_provider_task_id", "provider", "task_id"),
    )
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    now = datetime.now(UTC)
    stamp = now.replace(tzinfo=None) if sqlite else now
    requests = sa.table(
        "requests",
        *(sa.column(name) for name in ("id", "state", "provider", "task_id", "provider_request_id", "channel")),
        *(sa.column(name) for name in ("requester", "text", "window_start", "window_end", "created_at")),
        sa.column("updated_at"),
    )
    ended = (
        connection.execute(sa.select(requests).where(requests.c.state == "scheduled", requests.c.window_end < stamp))
        .mappings()
        .all()
    )
    if ended:
        _settle_ended(connection, requests, ended, stamp)
    _keep_tasks(connection, requests, stamp)


def _settle_ended(connection: sa.Connection, requests: sa.TableClause, ended: Any, stamp: datetime) -> None:
    """Requests stored as ``scheduled`` whose window has ended become ``done``, each with an audit row."""
    connection.execute(
        requests.update()
        .where(requests.c.id.in_([row["id"] for row in ended]), requests.c.state == "scheduled")
        .values(state="done", updated_at=stamp)
    )
    audit = sa.table("audit_events", *(sa.column(n) for n in _AUDIT_COLUMNS))
    op.bulk_insert(
        audit,
        [
            {
                "at": stamp,
                "actor": "migration",
                "action": "finish",
                "outcome": "ok",
                "channel": row["channel"],
                "provider": row["provider"],
                "request_id": row["id"],
                "task_id": row["task_id"],
                "provider_request_id": row["provider_request_id"],
                "raw_text": row["text"],
                "detail": "window ended before this upgrade: scheduled -> done",
            }
            for row in ended
        ],
    )


def _keep_tasks(connection: sa.Connection, requests: sa.TableClause, stamp: datetime) -> None:
    """Every request that has a TaskId gets its ``request_tasks`` row."""
    task_states = {"scheduled": "active", "running": "active", "unknown": "active"}
    rows = connection.execute(sa.select(requests).where(requests.c.task_id.is_not(None))).mappings().all()
    if not rows:
        return
    op.bulk_insert(
        sa.table("request_tasks", *(sa.column(n) for n in _TASK_COLUMNS)),
        [
            {
                "request_id": row["id"],
                "provider": row["provider"],
                "task_id": row["task_id"],
                "provider_request_id": row["provider_request_id"],
                "state": task_states.get(row["state"], "ended"),
                "window_start": row["window_start"],
                "window_end": row["window_end"],
                "created_at": row["created_at"],
                "updated_at": stamp,
            }
            for row in rows
        ],
    )


_TASK_COLUMNS = (
    "request_id", "provider", "task_id", "provider_request_id", "state", "window_start", "window_end", "created_at",
    "updated_at",
)  # fmt: skip
_AUDIT_COLUMNS = (
    "at", "actor", "action", "outcome", "channel", "provider", "request_id", "task_id", "provider_request_id",
    "raw_text", "detail",
)  # fmt: skip


def downgrade() -> None:
    op.drop_table("request_tasks")
    for table, columns in _TEXT_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.String(128), existing_type=sa.Text, existing_nullable=True)
