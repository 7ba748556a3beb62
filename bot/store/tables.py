"""The tables, as SQLAlchemy Core metadata. The migrations in :mod:`bot.store.migrations` create exactly these.

Times are stored in UTC and always come back timezone-aware (SQLite keeps no offset, so :class:`UtcDateTime` adds it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; naive values are refused rather than guessed."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass a timezone-aware one")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

requests = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("request", sa.JSON, nullable=False),  # bot.core.model.request_to_dict
    sa.Column("window_start", UtcDateTime, nullable=True),
    sa.Column("window_end", UtcDateTime, nullable=True),
    # The end of the last window the request may hold: its window's end, a series' last occurrence's end; NULL for
    # one until cancelled (and a series stored before migration 0008). Overlaps find their candidates by it.
    sa.Column("span_end", UtcDateTime, nullable=True),
    # The target's label (``live/stream001``, ``device01/0``, ``8888_x``): overlaps read one stream's requests.
    sa.Column("target", sa.String(300), nullable=True),
    sa.Column("requester", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("channel", sa.String(64), nullable=True),
    sa.Column("card_channel", sa.String(64), nullable=True),
    sa.Column("card_ts", sa.String(32), nullable=True),
    sa.Column("card_response_url", sa.Text, nullable=True),
    sa.Column("card_thread_ts", sa.String(32), nullable=True),
    # Provider values are text of any length: a TaskId or code longer than expected must never fail a save.
    sa.Column("task_id", sa.Text, nullable=True),  # the newest provider task (every task: request_tasks)
    sa.Column("provider_request_id", sa.Text, nullable=True),
    sa.Column("error_code", sa.Text, nullable=True),
    sa.Column("error_message", sa.Text, nullable=True),
    sa.Column("settled_by", sa.String(64), nullable=True),
    sa.Column("extra", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_requests_provider_task_id", "provider", "task_id"),
    # The hot queries' own orders (migration 0006): list by channel or requester, sweeps by state, cancel by TaskId.
    sa.Index("ix_requests_channel_state_created_at", "channel", "state", "created_at"),
    sa.Index("ix_requests_requester_state_created_at", "requester", "state", "created_at"),
    sa.Index("ix_requests_state_created_at", "state", "created_at"),
    sa.Index("ix_requests_task_id", "task_id"),
    sa.Index(  # overlaps before Confirm (migration 0009)
        "ix_requests_provider_kind_target_state_span_end", "provider", "kind", "target", "state", "span_end"
    ),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),  # create | cancel | failure | confirm | expire | ...
    sa.Column("outcome", sa.String(32), nullable=False),  # ok | failed | unknown | denied | missed
    sa.Column("channel", sa.String(64), nullable=True),
    sa.Column("provider", sa.String(16), nullable=True),
    sa.Column("request_id", sa.String(16), nullable=True, index=True),
    sa.Column("task_id", sa.Text, nullable=True),
    sa.Column("provider_request_id", sa.Text, nullable=True),
    sa.Column("raw_text", sa.Text, nullable=True),
    sa.Column("request", sa.JSON, nullable=True),  # the understood request (request_to_dict)
    sa.Column("detail", sa.Text, nullable=True),  # error code and message, or a note
)

request_tasks = sa.Table(
    "request_tasks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(16), nullable=False, index=True),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("task_id", sa.Text, nullable=False),
    sa.Column("provider_request_id", sa.Text, nullable=True),
    sa.Column("state", sa.String(16), nullable=False),  # bot.lifecycle.TaskState
    sa.Column("window_start", UtcDateTime, nullable=True),
    sa.Column("window_end", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_request_tasks_provider_task_id", "provider", "task_id"),
    sa.Index("ix_request_tasks_task_id", "task_id"),  # cancel by any task's TaskId (migration 0006)
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(128), nullable=False, unique=True),  # e.g. "r4kq2mz:start": scheduling is idempotent
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("request_id", sa.String(16), nullable=True, index=True),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("deadline_at", UtcDateTime, nullable=True),  # past this the job is missed, not run late
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("lease_until", UtcDateTime, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Index("ix_jobs_status_due_at", "status", "due_at"),
    sa.Index("ix_jobs_status_lease_until", "status", "lease_until"),  # expired leases (migration 0006)
)

seen_events = sa.Table(
    "seen_events",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),  # e.g. "slack:Ev0123": a delivery handled once, by any replica
    sa.Column("seen_at", UtcDateTime, nullable=False, index=True),
)

provider_departures = sa.Table(
    "provider_departures",
    metadata,
    sa.Column("key", sa.String(96), primary_key=True),  # "volc:CreatePullRecordTask": one pace shared by every replica
    sa.Column("next_at", sa.Double, nullable=False),  # wall-clock seconds: the earliest moment the next call may leave
)

recorded_files = sa.Table(
    "recorded_files",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(16), nullable=False, index=True),
    sa.Column("provider", sa.String(16), nullable=False),
    sa.Column("file_key", sa.String(255), nullable=False),  # the provider's file id or path: a file is kept once
    sa.Column("task_id", sa.Text, nullable=True),
    sa.Column("url", sa.Text, nullable=True),
    sa.Column("started_at", UtcDateTime, nullable=True),
    sa.Column("ended_at", UtcDateTime, nullable=True),
    sa.Column("duration_seconds", sa.Float, nullable=True),
    sa.Column("size_bytes", sa.BigInteger, nullable=True),
    sa.Column("format", sa.String(16), nullable=True),
    sa.Column("needs_login", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("provider", "file_key", name="uq_recorded_files_provider_key"),
)

file_notices = sa.Table(
    "file_notices",
    metadata,
    sa.Column("request_id", sa.String(16), primary_key=True),  # one "Recording ready" message per request
    sa.Column("ts", sa.String(32), nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

home_views = sa.Table(
    "home_views",
    metadata,
    sa.Column("user_id", sa.String(64), primary_key=True),  # a person who opened the App Home tab
    sa.Column("opened_at", UtcDateTime, nullable=False, index=True),  # openers unseen for long are forgotten
    sa.Column("sees_everyone", sa.Boolean, nullable=False),  # their tab shows the whole workspace (cancel_any)
    sa.Column("published_at", UtcDateTime, nullable=True),  # when the last publication slot was claimed
    sa.Column("publications", sa.Integer, nullable=False),  # how many slots were claimed: a trailing redraw's guard
)
