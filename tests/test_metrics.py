"""bot/metrics.py: every metric the issue names, read back with prometheus_client's own parser; provider calls are
counted where they are made (real HTTP to the fake providers); the bearer token guards the scrape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.core.model import StreamTarget, TaskRequest, Window
from bot.errors import ProviderError
from bot.lifecycle import RequestState
from bot.metrics import Metrics
from bot.store import SqlRequestStore
from providers.registry import ProviderRegistry
from providers.transport import CallRecord, observe_calls
from tests.fakes.providers import FakeProviders, Fault


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample by (name, sorted labels), parsed from the exposition text."""
    found = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def volc_record() -> TaskRequest:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    return TaskRequest("record", "volc", StreamTarget("live", "m1"), Window(start, start + timedelta(minutes=30)))


@pytest.fixture
def watched() -> Iterator[Metrics]:
    metrics = Metrics()
    metrics.watch_providers()
    yield metrics
    observe_calls(None)


def test_provider_calls_are_counted_by_outcome_with_their_duration(
    watched: Metrics, provider_registry: ProviderRegistry, fake_providers: FakeProviders
) -> None:
    provider_registry.get("volc").create(volc_record())
    fake_providers.volc.inject(Fault.error("InvalidParam", "no", status=400))
    with pytest.raises(ProviderError):
        provider_registry.get("volc").create(volc_record())

    found = samples(watched)
    ok = (("action", "CreatePullRecordTask"), ("outcome", "ok"), ("provider", "volc"))
    refused = (("action", "CreatePullRecordTask"), ("outcome", "InvalidParam"), ("provider", "volc"))
    assert found[("bot_provider_calls_total", ok)] == 1
    assert found[("bot_provider_calls_total", refused)] == 1
    timed = (("action", "CreatePullRecordTask"), ("provider", "volc"))
    assert found[("bot_provider_call_seconds_count", timed)] == 2
    assert 0 < found[("bot_provider_call_seconds_sum", timed)] < 10


def test_a_failing_observer_never_fails_the_provider_call(provider_registry: ProviderRegistry) -> None:
    def broken(_record: CallRecord) -> None:
        raise RuntimeError("observer bug")

    observe_calls(broken)
    try:
        result = provider_registry.get("volc").create(volc_record())
    finally:
        observe_calls(None)
    assert result.task_id


def test_requests_by_state_are_read_from_the_store_at_each_scrape(store: SqlRequestStore) -> None:
    metrics = Metrics(count_requests=store.count_by_state)
    for _ in range(3):
        store.propose(request=volc_record(), requester="U1", text="t", timezone="UTC", lang="en", channel="C1")
    assert samples(metrics)[("bot_requests", (("state", "proposed"),))] == 3
    first = store.list_requests(limit=1)[0]
    store.transition(first.id, from_states={RequestState.PROPOSED}, to=RequestState.CONFIRMED)
    found = samples(metrics)
    assert found[("bot_requests", (("state", "proposed"),))] == 2
    assert found[("bot_requests", (("state", "confirmed"),))] == 1
    assert found[("bot_requests", (("state", "done"),))] == 0


def test_acks_scheduler_lag_and_slack_errors_are_exposed() -> None:
    metrics = Metrics()
    metrics.slack_ack_seconds.labels(kind="command").observe(0.012)
    metrics.slack_ack_seconds.labels(kind="command").observe(0.2)
    metrics.scheduler_lag_seconds.observe(2.5)
    metrics.slack_api_errors.labels(method="chat.update", error="ratelimited").inc()
    found = samples(metrics)
    assert found[("bot_slack_ack_seconds_count", (("kind", "command"),))] == 2
    assert found[("bot_slack_ack_seconds_bucket", (("kind", "command"), ("le", "0.025")))] == 1
    assert found[("bot_scheduler_lag_seconds_bucket", (("le", "5.0"),))] == 1
    assert found[("bot_slack_api_errors_total", (("error", "ratelimited"), ("method", "chat.update")))] == 1


@pytest.mark.parametrize(
    ("authorization", "status"),
    [(None, 401), ("Bearer wrong", 401), ("Basic s3cret-token", 401), ("Bearer s3cret-token", 200)],
)
def test_the_bearer_token_guards_the_scrape(authorization: str | None, status: int) -> None:
    answer = Metrics().scrape(authorization=authorization, token="s3cret-token")
    assert answer.status == status
    assert b"s3cret-token" not in answer.body
    if status == 200:
        assert answer.content_type.startswith("text/plain; version=")
        assert b"# TYPE bot_provider_calls_total counter" in answer.body


def test_without_a_token_anyone_may_scrape() -> None:
    assert Metrics().scrape(authorization=None, token=None).status == 200
