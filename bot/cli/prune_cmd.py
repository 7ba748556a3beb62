"""``python -m bot prune --before 180d [--yes]``: delete old history. A dry run unless ``--yes``; itself audited."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from bot.catalogue import text
from bot.cli.base import Subcommand
from bot.errors import ConfigError
from bot.store import AuditAction, AuditOutcome, open_store
from bot.store.prune import count_prunable, prune

OPERATOR = "operator"
_AGE = re.compile(r"^(\d+)\s*([dw])$")


def parse_before(value: str, now: datetime) -> datetime:
    """``180d``, ``26w`` (that long ago) or an ISO date/time (UTC unless it has an offset)."""
    age = _AGE.match(value.strip().lower())
    if age:
        days = int(age.group(1)) * (7 if age.group(2) == "w" else 1)
        return now - timedelta(days=days)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError([text("ops.prune.bad_before", "en", value=value)]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--before", required=True, help="delete history older than this: 180d, 26w or 2026-06-01")
    parser.add_argument("--yes", action="store_true", help="really delete (without it, only say what would go)")
    parser.add_argument(
        "--database-url", help="database to prune (default: $DATABASE_URL, else SQLite in $BOT_DATA_DIR)"
    )


def _run(args: argparse.Namespace) -> int:
    before = parse_before(args.before, datetime.now(UTC))
    store = open_store(args.database_url)  # a fresh SQLite file is created and migrated; PostgreSQL must be current
    moment = before.isoformat(timespec="seconds")
    try:
        if not args.yes:
            found = count_prunable(store.engine, before)
            print(text("ops.prune.dry_run", "en", requests=found.requests, events=found.audit_events, moment=moment))
            return 0
        done = prune(store.engine, before)
        summary = text("ops.prune.done", "en", requests=done.requests, events=done.audit_events, moment=moment)
        store.audit.record(actor=OPERATOR, action=AuditAction.PRUNE, outcome=AuditOutcome.OK, detail=summary)
        print(summary)
        return 0
    finally:
        store.engine.dispose()


COMMAND = Subcommand(
    name="prune",
    help="delete finished requests and audit events older than --before (a dry run unless --yes)",
    configure=_configure,
    run=_run,
)
