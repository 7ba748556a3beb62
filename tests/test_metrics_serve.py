"""``GET /metrics`` and ``/healthz`` on the real ``serve`` process: after a command, a provider call and a scheduler
run the counters have moved (read with prometheus_client's own parser); a token keeps /metrics private; /healthz
names the scheduler's heartbeat."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config import BotSettings, Config
from bot.flow.background import Background
from bot.flow.services import Services
from bot.store import SqlRequestStore
from tests.durable_support import QUICK_BOT, press, request_id_of, server_env, slash, start_server, until
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import REQUESTER, unique
from tests.fixtures_store import Posted, Providers, RecordingProvider

TOKEN = "metrics-token-for-tests"


@pytest.fixture(scope="module")
def server(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotServer]:
    home: Path = tmp_path_factory.mktemp("metrics")
    env = server_env(home, slack_api, provider_fakes, QUICK_BOT, METRICS_TOKEN=TOKEN)
    running = start_server(env, home)
    yield running
    running.stop()


def samples(server: BotServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_move_after_a_command_a_provider_call_and_a_scheduler_run(
    server: BotServer, slack_api: FakeSlack
) -> None:
    before = samples(server)
    channel = unique("CMETRICS")
    card = slash(server, slack_api, "live/metrics now for 30m on volc", user=REQUESTER, channel=channel)
    request_id = request_id_of(card)
    press(server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel)
    store_state = "running"  # a window that starts now: the scheduler's begin job runs at once

    def moved() -> dict[tuple[str, tuple[tuple[str, str], ...]], float] | None:
        now = samples(server)
        ran = value(now, "bot_scheduler_lag_seconds_count") > value(before, "bot_scheduler_lag_seconds_count")
        return now if ran and value(now, "bot_requests", state=store_state) >= 1 else None

    after = until(moved, what="the metrics to move", timeout=30)
    created = {"provider": "volc", "action": "CreatePullRecordTask", "outcome": "ok"}
    assert (
        value(after, "bot_provider_calls_total", **created) == value(before, "bot_provider_calls_total", **created) + 1
    )
    timed = {"provider": "volc", "action": "CreatePullRecordTask"}
    assert value(after, "bot_provider_call_seconds_count", **timed) >= 1
    assert (
        value(after, "bot_slack_ack_seconds_count", kind="command")
        >= value(before, "bot_slack_ack_seconds_count", kind="command") + 1
    )
    assert value(after, "bot_slack_ack_seconds_count", kind="action") >= 1


def test_metrics_need_the_token_when_one_is_set(server: BotServer) -> None:
    assert httpx.get(f"{server.url}/metrics", timeout=10).status_code == 401
    wrong = httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer nope"}, timeout=10)
    assert wrong.status_code == 401 and TOKEN not in wrong.text


def test_healthz_checks_the_scheduler_heartbeat(server: BotServer) -> None:
    answer = httpx.get(f"{server.url}/healthz", timeout=10)
    assert answer.status_code == 200, answer.text


def test_a_scheduler_that_stopped_passing_fails_the_heartbeat(sqlite_store: SqlRequestStore) -> None:
    now = [datetime(2026, 12, 7, 3, 0, tzinfo=UTC)]
    store = sqlite_store
    services = Services(
        config=Config(bot=BotSettings(scheduler_interval_seconds=5)),
        store=store,
        providers=Providers(RecordingProvider("volc", keeps_window=True, can_look_up=True)),
        clock=lambda: now[0],
    )
    background = Background(services, services.flow(Posted()))
    assert background.heartbeat_problem() == "not started"
    background._started_at = now[0]  # as start() does, without the thread
    assert background.heartbeat_problem() is None  # within the start-up grace
    now[0] += timedelta(seconds=16)
    assert "no pass completed in 15 s" in str(background.heartbeat_problem())
    background.scheduler.last_pass_completed_at = now[0] - timedelta(seconds=2)
    assert background.heartbeat_problem() is None
    now[0] += timedelta(seconds=20)
    assert "last pass completed 22 s ago" in str(background.heartbeat_problem())
    background.flow.close()
