"""A cheap probe of the store, for ``/healthz`` and before accepting a new request.

An SQLite file deleted while the bot runs still answers through the connections that hold it open, and everything
written to it is lost at the next restart: so the probe checks that the file is still there, then runs ``SELECT 1``.
"""

from __future__ import annotations

import os

import sqlalchemy as sa


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
    gone = store_file_problem(engine)
    if gone is not None:
        return gone
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any failure means "not answering"; the type is enough to name it
        return f"the database does not answer ({type(exc).__name__})"
    return None


def store_file_present(engine: sa.Engine) -> bool:
    """Whether :func:`store_file_problem` finds nothing wrong."""
    return store_file_problem(engine) is None
