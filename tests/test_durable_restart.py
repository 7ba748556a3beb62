"""Restarts of the real ``serve`` process: ``kill -9`` while provider calls are under way (then a restart settles each
request by look-up, or marks it unknown and says what to check — never sending it again — and redraws its card), and
catching up after downtime (a start missed while the end is ahead starts late and says so; a window missed entirely
is reported)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.lifecycle import RequestState as S
from bot.store import SqlRequestStore, open_store
from bot.store.tables import jobs, requests
from tests.durable_support import (
    kill_hard,
    press,
    request_id_of,
    response_posts,
    server_env,
    slash,
    start_server,
    thread_texts,
    until,
    wait_state,
    wait_thread,
)
from tests.fakes.providers import FakeProviders, Fault
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import REQUESTER, unique

# Reconciliation waits this long before treating a request in ``submitting`` as abandoned (default: 2 minutes).
BOT = "[bot]\nscheduler_interval_seconds = 0.2\nreconcile_after_seconds = 4\n"


@dataclass
class Restartable:
    server: BotServer
    env: dict[str, str]
    home: Path
    store: SqlRequestStore

    def restart(self) -> None:
        self.server = start_server(self.env, self.home)


@pytest.fixture(scope="module")
def bot(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Restartable]:
    home = tmp_path_factory.mktemp("restart")
    env = server_env(home, slack_api, provider_fakes, BOT)
    config = home / "bot.toml"  # qcloud's client must not time out before the test kills the bot
    config.write_text(config.read_text().replace("timeout_seconds = 3.5", "timeout_seconds = 20"))
    server = start_server(env, home)
    running = Restartable(server, env, home, open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False))
    yield running
    running.server.stop()
    running.store.engine.dispose()


def confirm(bot: Restartable, slack_api: FakeSlack, text: str, channel: str, ts: str) -> str:
    return confirm_card(bot, slack_api, text, channel, ts)[0]


def confirm_card(bot: Restartable, slack_api: FakeSlack, text: str, channel: str, ts: str) -> tuple[str, str]:
    """Propose and confirm; returns the request id and the Confirm click's response_url token."""
    card = slash(bot.server, slack_api, text, user=REQUESTER, channel=channel)
    assert card["response_type"] == "in_channel", card
    request_id = request_id_of(card)
    token = press(bot.server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    return request_id, token


def settled_card(slack_api: FakeSlack, token: str, channel: str, ts: str) -> str:
    """The card's latest version once it left "Submitting…" (waits for it)."""

    def latest() -> str | None:
        versions = card_versions(slack_api, token, channel, ts)
        return versions[-1] if versions and "Submitting" not in versions[-1] else None

    return until(latest, what=f"card {ts} to leave 'Submitting'")


def card_versions(slack_api: FakeSlack, token: str, channel: str, ts: str) -> list[str]:
    """Every version of the card since Confirm (replaced through the click's response_url or by chat.update)."""
    replaced = [c for c in response_posts(slack_api, token) if c.params.get("replace_original")]
    updated = slack_api.calls_to("chat.update", channel=channel, ts=ts)
    return [str(c.params.get("text", "")) for c in sorted(replaced + updated, key=lambda c: c.at)]


def test_kill_9_while_submitting_then_restart_settles_by_look_up_or_unknown_never_by_sending_again(
    bot: Restartable, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CKILL")
    cases = {  # provider: (command, fake, create action, look-up possible)
        "volc": ("live/k1 tomorrow 15:00 to 15:30 on volc", provider_fakes.volc, "CreatePullRecordTask", True),
        "tencent": ("live/k2 tomorrow 9am to 11am on tencent", provider_fakes.tencent, "CreateRecordTask", True),
        "qcloud": ("8888_k3 tomorrow 8pm-10pm on qcloud", provider_fakes.qcloud, "Live_Tape_Start", False),
        "trro": ("kdev/0 now for 30m on trro", provider_fakes.trro, "CreateCloudRecording", False),
    }
    started: dict[str, tuple[str, str]] = {}
    tokens: dict[str, str] = {}
    for i, (provider, (text, fake, action, _)) in enumerate(cases.items()):
        fake.inject(Fault.delay(30), action=action)  # the provider acts, then takes its time to answer
        ts = f"18300000{i:02d}.000100"
        request_id, tokens[provider] = confirm_card(bot, slack_api, text, channel, ts)
        started[provider] = (request_id, ts)
    for provider, (_, fake, action, _) in cases.items():
        until(partial(fake.calls_to, action), what=f"the {provider} create call")
        wait_state(bot.store, started[provider][0], S.SUBMITTING)
    kill_hard(bot.server)

    bot.restart()
    for provider, (request_id, ts) in started.items():
        _, fake, action, can_look_up = cases[provider]
        said = wait_thread(slack_api, channel, ts, "restarted")
        versions = card_versions(slack_api, tokens[provider], channel, ts)
        assert versions and "Submitting" in versions[0], versions  # before the kill
        if can_look_up:
            stored = wait_state(bot.store, request_id, S.SCHEDULED)
            assert stored.task_id in fake.tasks and f"TaskId {stored.task_id}" in said
            final = settled_card(slack_api, tokens[provider], channel, ts)  # the card itself, not only the thread
            assert f"Scheduled · TaskId `{stored.task_id}`" in final, final
        else:
            assert "may or may not exist. Check the" in said
            assert wait_state(bot.store, request_id, S.UNKNOWN).task_id is None
            final = settled_card(slack_api, tokens[provider], channel, ts)
            assert "Outcome unknown" in final and "Submitting" not in final, final
        assert len(fake.calls_to(action)) == 1, provider  # nothing was sent again
        explained = [t for t in thread_texts(slack_api, channel, ts) if "restarted" in t]
        assert len(explained) == 1, provider  # one explanation in the thread, not one per redrawn card


def shift(store: SqlRequestStore, request_id: str, start: datetime, end: datetime) -> None:
    """Move a request's window (and its start/stop jobs) to ``start``–``end``: how the world looks after the bot was
    down while these times passed."""
    with store.engine.begin() as connection:
        row = connection.execute(sa.select(requests.c.request).where(requests.c.id == request_id)).scalar_one()
        moved = {**row, "start": start.isoformat(), "end": end.isoformat()}
        connection.execute(
            sa.update(requests)
            .where(requests.c.id == request_id)
            .values(request=moved, window_start=start, window_end=end)
        )
        connection.execute(
            sa.update(jobs).where(jobs.c.key == f"{request_id}:start").values(due_at=start, deadline_at=end)
        )
        connection.execute(sa.update(jobs).where(jobs.c.key == f"{request_id}:stop").values(due_at=end))


def test_after_downtime_a_missed_start_starts_late_and_a_missed_window_is_reported(
    bot: Restartable, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CDOWN")
    late_ts, missed_ts = "1830000101.000100", "1830000102.000100"
    late = confirm(bot, slack_api, "latedev/0 tomorrow 15:00 to 16:00 on trro", channel, late_ts)
    missed = confirm(bot, slack_api, "misseddev/0 tomorrow 17:00 to 18:00 on trro", channel, missed_ts)
    for request_id, ts in ((late, late_ts), (missed, missed_ts)):
        wait_thread(slack_api, channel, ts, "the bot will start the task")
        wait_state(bot.store, request_id, S.SCHEDULED)
    bot.server.stop()

    now = datetime.now(UTC).replace(microsecond=0)
    shift(bot.store, late, now - timedelta(minutes=10), now + timedelta(minutes=50))
    shift(bot.store, missed, now - timedelta(hours=2), now - timedelta(hours=1))
    bot.restart()

    said = wait_thread(slack_api, channel, late_ts, "Recording started")
    running = wait_state(bot.store, late, S.RUNNING)
    assert "10 min late" in said and f"TaskId {running.task_id}" in said
    assert "Missed: the bot was not running" in wait_thread(slack_api, channel, missed_ts, "Missed")
    wait_state(bot.store, missed, S.MISSED)
    creates = [json.dumps(c.params) for c in provider_fakes.trro.calls_to("CreateCloudRecording")]
    assert [c for c in creates if "latedev" in c] != [] and len([c for c in creates if "latedev" in c]) == 1
    assert [c for c in creates if "misseddev" in c] == []
    # a button from before the restart still works: stop the late recording from its thread
    press(bot.server, slack_api, "task_cancel", late, user=REQUESTER, channel=channel, message_ts=late_ts)
    assert f"cancelled TaskId `{running.task_id}`" in wait_thread(slack_api, channel, late_ts, "cancelled")
    deletes = [c for c in provider_fakes.trro.calls_to("DeleteCloudRecording") if str(running.task_id) in str(c.params)]
    assert len(deletes) == 1


def test_kill_9_during_a_slow_stop_then_restart_finishes_the_cancel_and_says_so(
    bot: Restartable, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel, ts = unique("CSTOPKILL"), "1830000201.000100"
    request_id, token = confirm_card(bot, slack_api, "live/stopkill tomorrow 15:00 to 15:30 on volc", channel, ts)
    task_id = wait_state(bot.store, request_id, S.SCHEDULED).task_id
    provider_fakes.volc.inject(Fault.delay(30), action="StopPullRecordTask")  # stops it, then takes its time
    press(bot.server, slack_api, "task_cancel", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    wait_state(bot.store, request_id, S.CANCELLING)  # saved before the provider's stop call
    until(
        lambda: [c for c in provider_fakes.volc.calls_to("StopPullRecordTask") if c.params.get("TaskId") == task_id],
        what="the stop call",
    )
    kill_hard(bot.server)
    assert bot.store.get(request_id).state is S.CANCELLING  # type: ignore[union-attr]

    bot.restart()
    cancelled = wait_state(bot.store, request_id, S.CANCELLED)
    assert cancelled.settled_by == REQUESTER
    said = wait_thread(slack_api, channel, ts, "cancelled TaskId")
    assert f"<@{REQUESTER}> cancelled TaskId `{task_id}`" in said
    final = until(lambda: _latest_with(card_versions(slack_api, token, channel, ts), "Cancelled by"),
                  what="the card to say cancelled")  # fmt: skip
    assert f"Cancelled by <@{REQUESTER}>" in final
    creates = [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == "stopkill"]
    assert len(creates) == 1  # no second task


def test_a_window_that_ends_is_finished_on_the_card_told_to_the_requester_and_gone_from_the_list(
    bot: Restartable, slack_api: FakeSlack
) -> None:
    channel, ts = unique("CEND"), "1830000301.000100"
    request_id, token = confirm_card(bot, slack_api, "live/ends tomorrow 15:00 to 15:30 on volc", channel, ts)
    wait_state(bot.store, request_id, S.SCHEDULED)
    listed = slash(bot.server, slack_api, "list", user=REQUESTER, channel=channel)
    assert _list_buttons(listed) == [("list_cancel", request_id)], listed
    now = datetime.now(UTC)
    with bot.store.engine.begin() as connection:  # time passes: the window began and ended
        connection.execute(sa.update(jobs).where(jobs.c.key == f"{request_id}:begin").values(due_at=now))
        connection.execute(sa.update(jobs).where(jobs.c.key == f"{request_id}:end").values(due_at=now))
    wait_state(bot.store, request_id, S.DONE)
    finished = wait_thread(slack_api, channel, ts, "Finished:")
    assert finished.rstrip().endswith(f"<@{REQUESTER}>") and "live/ends" in finished
    final = until(lambda: _latest_with(card_versions(slack_api, token, channel, ts), "Finished"),
                  what="the card to say finished")  # fmt: skip
    assert "Finished 15:30" in final
    after = slash(bot.server, slack_api, "list", user=REQUESTER, channel=channel)
    assert _list_buttons(after) == []  # nothing to cancel: it is over
    assert "Recent outcomes, last 24 h (1)" in json.dumps(after, ensure_ascii=False)
    posted = [c.shown for c in slack_api.calls if c.params.get("channel") == channel]
    assert posted and not any("&lt;@" in shown for shown in posted)  # mentions are real, never escaped


def _latest_with(versions: list[str], needle: str) -> str | None:
    """The card's latest version when it says ``needle``."""
    return versions[-1] if versions and needle in versions[-1] else None


def _list_buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (block["accessory"]["action_id"], block["accessory"]["value"])
        for block in message.get("blocks", [])
        if "accessory" in block
    ]


def _due_now(store: SqlRequestStore, *keys: str) -> None:
    with store.engine.begin() as connection:  # time passes: these jobs fall due
        for key in keys:
            connection.execute(sa.update(jobs).where(jobs.c.key == key).values(due_at=datetime.now(UTC)))


def test_when_the_provider_disagrees_the_thread_says_so(
    bot: Restartable, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CDISAGREE")
    never_ts, early_ts = "1830000401.000100", "1830000402.000100"
    never = confirm(bot, slack_api, "live/never tomorrow 15:00 to 15:30 on volc", channel, never_ts)
    early = confirm(bot, slack_api, "live/early tomorrow 16:00 to 16:30 on volc", channel, early_ts)
    never_task = wait_state(bot.store, never, S.SCHEDULED).task_id
    early_task = wait_state(bot.store, early, S.SCHEDULED).task_id
    provider_fakes.volc.tasks[str(never_task)]["Status"] = "停用"  # stopped in the console before it began
    _due_now(bot.store, f"{never}:begin")
    said = wait_thread(slack_api, channel, never_ts, "was stopped before its window began")
    assert said.rstrip().endswith(f"<@{REQUESTER}>")
    assert wait_state(bot.store, never, S.FAILED).error_code == "ProviderStopped"

    _due_now(bot.store, f"{early}:begin")
    wait_state(bot.store, early, S.RUNNING)
    provider_fakes.volc.tasks[str(early_task)]["Status"] = "停用"  # stopped in the console while it ran
    _due_now(bot.store, f"{early}:end")
    assert "stopped before its end" in wait_thread(slack_api, channel, early_ts, "stopped before its end")
    wait_state(bot.store, early, S.DONE)
