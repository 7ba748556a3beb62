"""Many stored requests and audit events, fast: for the index tests and ``bench/growth_bench.py``.

Rows look like steady use: 50 channels, 500 people, the same traffic every day (``spacing`` apart: 1,000 a day by
default), so more rows mean a longer history, not more at once; requests older than a day have settled (nine in ten
done), newer ones are mostly scheduled or running; audit events and finished jobs spread over the same time. Inserted in batches with ``executemany`` (SQLite) or
``COPY`` (PostgreSQL), not through the store's one-row path.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.core.model import StreamTarget, TaskRequest, Window, request_to_dict
from bot.store.tables import audit_events, jobs, requests

CHANNELS = [f"C{n:04d}" for n in range(50)]
PEOPLE = [f"U{n:05d}" for n in range(500)]
BATCH = 20_000
_REQUEST = request_to_dict(
    TaskRequest(
        "record",
        "volc",
        StreamTarget("live", "s1"),
        Window(datetime(2026, 1, 1, 7, tzinfo=UTC), datetime(2026, 1, 1, 7, 30, tzinfo=UTC)),
    )
)
#: Old requests have settled; only the last two days' are still waiting, scheduled or running.
_SETTLED = ["done"] * 90 + ["failed"] * 4 + ["cancelled"] * 3 + ["expired"] * 2 + ["unknown"]
_RECENT = ["scheduled"] * 6 + ["running"] * 2 + ["proposed", "confirmed", "done", "failed"]
_RECENT_DAYS = 1
#: A busy team's traffic: 1,000 requests a day (1M rows are about three years).
PER_ROW = timedelta(days=1) / 1000


def created_at(n: int, count: int, now: datetime, spacing: timedelta = PER_ROW) -> datetime:
    """Row ``n`` of ``count``, ``spacing`` apart and ending at ``now``."""
    return now - spacing * (count + 1 - n)


def request_rows(count: int, *, now: datetime, spacing: timedelta = PER_ROW, seed: int = 7) -> Iterator[dict[str, Any]]:
    """``count`` request rows ending at ``now``; ids ``g0000001`` …, TaskIds ``task-1`` …"""
    rng = random.Random(seed)
    for n in range(1, count + 1):
        created = created_at(n, count, now, spacing)
        state = rng.choice(_RECENT if now - created < timedelta(days=_RECENT_DAYS) else _SETTLED)
        yield {
            "id": f"g{n:07d}",
            "state": state,
            "kind": "record",
            "provider": "volc",
            "request": _REQUEST,
            "window_start": created + timedelta(hours=1),
            "window_end": created + timedelta(hours=2),
            "span_end": created + timedelta(hours=2),
            "target": "live/s1",
            "requester": rng.choice(PEOPLE),
            "text": "/record live/s1 from 15:00 to 15:30 on volc",
            "timezone": "Asia/Shanghai",
            "lang": "en",
            "channel": rng.choice(CHANNELS),
            "card_channel": None,
            "card_ts": None,
            "card_response_url": None,
            "card_thread_ts": None,
            "task_id": f"task-{n}" if state in ("done", "scheduled", "cancelled") else None,
            "provider_request_id": None,
            "error_code": None,
            "error_message": None,
            "settled_by": None,
            "extra": {},
            "created_at": created,
            "updated_at": created,
        }


def audit_rows(count: int, *, now: datetime, spacing: timedelta = PER_ROW, seed: int = 11) -> Iterator[dict[str, Any]]:
    """``count`` audit events ending at ``now``, oldest first."""
    rng = random.Random(seed)
    for n in range(1, count + 1):
        yield {
            "at": created_at(n, count, now, spacing),
            "actor": rng.choice(PEOPLE),
            "action": "create",
            "outcome": "ok",
            "channel": rng.choice(CHANNELS),
            "provider": "volc",
            "request_id": f"g{rng.randint(1, max(count // 2, 1)):07d}",
            "task_id": None,
            "provider_request_id": "20261121-req",
            "raw_text": "/record live/s1 from 15:00 to 15:30 on volc",
            "request": _REQUEST,
            "detail": None,
        }


def job_rows(count: int, *, now: datetime, spacing: timedelta = PER_ROW) -> Iterator[dict[str, Any]]:
    """``count`` finished scheduler jobs (trro starts and stops) ending at ``now``."""
    for n in range(1, count + 1):
        due = created_at(n, count, now, spacing)
        yield {
            "key": f"g{n:07d}:{'start' if n % 2 else 'stop'}",
            "kind": "window.start" if n % 2 else "window.stop",
            "request_id": f"g{n:07d}",
            "due_at": due,
            "deadline_at": due + timedelta(hours=1),
            "payload": {},
            "status": "done",
            "claimed_by": "bench",
            "lease_until": None,
            "attempts": 1,
            "last_error": None,
            "created_at": due,
            "finished_at": due,
        }


def fill(
    engine: sa.Engine,
    *,
    request_count: int,
    audit_count: int = 0,
    job_count: int = 0,
    now: datetime | None = None,
    days: float | None = None,
) -> None:
    """Insert generated requests, audit events and finished jobs (each spread over ``days`` when given, else at
    1,000 requests a day), then refresh the planner's statistics."""
    now = now or datetime.now(UTC)

    def spacing(count: int, per_request: timedelta) -> timedelta:
        return timedelta(days=days) / max(count, 1) if days else per_request

    _insert(engine, requests, request_rows(request_count, now=now, spacing=spacing(request_count, PER_ROW)))
    per_event = PER_ROW * request_count / max(audit_count, 1)
    _insert(engine, audit_events, audit_rows(audit_count, now=now, spacing=spacing(audit_count, per_event)))
    per_job = PER_ROW * request_count / max(job_count, 1)
    _insert(engine, jobs, job_rows(job_count, now=now, spacing=spacing(job_count, per_job)))
    with engine.begin() as connection:
        for table in (requests, audit_events, jobs):  # these tables only: PostgreSQL would visit every schema
            connection.exec_driver_sql(f"ANALYZE {table.name}")


def _insert(engine: sa.Engine, table: sa.Table, rows: Iterator[dict[str, Any]]) -> None:
    columns = [c.name for c in table.columns if not (table is not requests and c.name == "id")]
    if engine.dialect.name == "postgresql":
        _copy(engine, table, columns, rows)
        return
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            _executemany(engine, table, batch)
            batch = []
    if batch:
        _executemany(engine, table, batch)


def _executemany(engine: sa.Engine, table: sa.Table, batch: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        connection.execute(table.insert(), batch)


def _copy(engine: sa.Engine, table: sa.Table, columns: list[str], rows: Iterator[dict[str, Any]]) -> None:
    json_columns = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])
        raw.commit()
    finally:
        raw.close()


def measured_bot(args: list[str], report: str) -> list[str]:
    """A ``python -m bot ARGS`` command line that writes its own peak memory (``VmHWM``, KiB) to ``report`` as it
    exits. Read from ``/proc/self/status`` of the new program, not ``ru_maxrss``, which on Linux keeps the high-water
    mark of the parent process it was forked from."""
    code = (
        "import atexit, runpy, sys\n"
        "def report():\n"
        "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
        f"    open({report!r}, 'w').write(hwm)\n"
        "atexit.register(report)\n"
        f"sys.argv = ['bot', *{args!r}]\n"
        "runpy.run_module('bot', run_name='__main__', alter_sys=True)\n"
    )
    return [sys.executable, "-c", code]
