"""The bot's memory: requests, the audit log and scheduler jobs, in SQLite (default) or PostgreSQL.

store = open_store()                      # DATABASE_URL, else ./data/bot.sqlite3 (BOT_DATA_DIR)
stored = store.propose(request=..., requester="U123", text="/record ...", timezone="Asia/Shanghai", lang="en")
won = store.transition(stored.id, from_states={RequestState.PROPOSED}, to=RequestState.CONFIRMED,
                       settled_by="U123")    # None: someone else settled it first
store.audit.record_request(won, action=AuditAction.CREATE, outcome=AuditOutcome.OK)
store.jobs.schedule(key=f"{stored.id}:start", kind="start", due_at=..., request_id=stored.id)
store.seen.first_time("slack:Ev0123")     # False for a retried event, whichever replica handled it first
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import sqlalchemy as sa

from bot.errors import ConfigError
from bot.store.audit import AuditAction, AuditEvent, AuditLog, AuditOutcome
from bot.store.engine import create_engine, database_url, is_sqlite, normalize_url
from bot.store.events import SeenEvents
from bot.store.files import RecordedFiles
from bot.store.health import connect_problem
from bot.store.home_views import HomeSlot, HomeViews
from bot.store.jobs import Job, JobStatus, JobStore
from bot.store.requests import SqlRequestStore
from bot.store.schema import current_revision, ensure_current, head_revision, upgrade
from bot.timekeeping import Clock, utc_now

__all__ = [
    "AuditAction",
    "AuditEvent",
    "AuditLog",
    "AuditOutcome",
    "Clock",
    "HomeSlot",
    "HomeViews",
    "Job",
    "JobStatus",
    "JobStore",
    "RecordedFiles",
    "SeenEvents",
    "SqlRequestStore",
    "create_engine",
    "current_revision",
    "database_url",
    "ensure_current",
    "head_revision",
    "normalize_url",
    "open_store",
    "upgrade",
]


def open_store(
    url: str | None = None,
    *,
    env: Mapping[str, str] = os.environ,
    migrate: bool | None = None,
    clock: Clock = utc_now,
) -> SqlRequestStore:
    """Connect to the database and check its schema.

    ``url``: an SQLAlchemy URL (``sqlite:///path``, ``postgres://…``); default ``DATABASE_URL``, else an SQLite file
    in ``BOT_DATA_DIR``. ``migrate``: bring the schema up to date first; by default only for SQLite (a local
    file), while PostgreSQL must be migrated explicitly (``python -m bot migrate``, the Procfile's ``release``).
    Raises :class:`~bot.errors.ConfigError` when the schema is not current.
    """
    try:
        engine = create_engine(database_url(url, env))
    except (sa.exc.SQLAlchemyError, ValueError) as exc:  # a garbage DATABASE_URL: named, no traceback
        raise ConfigError([connect_problem(exc, env)]) from None
    try:
        if migrate if migrate is not None else is_sqlite(engine):
            upgrade(engine)
        ensure_current(engine)
    except (sa.exc.SQLAlchemyError, ValueError) as exc:  # unreachable: named, no traceback
        engine.dispose()
        raise ConfigError([connect_problem(exc, env)]) from None
    except BaseException:
        engine.dispose()
        raise
    return SqlRequestStore(engine, clock=clock)
