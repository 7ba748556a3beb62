"""Punctual windows end to end, through one real ``serve`` process: 20 trro windows starting together in one channel
with a slow provider (0.2 s) and a slow Slack (0.3 s) — every create reaches the fake provider by the start, every
note is posted, and the fake Slack (one message per second per channel, scaled up here) never answers 429. A "now"
request wakes the scheduler at once, though it sleeps a minute between passes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.lifecycle import RequestState as S
from bot.store import SqlRequestStore, open_store
from bot.store.tables import jobs
from tests.durable_support import press, request_id_of, server_env, slash, start_server, until, wait_state
from tests.fakes.providers import FakeProviders, Fault
from tests.fakes.slack import ChannelPace, FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import REQUESTER

WINDOWS = 20
#: Slack's pace, four times faster so the test is quick; the bot is told the same pace (SLACK_CHANNEL_PACE).
PACE = ChannelPace(per_second=4.0, burst=3)
#: The scheduler sleeps up to a minute between passes: only its wake-up and its own plan make it on time.
BOT = "[bot]\nscheduler_interval_seconds = 60\n"


@dataclass
class World:
    server: BotServer
    store: SqlRequestStore
    slack: FakeSlack
    providers: FakeProviders


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    slack = FakeSlack(channel_pace=PACE).start()
    slack.set_user(REQUESTER, tz="Asia/Shanghai", locale="en-US")
    providers = FakeProviders().start()
    home: Path = tmp_path_factory.mktemp("punctual")
    env = server_env(home, slack, providers, BOT, SLACK_CHANNEL_PACE=str(PACE.per_second))
    server = start_server(env, home)
    store = open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False)
    yield World(server, store, slack, providers)
    server.stop()
    store.engine.dispose()
    providers.stop()
    slack.stop()


def confirm(world: World, text: str, channel: str, ts: str) -> str:
    card = slash(world.server, world.slack, text, user=REQUESTER, channel=channel)
    request_id = request_id_of(card)
    press(world.server, world.slack, "request_confirm", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    return request_id


def creates_for(world: World, device: str) -> list[float]:
    """Arrival times (wall clock) at the fake trro of the creates for ``device``."""
    offset = time.time() - time.monotonic()  # the fake stamps arrivals with time.monotonic()
    calls = world.providers.trro.calls_to("CreateCloudRecording")
    return [
        call.at + offset
        for call in calls
        if f'"{device}"' in json.dumps(call.params) and call.outcome in {"ok", "delay"}
    ]


def started_note(slack: FakeSlack, channel: str, ts: str) -> bool:
    posted = slack.calls_to("chat.postMessage", channel=channel, thread_ts=ts)
    return any("Recording started" in call.shown for call in posted)


def test_twenty_windows_starting_together_in_one_channel_start_on_time_and_say_so(world: World) -> None:
    channel = "CSHOW"
    slack, trro = world.slack, world.providers.trro
    cards = {f"show{n}": f"18200000{n:02d}.000100" for n in range(WINDOWS)}
    ids = [confirm(world, f"{device}/0 tomorrow 15:00 to 15:30 on trro", channel, ts) for device, ts in cards.items()]
    for request_id in ids:
        wait_state(world.store, request_id, S.SCHEDULED)
    # The 20 windows start together, a few seconds from now (the card said tomorrow: moved here, as a replica would)
    start = world.store.clock().replace(microsecond=0) + timedelta(seconds=10)
    with world.store.engine.begin() as connection:
        starts = [f"{request_id}:start" for request_id in ids]
        connection.execute(sa.update(jobs).where(jobs.c.key.in_(starts)).values(due_at=start))
    slack.slow.update({"chat.postMessage": 0.3, "chat.update": 0.3})
    trro.inject(Fault.delay(0.2), action="CreateCloudRecording", times=WINDOWS + 1)

    # A "now" request: its start job wakes the scheduler at once (it would otherwise sleep a minute).
    confirm(world, "shownow/0 now for 30m on trro", channel, "1820000099.000100")
    until(lambda: creates_for(world, "shownow"), what="the now request's create", timeout=20)

    arrivals = until(
        lambda: found if len(found := [at for d in cards for at in creates_for(world, d)]) == WINDOWS else None,
        what="20 creates",
        timeout=30,
    )
    lateness = sorted(at - start.timestamp() for at in arrivals)
    assert lateness[-1] <= 0.5, lateness  # the design sends them early, ending at the start: none is late
    for device, ts in cards.items():
        until(partial(started_note, slack, channel, ts), what=f"the note that {device} started", timeout=60)
    assert slack.rate_limited() == []
    assert trro.rate_limited_calls() == []
