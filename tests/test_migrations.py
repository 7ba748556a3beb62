"""Schema migrations: from an empty database, from the previous revision, and the startup check."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.core.model import StreamTarget, TaskRequest, Window
from bot.errors import ConfigError
from bot.store import AuditAction, AuditOutcome, SqlRequestStore, create_engine, ensure_current, head_revision, upgrade
from bot.store.schema import current_revision, downgrade
from bot.store.tables import metadata

ROOT = Path(__file__).resolve().parent.parent
FIRST, SECOND, THIRD = "0001_requests", "0002_audit_jobs", "0003_seen_events"
FOURTH = "0004_provider_departures"
HEAD = "0006_growth_indexes"
ALL_TABLES = {"requests", "audit_events", "jobs", "seen_events", "provider_departures"}


def tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def a_request() -> TaskRequest:
    start = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    return TaskRequest("record", "volc", StreamTarget("live", "s1"), Window(start, start + timedelta(minutes=30)))


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
    kept = SqlRequestStore(engine).propose(request=a_request(), requester="U1", text="t", timezone="UTC", lang="en")
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
    kept = old.propose(request=a_request(), requester="U1", text="t", timezone="UTC", lang="en")
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
    assert downgrade(engine, THIRD) == THIRD
    assert tables(engine) == ALL_TABLES - {"provider_departures"}
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
