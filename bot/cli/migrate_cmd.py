"""``python -m bot migrate``: bring the database schema up to date (the Procfile's ``release`` step)."""

from __future__ import annotations

import argparse

from bot.cli.base import Subcommand
from bot.store import create_engine, current_revision, database_url, head_revision, upgrade
from bot.store.engine import describe


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url", help="database to migrate (default: $DATABASE_URL, else SQLite in $BOT_DATA_DIR)"
    )
    parser.add_argument(
        "--check", action="store_true", help="only report whether the schema is current (exit 1 if not)"
    )


def _run(args: argparse.Namespace) -> int:
    engine = create_engine(database_url(args.database_url))
    try:
        before, head = current_revision(engine), head_revision()
        where = describe(engine)
        if args.check:
            print(f"{where}: schema {before or '(empty)'}; this code needs {head}.")
            return 0 if before == head else 1
        if before == head:
            print(f"{where}: schema already current ({head}).")
            return 0
        reached = upgrade(engine)
        print(f"{where}: migrated from {before or '(empty)'} to {reached}.")
        return 0
    finally:
        engine.dispose()


COMMAND = Subcommand(
    name="migrate",
    help="create or upgrade the database schema (run before starting a new version)",
    configure=_configure,
    run=_run,
)
