"""Where the database is and how to connect to it.

``DATABASE_URL`` (the Heroku convention; ``postgres://`` is accepted) selects PostgreSQL through psycopg 3. Without
it the bot keeps an SQLite file in ``BOT_DATA_DIR`` (default ``./data``), in WAL mode with a busy timeout so several
threads and processes can share it. On a platform dyno (``DYNO`` set), whose disk is wiped on every restart, there
must be a ``DATABASE_URL`` unless ``BOT_ALLOW_EPHEMERAL_SQLITE=1``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

from bot.catalogue import text
from bot.errors import ConfigError

DEFAULT_DATA_DIR = "data"
SQLITE_FILE_NAME = "bot.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def database_url(url: str | None = None, env: Mapping[str, str] = os.environ) -> str:
    """The SQLAlchemy URL to use: ``url``, else ``DATABASE_URL``, else an SQLite file in ``BOT_DATA_DIR``
    (the directory is created if missing)."""
    chosen = url or env.get("DATABASE_URL", "").strip()
    if chosen:
        return normalize_url(chosen)
    if env.get("DYNO", "").strip() and env.get("BOT_ALLOW_EPHEMERAL_SQLITE", "").strip() != "1":
        raise ConfigError([text("ops.ephemeral_sqlite", "en")])
    directory = sqlite_path(env).parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            [text("ops.data_dir_unusable", "en", path=repr(str(directory)), reason=exc.strerror)]
        ) from exc
    return f"sqlite:///{directory / SQLITE_FILE_NAME}"


def sqlite_path(env: Mapping[str, str] = os.environ) -> Path:
    """Where the SQLite file lives when there is no ``DATABASE_URL``: ``bot.sqlite3`` in ``BOT_DATA_DIR``."""
    return Path(env.get("BOT_DATA_DIR", "").strip() or DEFAULT_DATA_DIR) / SQLITE_FILE_NAME


def normalize_url(url: str) -> str:
    """Map Heroku's ``postgres://`` and bare ``postgresql://`` to the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith(("postgresql+", "sqlite:")):
        return url
    scheme = url.split(":", 1)[0]
    raise ConfigError([f"DATABASE_URL: scheme {scheme!r} is not supported; use postgres://… or sqlite:///path"])


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url`` (already normalized), safe to share between threads."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True, future=True)
    memory = parsed.database in (None, "", ":memory:")
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if memory:
        options["poolclass"] = StaticPool  # one shared connection: for single-threaded tests only
    else:
        # SQLite has one writer at a time. Queueing threads for one connection hands it over at once; with several,
        # losing writers sleep in SQLite's busy handler (1, 2, 5 … 100 ms) and a burst of acks waits for them.
        options.update(pool_size=1, max_overflow=0, pool_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000 * 2)
    engine = sa.create_engine(url, **options)
    _make_sqlite_behave(engine, wal=not memory)
    return engine


def _make_sqlite_behave(engine: sa.Engine, *, wal: bool) -> None:
    """Let SQLAlchemy, not the sqlite3 module, decide when transactions begin; WAL and a busy timeout.

    A connection with the execution option ``immediate=True`` begins with ``BEGIN IMMEDIATE`` (takes the write lock
    up front), used by migrations and job claims.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get("immediate", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # may wait for the lock: errors wrapped like any statement
        else:  # a deferred BEGIN takes no lock and cannot fail: straight to the driver (saves ~40% of a commit)
            cursor = connection.connection.cursor()
            cursor.execute("BEGIN")
            cursor.close()


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def describe(engine: sa.Engine) -> str:
    """The database for messages and logs, password hidden."""
    return engine.url.render_as_string(hide_password=True)
