"""Durable-request details below the Slack layer: the ``[bot]`` timing settings, expiry naming the configured card
lifetime, event ids seen once across store objects, a crashing provider never leaking its message, and the console's
``cancel <TaskId>``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.config import BotSettings, Config, load_config
from bot.core.model import DeviceTarget, Schedule, StreamTarget, TaskRequest, Window
from bot.errors import ConfigError, StoreUnavailable
from bot.flow import Event, Outcome, RequestFlow
from bot.flow.background import Background
from bot.flow.services import Services
from bot.lifecycle import RequestState as S
from bot.lifecycle import StoredRequest
from bot.scheduler import Scheduler
from bot.store import SqlRequestStore, open_store
from bot.store.tables import requests
from tests.fakes.providers import FakeProviders
from tests.fixtures_store import Posted, Providers, RecordingProvider, window_jobs
from tests.fixtures_store import reconcile as reconcile_submitting

ROOT = Path(__file__).resolve().parent.parent


def test_timing_settings_are_read_and_mistakes_reported_with_an_example(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text("[bot]\ncard_lifetime_hours = 2\nscheduler_interval_seconds = 0.5\n", encoding="utf-8")
    settings = load_config(config, env={}).bot
    assert (settings.card_lifetime_hours, settings.scheduler_interval_seconds) == (2.0, 0.5)
    assert settings.reconcile_after_seconds == 120.0  # the default
    config.write_text('[bot]\ncard_lifetime_hours = 0\nreconcile_after_seconds = "soon"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(config, env={})
    problems = "\n".join(refused.value.problems)
    assert "[bot] card_lifetime_hours: 0 must be a number of at least 0.01, e.g. 24" in problems
    assert "[bot] reconcile_after_seconds: 'soon' must be a number" in problems


class Outcomes:
    def __init__(self) -> None:
        self.seen: list[Outcome] = []

    def notify(self, outcome: Outcome) -> None:
        self.seen.append(outcome)


def test_an_expired_card_names_the_configured_lifetime(sqlite_store: SqlRequestStore) -> None:
    volc = RecordingProvider("volc", keeps_window=True, can_look_up=True)
    config = Config(bot=BotSettings(card_lifetime_hours=2))
    services = Services(config=config, store=sqlite_store, providers=Providers(volc))
    outcomes = Outcomes()
    flow = services.flow(outcomes)
    background = Background(services, flow)
    try:
        start = datetime.now(UTC) + timedelta(days=1)
        request = TaskRequest("record", "volc", StreamTarget("live", "x"), Window(start, start + timedelta(hours=1)))
        young = flow.propose(Schedule(request, "Asia/Shanghai"), requester="U1", text="t")
        old = flow.propose(Schedule(request, "Asia/Shanghai"), requester="U1", text="t")
        with sqlite_store.engine.begin() as connection:
            three_hours_ago = datetime.now(UTC) - timedelta(hours=3)
            connection.execute(sa.update(requests).where(requests.c.id == old.id).values(created_at=three_hours_ago))
        background.expire()
        assert [(o.event, o.request.id) for o in outcomes.seen] == [("expired", old.id)]
        note = outcomes.seen[0].note
        assert note is not None and "nobody confirmed within 2 h" in note.render("en")
        assert "2 小时内没有人确认" in note.render("zh-CN")
        assert sqlite_store.get(young.id).state is S.PROPOSED  # type: ignore[union-attr]
        assert sqlite_store.get(old.id).state is S.EXPIRED  # type: ignore[union-attr]
    finally:
        flow.close()


def test_an_event_id_is_handled_once_whichever_store_object_sees_it(store: SqlRequestStore, store_url: str) -> None:
    other = open_store(store_url, migrate=False)  # as another replica would
    try:
        assert store.seen.first_time("slack:Ev1") is True
        assert other.seen.first_time("slack:Ev1") is False
        assert store.seen.first_time("slack:Ev1") is False
        assert other.seen.first_time("slack:Ev2") is True
        assert store.seen.forget_older_than(datetime.now(UTC) + timedelta(seconds=1)) == 2
        assert other.seen.first_time("slack:Ev1") is True  # forgotten: long after Slack stopped retrying
    finally:
        other.engine.dispose()


def test_a_crashing_provider_start_is_unknown_and_its_message_never_posted(sqlite_store: SqlRequestStore) -> None:
    trro = RecordingProvider("trro", keeps_window=False, can_look_up=False)
    trro.create_error = RuntimeError("password=hunter2 in a URL")
    posted = Posted()
    windows = window_jobs(sqlite_store, Providers(trro), posted)
    start = datetime.now(UTC) - timedelta(seconds=5)
    request = TaskRequest("record", "trro", DeviceTarget("dev1", 1), Window(start, start + timedelta(hours=1)))
    stored = sqlite_store.propose(request=request, requester="U1", text="t", timezone="UTC", lang="en")
    sqlite_store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED)
    sqlite_store.transition(stored.id, from_states={S.CONFIRMED}, to=S.SUBMITTING)
    windows.keep(sqlite_store.get(stored.id))  # type: ignore[arg-type]
    Scheduler(sqlite_store.jobs, windows.handlers()).run_due()
    settled = sqlite_store.get(stored.id)
    assert settled is not None and settled.state is S.UNKNOWN
    assert posted.keys(stored.id) == ["scheduled", "unknown"]
    assert "RuntimeError" in posted.notes[1][2]
    leaked = [text for _, _, text in posted.notes] + [settled.error_message or ""]
    leaked += [e.detail or "" for e in sqlite_store.audit.events()]
    assert not any("hunter2" in text for text in leaked)


def test_the_console_cancels_by_provider_task_id(tmp_path: Path) -> None:
    with FakeProviders() as fakes:
        (tmp_path / "bot.toml").write_text(fakes.toml(), encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "BOT_DATA_DIR": str(tmp_path / "data"),
            "BOT_CONFIG": str(tmp_path / "bot.toml"),
            **fakes.env(),
        }

        def console(*lines: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "bot", "console"],
                input="".join(line + "\n" for line in lines),
                capture_output=True,
                text=True,
                cwd=tmp_path,
                env=env,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr
            return done.stdout

        console("record live/cx tomorrow 15:00 to 15:30 on volc", "y")
        (task_id,) = list(fakes.volc.tasks)
        said = console(f"cancel {task_id}")
        assert "Cancelled: live/cx" in said and task_id in said
        stops = [c.params.get("TaskId") for c in fakes.volc.calls_to("StopPullRecordTask")]
        assert stops == [task_id]
        again = console(f"cancel {task_id}")
        assert "already cancelled" in again


# --- the database failing while a provider worker saves the provider's answer ----------------------------------------


def flaky_settling(monkeypatch: pytest.MonkeyPatch, store: SqlRequestStore, failures: int) -> None:
    """The real store, but saving a provider's answer (a move out of ``submitting``) raises a real database error the
    first ``failures`` times: the database restarting while a provider worker settles the request."""
    real = store.transition
    left = [failures]

    def transition(request_id: str, *, from_states: Collection[S], to: S, **changes: Any) -> StoredRequest | None:
        if S.SUBMITTING in from_states and left[0] > 0:
            left[0] -= 1
            cause = sa.exc.OperationalError("UPDATE requests …", {}, Exception("server closed the connection"))
            raise StoreUnavailable() from cause
        return real(request_id, from_states=from_states, to=to, **changes)

    monkeypatch.setattr(store, "transition", transition)


def confirmed_volc(store: SqlRequestStore, volc: RecordingProvider, outcomes: Outcomes) -> tuple[RequestFlow, str]:
    flow = RequestFlow(store=store, providers=Providers(volc), notifier=outcomes, workers=1)
    start = datetime.now(UTC) + timedelta(hours=1)
    request = TaskRequest("record", "volc", StreamTarget("live", "db"), Window(start, start + timedelta(hours=1)))
    stored = flow.propose(Schedule(request, "UTC"), requester="U1", text="/record live/db …")
    flow.confirm(stored.id, user="U1")
    flow.drain()
    flow.close()
    return flow, stored.id


def test_a_database_error_while_saving_the_answer_is_retried(
    sqlite_store: SqlRequestStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    volc, outcomes = RecordingProvider("volc", keeps_window=True, can_look_up=True), Outcomes()
    flaky_settling(monkeypatch, sqlite_store, failures=2)
    _, request_id = confirmed_volc(sqlite_store, volc, outcomes)
    stored = sqlite_store.get(request_id)
    assert stored is not None and (stored.state, stored.task_id) == (S.SCHEDULED, "task-1")
    assert len(volc.created) == 1  # the provider is never asked twice
    assert [o.event for o in outcomes.seen] == [Event.CONFIRMED, Event.SCHEDULED]
    retried = [r.getMessage() for r in caplog.records if "saving the provider's answer failed" in r.getMessage()]
    assert len(retried) == 2 and "OperationalError" in retried[0]
    assert not any("server closed" in r.getMessage() for r in caplog.records)  # no SQL or driver text in the log


def test_a_database_that_stays_down_leaves_it_to_reconciliation_which_says_so(
    sqlite_store: SqlRequestStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    volc, outcomes = RecordingProvider("volc", keeps_window=True, can_look_up=True), Outcomes()
    flaky_settling(monkeypatch, sqlite_store, failures=100)
    _, request_id = confirmed_volc(sqlite_store, volc, outcomes)
    monkeypatch.undo()  # the database is back
    stored = sqlite_store.get(request_id)
    assert stored is not None and stored.state is S.SUBMITTING
    assert [o.event for o in outcomes.seen] == [Event.CONFIRMED]  # nothing claimed that was not saved
    (gave_up,) = [r.getMessage() for r in caplog.records if "reconciliation will settle it" in r.getMessage()]
    assert "TaskId task-1" in gave_up and "4 times" in gave_up

    volc.found = {"live/db": "task-1"}
    posted = Posted()
    (settled,) = reconcile_submitting(sqlite_store, Providers(volc), posted, now=datetime.now(UTC) + timedelta(hours=2))
    assert (settled.state, settled.task_id, len(volc.created)) == (S.RUNNING, "task-1", 1)
    assert "or its database failed" in posted.notes[0][2]
