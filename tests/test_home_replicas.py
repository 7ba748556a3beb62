"""The App Home tab with two real ``serve`` replicas sharing one PostgreSQL database (a fresh schema), driven by
signed Slack requests: a tab opened on replica A is redrawn by a change made on replica B, and still after A
restarts; two changes inside the quiet interval give one immediate and one trailing publication, not more."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.lifecycle import RequestState as S
from bot.store import JobStatus, SqlRequestStore, open_store
from bot.store.tables import jobs
from tests.durable_support import QUICK_BOT, press, request_id_of, server_env, slash, start_server, until, wait_state
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import unique
from tests.fixtures_store import fresh_postgres_schema
from tests.home_support import as_if_published_long_ago, open_home, published, shows

pytestmark = pytest.mark.postgres


@dataclass
class Replicas:
    a: BotServer
    b: BotServer
    store: SqlRequestStore
    env_a: dict[str, str]
    home_a: Path

    def restart_a(self) -> None:
        self.a.stop()
        self.a = start_server(self.env_a, self.home_a)


@pytest.fixture(scope="module")
def replicas(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replicas]:
    with fresh_postgres_schema("home_") as url:
        store = open_store(url, migrate=True)
        homes = [tmp_path_factory.mktemp(f"home-replica-{name}") for name in ("a", "b")]
        envs = [server_env(home, slack_api, provider_fakes, QUICK_BOT, DATABASE_URL=url) for home in homes]
        running = Replicas(start_server(envs[0], homes[0]), start_server(envs[1], homes[1]), store, envs[0], homes[0])
        yield running
        running.a.stop()
        running.b.stop()
        store.engine.dispose()


def scheduled(replicas: Replicas, slack_api: FakeSlack, user: str, channel: str) -> str:
    """A recording of ``user``'s, proposed and confirmed on replica A, once scheduled."""
    card = slash(replicas.a, slack_api, f"live/{unique('home')} tomorrow 15:00 to 15:30 on volc", user=user,
                 channel=channel)  # fmt: skip
    request_id = request_id_of(card)
    press(replicas.a, slack_api, "request_confirm", request_id, user=user, channel=channel)
    wait_state(replicas.store, request_id, S.SCHEDULED)
    return request_id


def redraws(store: SqlRequestStore, user: str, *statuses: JobStatus) -> list[str]:
    query = sa.select(jobs.c.key).where(jobs.c.kind == "home.redraw", jobs.c.key.like(f"home.redraw:{user}:%"))
    if statuses:
        query = query.where(jobs.c.status.in_([s.value for s in statuses]))
    with store.engine.connect() as connection:
        return list(connection.execute(query).scalars())


def test_a_change_made_on_replica_b_redraws_the_tab_opened_on_replica_a(
    replicas: Replicas, slack_api: FakeSlack
) -> None:
    user, channel = unique("UHOMEAB"), unique("CHOMEAB")
    request_id = scheduled(replicas, slack_api, user, channel)
    open_home(replicas.a, user)
    until(lambda: len(published(slack_api, user)) == 1, what="the tab drawn on opening")
    assert shows(published(slack_api, user)[0], request_id, "scheduled")
    as_if_published_long_ago(replicas.store, user)
    press(replicas.b, slack_api, "task_cancel", request_id, user=user, channel=channel)
    wait_state(replicas.store, request_id, S.CANCELLED)
    until(lambda: any(shows(v, request_id, "cancelled") for v in published(slack_api, user)[1:]),
          what="replica B to redraw the tab with the cancel")  # fmt: skip


def test_two_changes_inside_the_interval_give_one_immediate_and_one_trailing_publication(
    replicas: Replicas, slack_api: FakeSlack
) -> None:
    user, channel = unique("UHOME2X"), unique("CHOME2X")
    first, second = scheduled(replicas, slack_api, user, channel), scheduled(replicas, slack_api, user, channel)
    open_home(replicas.b, user)
    until(lambda: len(published(slack_api, user)) == 1, what="the tab drawn on opening")
    as_if_published_long_ago(replicas.store, user)
    press(replicas.a, slack_api, "task_cancel", first, user=user, channel=channel)
    press(replicas.b, slack_api, "task_cancel", second, user=user, channel=channel)
    wait_state(replicas.store, first, S.CANCELLED)
    wait_state(replicas.store, second, S.CANCELLED)
    until(lambda: redraws(replicas.store, user, JobStatus.DONE), what="the trailing redraw")
    time.sleep(1.0)  # a negative check: nothing more may be published
    drawn = published(slack_api, user)
    assert len(drawn) == 3, [[b for b in v["blocks"] if "`r" in str(b)] for v in drawn]  # opened, immediate, trailing
    assert shows(drawn[-1], first, "cancelled") and shows(drawn[-1], second, "cancelled")
    assert len(redraws(replicas.store, user)) == 1


def test_after_a_restart_the_opener_is_still_redrawn(replicas: Replicas, slack_api: FakeSlack) -> None:
    user, channel = unique("UHOMERS"), unique("CHOMERS")
    request_id = scheduled(replicas, slack_api, user, channel)
    open_home(replicas.a, user)
    until(lambda: len(published(slack_api, user)) == 1, what="the tab drawn on opening")
    replicas.restart_a()
    as_if_published_long_ago(replicas.store, user)
    press(replicas.a, slack_api, "task_cancel", request_id, user=user, channel=channel)
    wait_state(replicas.store, request_id, S.CANCELLED)
    until(lambda: any(shows(v, request_id, "cancelled") for v in published(slack_api, user)[1:]),
          what="the restarted replica to redraw the tab")  # fmt: skip
