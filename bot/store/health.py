"""A cheap probe of the store, for ``/healthz`` and before accepting a new request.

An SQLite file deleted while the bot runs still answers through the connections that hold it open, and everything
written to it is lost at the next restart: so the probe checks that the file is still there, then runs ``SELECT 1``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping

import sqlalchemy as sa

from bot.secret import remember_secret, scrub


def store_file_problem(engine: sa.Engine) -> str | None:
    """The part of :func:`store_problem` that needs no query (checked before every new request; a database that
    does not answer already fails the request's own write)."""
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if path and path != ":memory:" and not path.startswith("file:") and not os.path.exists(path):
            return "the SQLite database file is gone"
    return None


def store_problem(engine: sa.Engine) -> str | None:
    """Why the store cannot be trusted with new work right now, or None when it answers. Never the URL's password
    or a database error's text (it may carry SQL parameters): only what failed and the error's type."""
    return store_file_problem(engine) or database_problem(engine)


def database_problem(engine: sa.Engine) -> str | None:
    """Whether the database answers ``SELECT 1`` (the type of the error when not)."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure means "not answering"; the type is enough to name it
        return f"the database does not answer ({type(exc).__name__})"
    return None


def store_file_present(engine: sa.Engine) -> bool:
    """Whether :func:`store_file_problem` finds nothing wrong."""
    return store_file_problem(engine) is None


def connect_problem(exc: BaseException, env: Mapping[str, str]) -> str:
    """A start-up failure to open the store, named once with its key: the driver's first line (secrets masked),
    never a traceback, the SQL or the URL's password."""
    key = "DATABASE_URL" if env.get("DATABASE_URL", "").strip() else "BOT_DATA_DIR"
    original = getattr(exc, "orig", None) or exc
    first = (str(original).strip().splitlines() or [""])[0][:200]
    reason = f"{type(original).__name__}: {scrub(first)}" if first else type(original).__name__
    if isinstance(exc, ValueError | sa.exc.ArgumentError):
        return (
            f"{key}: not a database URL this bot can use ({reason}); use postgres://user:pass@host/db or sqlite:///path"
        )
    return f"{key}: the database did not answer ({reason})"


def remember_database_password(env: Mapping[str, str]) -> None:
    """Mask the database password wherever a driver's message might echo it."""
    url = env.get("DATABASE_URL", "").strip()
    if url:
        with contextlib.suppress(ValueError, sa.exc.ArgumentError):
            password = sa.engine.make_url(url).password
            if password:
                remember_secret(password)
