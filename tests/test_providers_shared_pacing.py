"""Replicas share one provider pace through the database (:mod:`bot.store.departures`), on SQLite and PostgreSQL.

First on a fake clock (exact departures), then for real: two registries — two replicas — send a burst together to
the fake Tencent, whose token bucket refuses anything over its documented 20 calls per second.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
import sqlalchemy as sa

from bot.errors import ProviderError
from bot.store import SqlRequestStore
from providers.ratelimit import DepartureBook, RateLimits
from providers.registry import ProviderRegistry, build_registry
from tests.fakes.providers import FakeProviders
from tests.test_providers_http import tencent_record
from tests.test_providers_ratelimit import FakeClock

KEY = ("tencent", "CreateRecordTask")


def replicas(clock: FakeClock, book: DepartureBook | None, count: int = 2) -> list[RateLimits]:
    """``count`` processes' limiters on one clock (``time.monotonic`` and ``time.time`` alike)."""
    return [
        RateLimits({KEY: 20}, monotonic=clock.monotonic, sleep=clock.sleep, book=book, wall=clock.monotonic)
        for _ in range(count)
    ]


def departures(limits: list[RateLimits], clock: FakeClock, calls: int) -> list[float]:
    """Each replica in turn lets a call go; when each left."""
    moments = []
    for index in range(calls):
        limits[index % len(limits)].acquire(*KEY)
        moments.append(clock.now)
    return moments


def test_replicas_sharing_the_book_leave_one_interval_apart(store: SqlRequestStore) -> None:
    clock = FakeClock()
    moments = departures(replicas(clock, store.departures, count=3), clock, calls=30)
    gaps = [later - earlier for earlier, later in pairwise(moments)]
    interval = 1.03 / 20
    assert min(gaps) == pytest.approx(interval)
    assert moments[-1] - moments[0] == pytest.approx(29 * interval)


def test_without_the_book_replicas_leave_together() -> None:
    clock = FakeClock()
    moments = departures(replicas(clock, None), clock, calls=10)
    assert moments[0] == moments[1] and moments[2] == moments[3]  # each replica paces only itself


def test_a_new_key_is_booked_once_even_when_replicas_start_together(store: SqlRequestStore) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        booked = sorted(pool.map(lambda _: store.departures.book("volc:New", 0.25, 1000.0), range(8)))
    assert booked == [1000.0 + 0.25 * index for index in range(8)]


def test_a_clock_stepped_back_does_not_stall_the_calls(store: SqlRequestStore) -> None:
    assert store.departures.book("volc:Step", 0.5, 2000.0) == 2000.0
    assert store.departures.book("volc:Step", 0.5, 1400.0) == 1400.0  # ten minutes back: not a wait until 2000.5
    assert store.departures.book("volc:Step", 0.5, 1400.0) == 1400.5


def test_an_unreachable_book_keeps_the_local_pace(store: SqlRequestStore, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    broken = sa.create_engine("sqlite:////nonexistent-directory/bot.sqlite3")
    book = type(store.departures)(broken)
    (limits,) = replicas(clock, book, count=1)
    with caplog.at_level(logging.WARNING, logger="providers.ratelimit"):
        moments = departures([limits], clock, calls=3)
    assert moments == pytest.approx([100.0, 100.0 + 1.03 / 20, 100.0 + 2 * 1.03 / 20])
    assert "shared pacing for tencent:CreateRecordTask unavailable, pacing locally: OperationalError" in caplog.text


@pytest.fixture
def two_replicas(fake_providers: FakeProviders, store: SqlRequestStore) -> Iterator[list[ProviderRegistry]]:
    registries = [build_registry(fake_providers.settings(), limits=RateLimits(book=store.departures)) for _ in "ab"]
    yield registries
    for registry in registries:
        registry.close()


def burst(registries: list[ProviderRegistry], per_replica: int) -> list[str | ProviderError]:
    """Every replica sends ``per_replica`` creates at once from its own pool; each TaskId, or the error."""

    def create(registry: ProviderRegistry, stream: str) -> str | ProviderError:
        try:
            return registry.get("tencent").create(tencent_record(stream)).task_id
        except ProviderError as error:  # only the control sends fast enough to be refused this often
            return error

    pools = [ThreadPoolExecutor(max_workers=6) for _ in registries]
    futures = [
        pool.submit(create, registry, f"pace{index}x{n}")
        for index, (pool, registry) in enumerate(zip(pools, registries, strict=True))
        for n in range(per_replica)
    ]
    outcomes = [future.result() for future in futures]
    for pool in pools:
        pool.shutdown()
    return outcomes


def test_two_replicas_together_never_trip_the_providers_limit(
    two_replicas: list[ProviderRegistry], fake_providers: FakeProviders
) -> None:
    ids = burst(two_replicas, per_replica=30)  # three times the limit between them
    assert fake_providers.tencent.rate_limited_calls() == []
    assert (
        all(isinstance(task_id, str) for task_id in ids)
        and len(set(ids)) == 60
        and len(fake_providers.tencent.calls_to("CreateRecordTask")) == 60
    )


def test_two_replicas_pacing_alone_do_trip_it(fake_providers: FakeProviders) -> None:
    """The control: without the shared book the same burst goes at twice the limit and the fake refuses some."""
    registries = [build_registry(fake_providers.settings(), limits=RateLimits()) for _ in "ab"]
    try:
        burst(registries, per_replica=30)
    finally:
        for registry in registries:
            registry.close()
    assert len(fake_providers.tencent.rate_limited_calls()) > 0
