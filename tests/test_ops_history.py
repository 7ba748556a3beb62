"""History as it grows: ``audit`` streams (flat memory, progress on a terminal, says when empty) and ``prune``
deletes only finished history, only with ``--yes``, and audits itself."""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.store import AuditAction, AuditOutcome, open_store
from bot.store.tables import audit_events, jobs, requests
from tests.growth_rows import fill, measured_bot

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.now(UTC)


def run_bot(url: str, *args: str, stderr: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_stream_pages_through_every_event_in_order_on_both_databases(store_url: str) -> None:
    store = open_store(store_url, migrate=True, clock=lambda: datetime(2026, 11, 20, tzinfo=UTC))
    for n in range(23):  # equal times: the id breaks the tie, so no page boundary loses or repeats a row
        store.audit.record(actor=f"U{n}", action=AuditAction.CREATE, outcome=AuditOutcome.OK)
    streamed = [event.actor for event in store.audit.stream(batch=5)]
    assert streamed == [event.actor for event in store.audit.events()]
    assert streamed == [f"U{n}" for n in range(23)]
    store.engine.dispose()


def test_audit_on_an_empty_log_says_so(store_url: str) -> None:
    open_store(store_url, migrate=True).engine.dispose()
    result = run_bot(store_url, "audit", "--csv", "--since", "7d")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["id,at,actor,action,outcome,channel,provider,request_id,task_id,"
                                          "provider_request_id,raw_text,request,detail"]  # fmt: skip
    assert "The audit log has no events since " in result.stderr


def test_a_long_export_streams_in_flat_memory_and_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    store = open_store(url, migrate=True)
    fill(store.engine, request_count=0, audit_count=60_000, now=NOW, days=365)
    store.engine.dispose()
    out_path, report = tmp_path / "audit.csv", tmp_path / "peak"
    leader, follower = pty.openpty()
    try:
        with out_path.open("w") as out:
            child = subprocess.Popen(
                measured_bot(["audit", "--csv", "--since", "400d"], str(report)),
                stdout=out,
                stderr=follower,
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": url},
            )
            os.close(follower)
            progress = b""
            while chunk := _read_some(leader):
                progress += chunk
            child.wait(timeout=120)
    finally:
        os.close(leader)
    assert child.returncode == 0
    assert len(list(csv.reader(io.StringIO(out_path.read_text())))) == 60_001
    assert "audit: 10,000 events written" in progress.decode() and "audit: 60,000 events written" in progress.decode()
    peak_kib = int(report.read_text())
    assert peak_kib < 120 * 1024, f"{peak_kib / 1024:.0f} MB"  # all 60k in a list: about 200 MB


def _read_some(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:  # the terminal's other end closed: the child is done
        return b""


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    store = open_store(url, migrate=True)
    fill(store.engine, request_count=0, audit_count=10_500, now=NOW, days=365)
    store.engine.dispose()
    result = run_bot(url, "audit", "--json")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 10_500
    assert result.stderr == ""


def _counts(url: str) -> tuple[int, int, int]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        found = tuple(
            connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (requests, audit_events, jobs)
        )
    engine.dispose()
    return found  # type: ignore[return-value]


def test_prune_is_a_dry_run_until_yes_keeps_live_requests_and_audits_itself(store_url: str) -> None:
    store = open_store(store_url, migrate=True)
    fill(store.engine, request_count=1000, audit_count=1000, now=NOW, days=365)
    with store.engine.begin() as connection:
        oldest = sa.select(requests.c.id).where(requests.c.state == "done").order_by(requests.c.created_at).limit(2)
        old_live, old_done = connection.execute(oldest).scalars().all()
        # a permanent relay from long ago, still running: never pruned, however old
        connection.execute(requests.update().where(requests.c.id == old_live).values(state="scheduled"))
    store.jobs.schedule(key=f"{old_done}:stop", kind="window.stop", due_at=NOW, request_id=old_done)
    store.engine.dispose()
    before = _counts(store_url)

    dry = run_bot(store_url, "prune", "--before", "180d")
    assert dry.returncode == 0, dry.stderr
    assert "Nothing was deleted; add --yes to delete them." in dry.stdout
    assert _counts(store_url) == before

    done = run_bot(store_url, "prune", "--before", "180d", "--yes")
    assert done.returncode == 0, done.stderr
    after = _counts(store_url)
    store = open_store(store_url, migrate=False)
    try:
        assert store.get(old_live) is not None  # still scheduled: never pruned, however old
        assert store.get(old_done) is None and store.jobs.list_jobs(request_id=old_done) == []
        events = store.audit.events()
        assert all(e.at >= NOW - timedelta(days=181) for e in events)
        assert events[-1].action == "prune" and events[-1].actor == "operator"
        assert events[-1].detail == done.stdout.strip()
    finally:
        store.engine.dispose()
    assert 450 < before[0] - after[0] < 507  # the 507 older than 180 days, except "unknown" ones and old_live
    assert f"Deleted {before[0] - after[0]} requests" in done.stdout
    deleted_events = before[1] - after[1] + 1  # the prune's own event was added
    assert 400 < deleted_events < 600 and f"and {deleted_events} audit events" in done.stdout
    assert before[2] - after[2] == 1


def test_prune_explains_a_before_it_cannot_read(tmp_path: Path) -> None:
    result = run_bot(f"sqlite:///{tmp_path / 'bot.sqlite3'}", "prune", "--before", "last year")
    assert result.returncode == 2
    assert "use an age such as 180d" in result.stderr
