"""Schema migrations: from an empty database, from the previous revision, and the startup check."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.core.model import StreamTarget, TaskRequest, Window, request_to_dict
from bot.errors import ConfigError
from bot.lifecycle import NewTask, StoredRequest, TaskState, new_request_id
from bot.lifecycle import RequestState as S
from bot.store import AuditAction, AuditOutcome, SqlRequestStore, create_engine, ensure_current, head_revision, upgrade
from bot.store.schema import current_revision, downgrade
from bot.store.tables import metadata, requests

ROOT = Path(__file__).resolve().parent.parent
FIRST, SECOND, THIRD, FOURTH = "0001_requests", "0002_audit_jobs", "0003_seen_events", "0004_provider_departures"
FIFTH = "0005_request_life"
SIXTH = "0006_growth_indexes"
SEVENTH = "0007_recorded_files"
EIGHTH = "0008_home_views"
HEAD = "0009_series_span"
ALL_TABLES = {
    "requests", "audit_events", "jobs", "seen_events", "provider_departures", "request_tasks", "recorded_files",
    "file_notices", "home_views",
}  # fmt: skip


def tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def a_request() -> TaskRequest:
    start = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    return TaskRequest("record", "volc", StreamTarget("live", "s1"), Window(start, start + timedelta(minutes=30)))


def propose_before_span(engine: sa.Engine, request: TaskRequest, **extra: Any) -> StoredRequest:
    """A proposed request written as the code before migration 0008 wrote it (no ``span_end`` column yet)."""
    now = datetime.now(UTC).replace(microsecond=0)
    stored = StoredRequest(new_request_id(), S.PROPOSED, request, "U1", "t", "UTC", "en", now, now, extra=extra)
    window = request.window
    row = {
        "id": stored.id, "state": stored.state.value, "kind": request.kind, "provider": request.provider,
        "request": request_to_dict(request), "window_start": window.start if window else None,
        "window_end": window.end if window else None, "requester": stored.requester, "text": stored.text,
        "timezone": stored.timezone, "lang": stored.lang, "extra": extra, "created_at": now, "updated_at": now,
    }  # fmt: skip
    old_requests = sa.table("requests", *(sa.column(c.name, c.type) for c in requests.c if c.name in row))
    with engine.begin() as connection:
        connection.execute(old_requests.insert().values(row))
    return stored


def test_the_newest_revision_is_the_head(store_url: str) -> None:
    assert head_revision() == HEAD


def test_upgrade_from_an_empty_database_creates_every_table(store_url: str) -> None:
    engine = create_engine(store_url)
    assert current_revision(engine) is None
    with pytest.raises(ConfigError, match="no tables yet: run `python -m bot migrate`"):
        ensure_current(engine)
    assert upgrade(engine) == HEAD
    assert tables(engine) == ALL_TABLES
    ensure_current(engine)
    engine.dispose()


def test_the_migrated_schema_matches_the_table_definitions(store_url: str) -> None:
    engine = create_engine(store_url)
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
    engine.dispose()


def test_upgrade_from_the_previous_revision_keeps_the_requests(store_url: str) -> None:
    engine = create_engine(store_url)
    assert upgrade(engine, FIRST) == FIRST
    assert tables(engine) == {"requests"}
    kept = propose_before_span(engine, a_request())
    with pytest.raises(ConfigError, match=f"at schema {FIRST}, this code needs {HEAD}: run `python -m bot migrate`"):
        ensure_current(engine)

    assert upgrade(engine) == HEAD
    store = SqlRequestStore(engine)
    assert store.get(kept.id) == kept
    store.audit.record_request(kept, action=AuditAction.CREATE, outcome=AuditOutcome.OK)
    assert [e.request_id for e in store.audit.events()] == [kept.id]
    engine.dispose()


def test_upgrade_from_the_previous_version_keeps_requests_audit_and_jobs(store_url: str) -> None:
    engine = create_engine(store_url)
    assert upgrade(engine, SECOND) == SECOND
    old = SqlRequestStore(engine)  # the previous version's tables only: no seen_events yet
    kept = propose_before_span(engine, a_request())
    old.audit.record_request(kept, action=AuditAction.CREATE, outcome=AuditOutcome.OK)
    old.jobs.schedule(key=f"{kept.id}:start", kind="window.start", due_at=kept.created_at, request_id=kept.id)
    with pytest.raises(ConfigError, match=f"at schema {SECOND}, this code needs {HEAD}"):
        ensure_current(engine)

    assert upgrade(engine) == HEAD
    store = SqlRequestStore(engine)
    assert store.get(kept.id) == kept
    assert [e.request_id for e in store.audit.events()] == [kept.id]
    assert [j.key for j in store.jobs.list_jobs(request_id=kept.id)] == [f"{kept.id}:start"]
    assert store.seen.first_time("slack:Ev1") is True
    assert store.seen.first_time("slack:Ev1") is False
    assert store.departures.book("volc:X", 0.5, 100.0) == 100.0
    engine.dispose()


def test_downgrade_to_the_previous_revision_and_back(store_url: str) -> None:
    engine = create_engine(store_url)
    upgrade(engine)
    assert downgrade(engine, EIGHTH) == EIGHTH
    assert "span_end" not in {c["name"] for c in sa.inspect(engine).get_columns("requests")}
    assert tables(engine) == ALL_TABLES
    assert downgrade(engine, SEVENTH) == SEVENTH
    assert tables(engine) == ALL_TABLES - {"home_views"}
    assert downgrade(engine, SIXTH) == SIXTH
    assert tables(engine) == ALL_TABLES - {"recorded_files", "file_notices", "home_views"}
    assert downgrade(engine, FIFTH) == FIFTH
    assert tables(engine) == ALL_TABLES - {"recorded_files", "file_notices", "home_views"}
    assert downgrade(engine, FOURTH) == FOURTH
    assert tables(engine) == ALL_TABLES - {"request_tasks", "recorded_files", "file_notices", "home_views"}
    assert downgrade(engine, THIRD) == THIRD
    assert tables(engine) == ALL_TABLES - {
        "provider_departures", "request_tasks", "recorded_files", "file_notices", "home_views",
    }  # fmt: skip
    assert downgrade(engine, SECOND) == SECOND
    assert tables(engine) == {"requests", "audit_events", "jobs"}
    assert downgrade(engine, FIRST) == FIRST
    assert tables(engine) == {"requests"}
    assert upgrade(engine) == HEAD
    assert tables(engine) == ALL_TABLES
    assert downgrade(engine, FOURTH) == FOURTH
    assert "ix_requests_task_id" not in {i["name"] for i in sa.inspect(engine).get_indexes("requests")}
    assert upgrade(engine) == HEAD
    engine.dispose()


def test_upgrading_settles_ended_windows_keeps_tasks_and_makes_provider_values_text(store_url: str) -> None:
    engine = create_engine(store_url)
    assert upgrade(engine, FOURTH) == FOURTH
    ended, ahead = a_request(), a_request()
    future = datetime.now(UTC) + timedelta(days=1)
    ahead = TaskRequest("record", "volc", StreamTarget("live", "s2"), Window(future, future + timedelta(minutes=30)))
    made = []
    for request, task in ((ended, "T-OLD"), (ahead, "T-NEW")):
        stored = propose_before_span(engine, request)
        with engine.begin() as connection:  # what the previous code stored after a create
            connection.execute(
                sa.text("UPDATE requests SET state = 'scheduled', task_id = :task WHERE id = :id"),
                {"task": task, "id": stored.id},
            )
        made.append(stored.id)

    assert upgrade(engine) == HEAD
    store = SqlRequestStore(engine)
    finished, waiting = (store.get(i) for i in made)
    assert finished is not None and finished.state is S.DONE and finished.task_id == "T-OLD"
    assert waiting is not None and waiting.state is S.SCHEDULED
    assert [(e.action, e.actor) for e in store.audit.events(request_id=finished.id)] == [("finish", "migration")]
    assert store.audit.events(request_id=waiting.id) == []
    assert [(t.task_id, t.state) for t in store.tasks_of(waiting.id)] == [("T-NEW", TaskState.ACTIVE)]
    assert [(t.task_id, t.state) for t in store.tasks_of(finished.id)] == [("T-OLD", TaskState.ENDED)]
    assert store.find("T-NEW") == waiting

    long_id = "T" * 300  # longer than the old VARCHAR(128): PostgreSQL refused it
    fresh = store.propose(request=ahead, requester="U1", text="t", timezone="UTC", lang="en")
    store.transition(fresh.id, from_states={S.PROPOSED}, to=S.CONFIRMED)
    store.transition(fresh.id, from_states={S.CONFIRMED}, to=S.SUBMITTING)
    saved = store.transition(
        fresh.id, from_states={S.SUBMITTING}, to=S.SCHEDULED, task=NewTask(long_id, "R" * 300), error_code="E" * 300
    )
    assert saved is not None and saved.task_id == long_id and store.find(long_id) == saved
    engine.dispose()


def test_upgrading_gives_each_request_its_span_end(store_url: str) -> None:
    engine = create_engine(store_url)
    assert upgrade(engine, SEVENTH) == SEVENTH
    single = propose_before_span(engine, a_request())
    permanent = propose_before_span(engine, TaskRequest("relay", "volc", StreamTarget("live", "s1"), None))
    series = {"rrule": "FREQ=DAILY;COUNT=5", "first_day": "2026-11-22", "start": "07:00:00", "end": "07:30:00",
              "end_days": 0, "timezone": "UTC"}  # fmt: skip
    planned = propose_before_span(engine, a_request(), series=series)
    unplanned = propose_before_span(engine, a_request(), series=series)
    last_end = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    SqlRequestStore(engine).jobs.schedule(key=f"{planned.id}:end", kind="window.end", due_at=last_end,
                                          request_id=planned.id)  # fmt: skip

    assert upgrade(engine) == HEAD
    with engine.connect() as connection:
        spans = dict(connection.execute(sa.select(requests.c.id, requests.c.span_end)).all())
        targets = dict(connection.execute(sa.select(requests.c.id, requests.c.target)).all())
    assert targets == {r.id: r.request.target.label() for r in (single, permanent, planned, unplanned)}
    assert targets[permanent.id] == "live/s1"
    window = a_request().window
    assert window is not None
    assert spans == {single.id: window.end, permanent.id: None, planned.id: last_end, unplanned.id: None}
    engine.dispose()


def test_a_schema_from_newer_code_is_refused(store_url: str) -> None:
    engine = create_engine(store_url)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099_future'"))
    with pytest.raises(ConfigError, match="0099_future, which this code does not know"):
        ensure_current(engine)
    engine.dispose()


def run_migrate(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot", "migrate", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )


def test_migrate_command_upgrades_once_then_reports_current(store_url: str) -> None:
    check = run_migrate(store_url, "--check")
    assert check.returncode == 1 and "(empty)" in check.stdout
    first = run_migrate(store_url)
    assert first.returncode == 0, first.stderr
    assert f"migrated from (empty) to {HEAD}" in first.stdout
    second = run_migrate(store_url)
    assert second.returncode == 0 and f"already current ({HEAD})" in second.stdout
    assert run_migrate(store_url, "--check").returncode == 0
    assert "bot:bot@" not in first.stdout + second.stdout  # the password is never printed


def test_procfile_migrates_on_release() -> None:
    lines = (ROOT / "Procfile").read_text().splitlines()
    assert "release: python -m bot migrate" in lines
