"""Versioned schema migrations (Alembic, configured in code: the scripts live in ``bot/store/migrations``).

:func:`upgrade` brings a database to the newest revision (``python -m bot migrate``); :func:`ensure_current` is the
startup check that refuses to run against a schema that is behind or ahead of this code.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.errors import ConfigError
from bot.store.engine import describe

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Arbitrary constant key for PostgreSQL's advisory lock, so two ``release`` commands never migrate at once.
_PG_MIGRATION_LOCK = 0x6C_72_62_6D  # "lrbm"


def alembic_config(connection: sa.Connection | None = None) -> AlembicConfig:
    """An Alembic configuration without any ini file; ``connection`` is handed to ``migrations/env.py``."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "no migration scripts found"
    return head


def current_revision(engine: sa.Engine) -> str | None:
    """The database's revision, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> str | None:
    """Apply every migration up to ``revision`` in one transaction; returns the revision reached."""
    with engine.connect().execution_options(immediate=True) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        command.upgrade(alembic_config(connection), revision)
    return current_revision(engine)


def downgrade(engine: sa.Engine, revision: str) -> str | None:
    """Step back to ``revision`` (for tests and emergencies)."""
    with engine.connect().execution_options(immediate=True) as connection, connection.begin():
        command.downgrade(alembic_config(connection), revision)
    return current_revision(engine)


def ensure_current(engine: sa.Engine) -> None:
    """Raise :class:`~bot.errors.ConfigError` unless the database is at this code's newest revision."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    where = describe(engine)
    if current is None:
        problem = f"database {where} has no tables yet: run `python -m bot migrate`"
    elif _is_known(current):
        problem = f"database {where} is at schema {current}, this code needs {head}: run `python -m bot migrate`"
    else:
        problem = (
            f"database {where} is at schema {current}, which this code does not know "
            f"(newer code migrated it?); deploy the newer code or restore a matching database"
        )
    raise ConfigError([problem])


def _is_known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for unknown revisions
        return False
