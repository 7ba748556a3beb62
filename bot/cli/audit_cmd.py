"""``python -m bot audit``: export the audit log (who asked for what, when, and what came of it)."""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TextIO

from bot.catalogue import text
from bot.cli.base import Subcommand
from bot.errors import ConfigError
from bot.store import AuditEvent, open_store

#: Columns of the CSV export, in order.
CSV_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "outcome",
    "channel",
    "provider",
    "request_id",
    "task_id",
    "provider_request_id",
    "raw_text",
    "request",
    "detail",
)
#: On a terminal, the export says how far it got every this many events.
PROGRESS_EVERY = 10_000
_AGO = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, now: datetime) -> datetime:
    """``7d``, ``12h``, ``30m``, ``2w`` (ago), or an ISO date/time (UTC when it has no offset)."""
    value = text.strip().lower()
    ago = _AGO.match(value)
    if ago:
        return now - timedelta(**{_UNITS[ago.group(2)]: int(ago.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(
            [f"--since: {text!r} is not understood; use e.g. 7d, 12h, 2026-11-01 or 2026-11-01T08:00+08:00"]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def write_json(events: Iterable[AuditEvent], out: TextIO) -> None:
    """One JSON object per line (JSON Lines)."""
    for event in events:
        out.write(json.dumps(event.as_dict(), ensure_ascii=False) + "\n")


def write_csv(events: Iterable[AuditEvent], out: TextIO) -> None:
    """A header row, then one row per event; the understood request as compact JSON."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for event in events:
        row = event.as_dict()
        row["request"] = json.dumps(row["request"], ensure_ascii=False) if row["request"] is not None else ""
        writer.writerow(["" if row[column] is None else row[column] for column in CSV_COLUMNS])


def write_table(events: Iterable[AuditEvent], out: TextIO) -> None:
    """Readable lines for a terminal."""
    for event in events:
        task = f" task {event.task_id}" if event.task_id else ""
        detail = f" — {event.detail}" if event.detail else ""
        out.write(
            f"{event.at.isoformat(timespec='seconds')} {event.actor} {event.action} {event.outcome} "
            f"{event.provider or '-'} {event.request_id or '-'}{task} in {event.channel or '-'}: "
            f"{event.raw_text or ''}{detail}\n"
        )


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="only events since then: 7d, 12h, 30m, or an ISO date/time")
    parser.add_argument(
        "--database-url", help="database to read (default: $DATABASE_URL, else SQLite in $BOT_DATA_DIR)"
    )
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="JSON Lines, one event per line")
    form.add_argument("--csv", action="store_true", help="CSV with a header row")


def counted(
    events: Iterable[AuditEvent], report: Callable[[int], None], every: int = PROGRESS_EVERY
) -> Iterator[AuditEvent]:
    """``events`` unchanged, calling ``report(n)`` after every ``every``-th one."""
    for count, event in enumerate(events, start=1):
        yield event
        if count % every == 0:
            report(count)


def _run(args: argparse.Namespace) -> int:
    since = parse_since(args.since, datetime.now(UTC)) if args.since else None
    store = open_store(args.database_url)  # a fresh SQLite file is created and migrated; PostgreSQL must be current
    seen = 0

    def progress(count: int) -> None:
        sys.stderr.write("\r" + text("ops.audit.progress", "en", count=f"{count:,}"))
        sys.stderr.flush()

    def tally(count: int) -> None:
        nonlocal seen
        seen = count

    write = write_json if args.json else write_csv if args.csv else write_table
    try:
        events = counted(store.audit.stream(since=since), tally, every=1)
        if sys.stderr.isatty():
            events = counted(events, progress)
        write(events, sys.stdout)
    finally:
        store.engine.dispose()
    if sys.stderr.isatty() and seen >= PROGRESS_EVERY:
        sys.stderr.write("\n")
    if seen == 0:
        when = text("ops.audit.empty_since", "en", moment=since.isoformat(timespec="seconds")) if since else ""
        print(text("ops.audit.empty", "en", since=when), file=sys.stderr)
    return 0


COMMAND = Subcommand(
    name="audit",
    help="export the audit log (--json or --csv; --since 7d)",
    configure=_configure,
    run=_run,
)
