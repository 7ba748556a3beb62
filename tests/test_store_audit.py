"""The audit log records who did what and exports it as JSON Lines or CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.audit_cmd import parse_since
from bot.core.model import StreamTarget, TaskRequest, Window
from bot.errors import ConfigError
from bot.lifecycle import RequestState
from bot.store import AuditAction, AuditOutcome, SqlRequestStore, open_store

S = RequestState
ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
TEXT = "/record live/stream001 明天 15:00 到 15:30 on volc"


def a_request() -> TaskRequest:
    return TaskRequest("record", "volc", StreamTarget("live", "stream001"), Window(T0, T0 + timedelta(minutes=30)))


def fill(store: SqlRequestStore, clock: list[datetime]) -> str:
    """A create that succeeded, a cancel, a failure and a denial, a day apart from the first."""
    stored = store.propose(
        request=a_request(), requester="U1", text=TEXT, timezone="Asia/Shanghai", lang="zh-CN", channel="C1"
    )
    store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED, settled_by="U1")
    store.transition(stored.id, from_states={S.CONFIRMED}, to=S.SUBMITTING)
    scheduled = store.transition(
        stored.id, from_states={S.SUBMITTING}, to=S.SCHEDULED, task_id="T-1", provider_request_id="R-1"
    )
    assert scheduled is not None
    store.audit.record_request(scheduled, action=AuditAction.CREATE, outcome=AuditOutcome.OK)
    clock[0] += timedelta(days=1)
    cancelled = store.transition(stored.id, from_states={S.SCHEDULED}, to=S.CANCELLED, settled_by="U2")
    assert cancelled is not None
    store.audit.record_request(cancelled, action=AuditAction.CANCEL, outcome=AuditOutcome.OK)
    store.audit.record(
        actor="U3",
        action=AuditAction.FAILURE,
        outcome=AuditOutcome.FAILED,
        provider="tencent",
        detail="AuthFailure: bad key",
    )
    store.audit.record(
        actor="U4",
        action=AuditAction.DENIED,
        outcome=AuditOutcome.DENIED,
        channel="C1",
        raw_text="/relay x forever",
        request=a_request(),
    )
    return stored.id


def test_events_keep_who_what_where_and_the_outcome(store_url: str) -> None:
    clock = [T0]
    store = open_store(store_url, migrate=True, clock=lambda: clock[0])
    request_id = fill(store, clock)
    create, cancel, failure, denied = store.audit.events()
    assert (create.actor, create.action, create.outcome, create.channel) == ("U1", "create", "ok", "C1")
    assert (create.request_id, create.task_id, create.provider_request_id, create.provider) == (
        request_id,
        "T-1",
        "R-1",
        "volc",
    )
    assert (
        create.raw_text == TEXT
        and create.request is not None
        and create.request["target"] == {"app": "live", "stream": "stream001"}
    )
    assert create.at == T0
    assert (cancel.actor, cancel.action) == ("U2", "cancel")  # who settled it, not who asked
    assert (failure.provider, failure.detail) == ("tencent", "AuthFailure: bad key")
    assert (denied.outcome, denied.provider) == ("denied", "volc")
    assert [e.action for e in store.audit.events(since=T0 + timedelta(hours=1))] == ["cancel", "failure", "denied"]
    assert [e.action for e in store.audit.events(request_id=request_id)] == ["create", "cancel"]
    store.engine.dispose()


def run_audit(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "bot", "audit", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )


def test_audit_command_exports_json_lines_and_csv(store_url: str) -> None:
    clock = [T0]
    store = open_store(store_url, migrate=True, clock=lambda: clock[0])
    request_id = fill(store, clock)
    store.engine.dispose()

    as_json = run_audit(store_url, "--json")
    assert as_json.returncode == 0, as_json.stderr
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [r["action"] for r in rows] == ["create", "cancel", "failure", "denied"]
    assert rows[0]["raw_text"] == TEXT and rows[0]["request_id"] == request_id and rows[0]["at"] == T0.isoformat()

    as_csv = run_audit(store_url, "--csv", "--since", "2026-11-21")
    assert as_csv.returncode == 0, as_csv.stderr
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["action"] for r in table] == ["cancel", "failure", "denied"]
    assert table[0]["task_id"] == "T-1" and json.loads(table[0]["request"])["provider"] == "volc"
    assert table[1]["request"] == "" and table[1]["channel"] == ""

    readable = run_audit(store_url)
    assert readable.returncode == 0 and f"U1 create ok volc {request_id} task T-1 in C1: {TEXT}" in readable.stdout


def test_audit_command_explains_a_since_it_cannot_read(tmp_path: Path) -> None:
    result = run_audit(f"sqlite:///{tmp_path / 'bot.sqlite3'}", "--since", "last tuesday")
    assert result.returncode == 2
    assert "'last tuesday' is not understood; use e.g. 7d" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", T0 - timedelta(days=7)),
        ("12h", T0 - timedelta(hours=12)),
        ("30m", T0 - timedelta(minutes=30)),
        ("2w", T0 - timedelta(weeks=2)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T08:00+08:00", datetime(2026, 11, 1, 0, 0, tzinfo=UTC)),
    ],
)
def test_since_accepts_ages_and_dates(text: str, expected: datetime) -> None:
    assert parse_since(text, T0) == expected


def test_since_refuses_nonsense() -> None:
    with pytest.raises(ConfigError):
        parse_since("soon", T0)


def test_raw_callback_bodies_are_blanked_after_their_time_and_the_rows_stay(store_url: str) -> None:
    clock = [datetime(2026, 10, 1, tzinfo=UTC)]
    store = open_store(store_url, migrate=True, clock=lambda: clock[0])
    body = '{"event_type":100,"file":"x.mp4"}'
    store.audit.record(actor="tencent", action=AuditAction.CALLBACK, outcome=AuditOutcome.OK, detail=body)
    store.audit.record(actor="U1", action=AuditAction.CREATE, outcome=AuditOutcome.OK, detail="kept as it is")
    clock[0] += timedelta(days=40)
    store.audit.record(actor="volc", action=AuditAction.FILE, outcome=AuditOutcome.OK, detail=body)
    assert store.audit.forget_raw_bodies(older_than=clock[0] - timedelta(days=30)) == 1
    assert store.audit.forget_raw_bodies(older_than=clock[0] - timedelta(days=30)) == 0  # once
    details = [(e.action, e.detail) for e in store.audit.events()]
    assert details == [
        ("callback", "(raw body removed after its retention period)"),
        ("create", "kept as it is"),
        ("file", body),
    ]
    store.engine.dispose()
