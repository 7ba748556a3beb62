"""Fixtures and helpers for tests/test_series_e2e.py: two real ``serve`` replicas sharing one database, whose clocks (and the fake
providers') read a fixed moment of March 2027 plus the real time since the replicas started, so a series across
New York's change to daylight saving time (Sunday 14 March 2027) falls within the providers' real limits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.store import SqlRequestStore, open_store
from bot.store.jobs import Job, JobStatus
from bot.store.tables import jobs
from tests.durable_support import QUICK_BOT, kill_hard, server_env, until
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import SECRET
from tests.fixtures_store import fresh_postgres_schema

#: The replicas' "now" when they start: Wednesday 10 March 2027, 07:00 in New York (EST, UTC−5).
STARTED_AT = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@dataclass
class Replicas:
    """Replicas ``a`` and ``b`` of the bot on one database; ``store`` reads and moves its rows."""

    url: str
    store: SqlRequestStore
    offset: timedelta
    envs: dict[str, tuple[dict[str, str], Path]]
    servers: dict[str, BotServer] = field(default_factory=dict)

    def now(self) -> datetime:
        """The replicas' clock."""
        return datetime.now(UTC) + self.offset

    def start(self, name: str) -> BotServer:
        env, home = self.envs[name]
        self.servers[name] = BotServer(env, signing_secret=SECRET, cwd=str(home), module="tests.serve_later").start()
        return self.servers[name]

    def pid(self, name: str) -> int:
        return int(self.servers[name]._process.pid)  # the test started it

    def named(self, pid: int) -> str:
        return next(name for name in self.servers if self.pid(name) == pid)

    def kill_and_restart(self, name: str, while_down: Any = None) -> None:
        """``kill -9`` replica ``name``; run ``while_down()`` (the other replica still serving), then start it again."""
        kill_hard(self.servers[name])
        if while_down is not None:
            while_down()
        self.start(name)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def series_database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database for the module's replicas: an SQLite file both open, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('series-e2e-db') / 'bot.sqlite3'}"
    else:
        with fresh_postgres_schema("se2e_") as url:
            yield url


@pytest.fixture(scope="module")
def series_replicas(
    series_database: str, slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Replicas]:
    database = series_database
    store = open_store(database, migrate=True)  # what the Procfile's release step does
    offset = STARTED_AT - datetime.now(UTC)
    later = offset.total_seconds()
    for fake in (provider_fakes.volc, provider_fakes.tencent):  # signatures and "how far ahead" on the bots' clock
        fake.clock = lambda: datetime.now(UTC).timestamp() + later
    envs = {}
    for name in ("a", "b"):
        home = tmp_path_factory.mktemp(f"series-e2e-{name}")
        envs[name] = (
            server_env(home, slack_api, provider_fakes, QUICK_BOT, DATABASE_URL=database,
                       TEST_CLOCK_OFFSET_SECONDS=str(later)),
            home,
        )  # fmt: skip
    running = Replicas(database, store, offset, envs)
    for name in envs:
        running.start(name)
    yield running
    for server in running.servers.values():
        server.stop()
    store.engine.dispose()


def occurrence_key(request_id: str, day: str) -> str:
    """The key of the job that creates the occurrence on ``day`` (ISO date)."""
    return f"{request_id}:occ:{day}"


def job(store: SqlRequestStore, key: str) -> Job:
    return next(j for j in store.jobs.list_jobs() if j.key == key)


def create_jobs(store: SqlRequestStore, request_id: str) -> list[Job]:
    """The series' create jobs, by day."""
    found = [j for j in store.jobs.list_jobs(request_id=request_id) if j.kind == "series.create"]
    return sorted(found, key=lambda j: j.key)


def due_now(replicas: Replicas, *keys: str) -> None:
    """Time passes: these jobs fall due now (on the replicas' clock)."""
    with replicas.store.engine.begin() as connection:
        connection.execute(sa.update(jobs).where(jobs.c.key.in_(keys)).values(due_at=replicas.now()))


def lease_runs_out(replicas: Replicas, *keys: str) -> None:
    """Time passes: the leases of claimed jobs run out (their worker died), so another worker may claim them."""
    with replicas.store.engine.begin() as connection:
        connection.execute(
            sa.update(jobs).where(jobs.c.key.in_(keys)).values(lease_until=replicas.now() - timedelta(seconds=1))
        )


def claimer_pid(store: SqlRequestStore, key: str) -> int:
    """The process id of the worker that claimed the job (worker names are ``host:pid:…``)."""
    claimed = until(lambda: job(store, key).claimed_by, what=f"job {key} to be claimed")
    return int(claimed.split(":")[1])


def settled(store: SqlRequestStore, key: str) -> Job:
    """The job once it is done (waits for it)."""

    def done() -> Job | None:
        found = job(store, key)
        return found if found.status is JobStatus.DONE else None

    return until(done, what=f"job {key} to finish")
