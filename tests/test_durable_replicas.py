"""Two replicas: two real ``serve`` processes sharing one PostgreSQL database (a fresh schema), driven by signed Slack
requests. Confirm clicks racing on both settle once; a retried event reaches one card; the bot's scheduler starts and
stops every trro window once."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from bot.lifecycle import RequestState as S
from bot.store import SqlRequestStore, open_store
from tests.durable_support import (
    QUICK_BOT,
    press,
    request_id_of,
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
from tests.fakes.slack_requests import BotServer, app_mention_body
from tests.fixtures_slack import REQUESTER, unique
from tests.fixtures_store import fresh_postgres_schema

pytestmark = pytest.mark.postgres


@dataclass
class Replicas:
    a: BotServer
    b: BotServer
    store: SqlRequestStore


@pytest.fixture(scope="module")
def shared_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL server, for the whole module."""
    with fresh_postgres_schema("durable_") as url:
        yield url


@pytest.fixture(scope="module")
def replicas(
    shared_url: str, slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replicas]:
    store = open_store(shared_url, migrate=True)  # what the Procfile's release step does
    servers = []
    for name in ("a", "b"):
        home = tmp_path_factory.mktemp(f"replica-{name}")
        env = server_env(home, slack_api, provider_fakes, QUICK_BOT, DATABASE_URL=shared_url)
        servers.append(start_server(env, home))
    yield Replicas(servers[0], servers[1], store)
    for server in servers:
        server.stop()
    store.engine.dispose()


def test_confirm_clicks_racing_on_two_replicas_make_one_provider_call(
    replicas: Replicas, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel, stream, ts = unique("CRACE"), unique("race"), "1820000001.000100"
    card = slash(replicas.a, slack_api, f"live/{stream} tomorrow 15:00 to 15:30 on volc", user=REQUESTER,
                 channel=channel)  # fmt: skip
    request_id = request_id_of(card)
    servers = [replicas.a, replicas.b] * 6

    def click(server: BotServer) -> str:
        return press(server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel, message_ts=ts)

    with ThreadPoolExecutor(len(servers)) as pool:
        list(pool.map(click, servers))
    assert "TaskId" in wait_thread(slack_api, channel, ts, "TaskId")
    wait_state(replicas.store, request_id, S.SCHEDULED)
    creates = [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream]
    assert len(creates) == 1
    assert len([t for t in thread_texts(slack_api, channel, ts) if "TaskId" in t]) == 1


def test_retry_clicks_racing_on_two_replicas_and_a_replay_make_one_new_create(
    replicas: Replicas, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel, stream, ts = unique("CRETRY"), unique("retry"), "1820000003.000100"
    provider_fakes.volc.inject(Fault.error("InvalidParam.StartTime", status=400), action="CreatePullRecordTask")
    card = slash(replicas.a, slack_api, f"live/{stream} tomorrow 15:00 to 15:30 on volc", user=REQUESTER,
                 channel=channel)  # fmt: skip
    failed = request_id_of(card)
    press(replicas.a, slack_api, "request_confirm", failed, user=REQUESTER, channel=channel, message_ts=ts)
    wait_state(replicas.store, failed, S.FAILED)
    tokens = [unique("retry") for _ in range(10)]

    def click(pair: tuple[BotServer, str]) -> str:
        server, token = pair
        return press(server, slack_api, "request_retry", failed, user=REQUESTER, channel=channel, message_ts=ts,
                     token=token)  # fmt: skip

    with ThreadPoolExecutor(10) as pool:
        list(pool.map(click, zip([replicas.a, replicas.b] * 5, tokens, strict=True)))
    click((replicas.b, tokens[0]))  # a replay of the first click, on the other replica
    retried = wait_state(replicas.store, failed, S.RETRIED)
    fresh = str(retried.extra["retried_as"])
    wait_state(replicas.store, fresh, S.SCHEDULED)
    creates = [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream]
    assert len(creates) == 2  # the failed attempt and exactly one retry

    def refusals() -> list[str]:
        return [
            c.shown for t in tokens for c in slack_api.calls_to(f"response_url:{t}") if "retried already" in c.shown
        ]

    until(lambda: len(refusals()) >= 10, what="every other click (and the replay) to be told")
    assert all(fresh in shown and "<https://fake.slack.test/archives/" in shown for shown in refusals()), refusals()[:2]
    assert len(replicas.store.list_requests(channel=channel)) == 2


def test_a_retried_mention_reaching_the_other_replica_gets_one_card(replicas: Replicas, slack_api: FakeSlack) -> None:
    channel = unique("CMENTION")
    body = app_mention_body(
        event_id=f"Ev{secrets.token_hex(4)}",
        user=REQUESTER,
        channel=channel,
        text="<@UBOT> record live/twice tomorrow 15:00 to 15:30 on volc",
        ts="1820000002.000100",
    )
    assert replicas.a.event(body).status_code == 200
    assert replicas.b.event(body).status_code == 200  # Slack's retry, landing on the other replica
    until(lambda: slack_api.calls_to("chat.postMessage", channel=channel), what="the card")
    time.sleep(1.0)  # let the other delivery's listener finish too (a negative check: nothing more may appear)
    assert len(slack_api.calls_to("chat.postMessage", channel=channel)) == 1
    assert len(replicas.store.list_requests(channel=channel)) == 1


@pytest.mark.timeout(300)
def test_two_replicas_start_and_stop_every_trro_window_once(
    replicas: Replicas, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CWINDOWS")
    devices = [unique("rdev") for _ in range(4)]
    cards = []
    for i, device in enumerate(devices):
        server = (replicas.a, replicas.b)[i % 2]
        card = slash(server, slack_api, f"{device}/0 in 3 seconds for 3 seconds on trro", user=REQUESTER,
                     channel=channel)  # fmt: skip
        ts = f"18200001{i:02d}.000100"
        press(server, slack_api, "request_confirm", request_id_of(card), user=REQUESTER, channel=channel, message_ts=ts)
        cards.append((request_id_of(card), ts))
    for request_id, ts in cards:
        # Two replicas share one channel's pace without knowing of each other: their 429s are waited out, so the
        # notes can take a while under load (each still posted exactly once, checked below).
        wait_thread(slack_api, channel, ts, "Finished:", timeout=120)
        wait_thread(slack_api, channel, ts, "Recording started", timeout=120)
        wait_state(replicas.store, request_id, S.DONE)
    for (request_id, ts), device in zip(cards, devices, strict=True):
        task_id = replicas.store.get(request_id).task_id  # type: ignore[union-attr]
        assert task_id
        creates = [c for c in provider_fakes.trro.calls_to("CreateCloudRecording") if device in json.dumps(c.params)]
        deletes = [c for c in provider_fakes.trro.calls_to("DeleteCloudRecording") if task_id in json.dumps(c.params)]
        assert (len(creates), len(deletes)) == (1, 1), device
        texts = thread_texts(slack_api, channel, ts)
        assert [sum("Recording started" in t for t in texts), sum("Finished:" in t for t in texts)] == [1, 1], texts
