"""Every hot query reads an index, on SQLite and PostgreSQL: the statement the store really sends is captured and
``EXPLAIN``ed (PostgreSQL with sequential scans priced out, so the plan shows which index it would use at scale)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.core.model import StreamTarget, TaskRequest, Window
from bot.flow.overlaps import HOLDING_STATES
from bot.lifecycle import RequestState
from bot.store import SqlRequestStore
from tests.growth_rows import CHANNELS, PEOPLE, fill

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
UPCOMING = {RequestState.PROPOSED, RequestState.CONFIRMED, RequestState.SUBMITTING, RequestState.SCHEDULED}
FAILED = {RequestState.FAILED, RequestState.UNKNOWN, RequestState.MISSED}


@pytest.fixture
def grown(store: SqlRequestStore) -> SqlRequestStore:
    fill(store.engine, request_count=1500, audit_count=1500, job_count=1500, now=NOW, days=30)
    return store


@contextlib.contextmanager
def captured(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) the store sends while the block runs."""
    sent: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SET", "SELECT PG_", "EXPLAIN")):
            sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)


def plan(engine: sa.Engine, statement: str, parameters: Any) -> str:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            text = "\n".join(str(row[-1]) for row in rows)
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            text = "\n".join(str(row[0]) for row in rows)
        connection.rollback()
    return text


def full_scans(engine: sa.Engine, text: str) -> list[str]:
    """Plan lines that read a whole table or a whole index (SQLite's SCAN, with or without an index)."""
    if engine.dialect.name == "sqlite":
        return [line for line in text.splitlines() if line.startswith("SCAN")]
    return [line for line in text.splitlines() if "Seq Scan" in line]


HOT: dict[str, tuple[Callable[[SqlRequestStore], object], set[str]]] = {
    "list in a channel": (
        lambda s: s.list_requests(states=UPCOMING, channel=CHANNELS[3], limit=20),
        {"ix_requests_channel_state_created_at"},
    ),
    "recent failures in a channel": (
        lambda s: s.list_requests(states=FAILED, channel=CHANNELS[3], limit=10, since=NOW - timedelta(days=1)),
        {"ix_requests_channel_state_created_at", "ix_requests_created_at"},  # the last day's rows: either is flat
    ),
    "list mine": (
        lambda s: s.list_requests(states=UPCOMING, requester=PEOPLE[7], limit=20),
        {"ix_requests_requester_state_created_at"},
    ),
    "cancel <id>": (lambda s: s.get("g0000042"), {"sqlite_autoindex_requests_1", "requests_pkey"}),
    "cancel <unknown TaskId>": (lambda s: s.find("4a7c-no-such-task"), {"ix_requests_task_id"}),
    "outcome by provider TaskId": (
        lambda s: s.find_by_task_id("volc", "task-42"),
        {"ix_requests_provider_task_id", "ix_requests_task_id"},
    ),
    "stuck confirmed requests": (
        lambda s: s.list_requests(states={RequestState.CONFIRMED}, limit=1000),
        {"ix_requests_state_created_at"},
    ),
    "unanswered cards": (
        lambda s: s.list_requests(states={RequestState.PROPOSED}, limit=1000, before=NOW - timedelta(days=1)),
        {"ix_requests_state_created_at"},
    ),
    "jobs due": (
        lambda s: s.jobs.claim_due("w1", now=NOW - timedelta(days=400), lease=timedelta(minutes=5)),
        {"ix_jobs_status_due_at"},  # and ix_jobs_status_lease_until for expired leases
    ),
    "seen events by age": (lambda s: s.seen.forget_older_than(NOW - timedelta(days=1)), {"ix_seen_events_seen_at"}),
    "audit export since": (lambda s: s.audit.events(since=NOW - timedelta(days=30)), {"ix_audit_events_at"}),
    "files of recent requests": (
        lambda s: s.files.files_of_many(["g0000042", "g0000043"]),
        {"ix_recorded_files_request_id"},
    ),
    "overlaps of a new card": (
        lambda s: s.overlapping(
            TaskRequest("record", "volc", StreamTarget("live", "s1"), Window(NOW, NOW + timedelta(hours=1))),
            HOLDING_STATES,
        ),
        {"ix_requests_provider_kind_target_state_span_end"},
    ),
}


@pytest.mark.parametrize("query", sorted(HOT))
def test_each_hot_query_reads_its_index(grown: SqlRequestStore, query: str) -> None:
    run, indexes = HOT[query]
    with captured(grown.engine) as sent:
        run(grown)
    assert sent, "the store sent nothing"
    statement, parameters = sent[0]  # the look-up (expire_proposed then updates each card it found by id)
    text = plan(grown.engine, statement, parameters)
    assert any(index in text for index in indexes), f"{query}: {statement}\n{text}"
    assert full_scans(grown.engine, text) == [], f"{query}: {statement}\n{text}"


def test_overlaps_read_only_the_holding_rows_whose_span_reaches_the_card(grown: SqlRequestStore) -> None:
    """The span's end bounds the index range itself (not a filter after it), so a long history of the same stream
    costs nothing."""
    run, _ = HOT["overlaps of a new card"]
    with captured(grown.engine) as sent:
        run(grown)
    text = plan(grown.engine, *sent[0])
    if grown.engine.dialect.name == "sqlite":
        bounded = [line for line in text.splitlines() if line.startswith("SEARCH") and "span_end>?" in line]
    else:
        bounded = [line for line in text.splitlines() if "Index Cond" in line and "span_end >" in line]
    assert bounded, text
    assert all(
        "ix_requests_provider_kind_target_state_span_end" in line for line in text.splitlines() if "USING" in line
    )
