"""The adapter-neutral request flow over the real store and the real providers (talking to the fake servers)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Config
from bot.core.model import Schedule, StreamTarget, TaskRequest, Window
from bot.errors import PermissionDenied, RequestStateError
from bot.flow import Event, Outcome, RequestFlow
from bot.lifecycle import RequestState
from bot.slack.mrkdwn import explain
from bot.store import SqlRequestStore
from providers.registry import ProviderRegistry, build_registry
from tests.fakes.providers import FakeProviders, Fault


class RecordingNotifier:
    """The adapter side of the seam: remembers every outcome."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()

    def notify(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)

    def events(self, request_id: str | None = None) -> list[Event]:
        with self._lock:
            return [o.event for o in self.outcomes if request_id is None or o.request.id == request_id]


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeProviders]:
    with FakeProviders() as servers:
        yield servers


@pytest.fixture
def registry(fakes: FakeProviders) -> Iterator[ProviderRegistry]:
    built = build_registry(fakes.settings())
    yield built
    built.close()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def flow(
    sqlite_store: SqlRequestStore, registry: ProviderRegistry, notifier: RecordingNotifier
) -> Iterator[RequestFlow]:
    running = RequestFlow(store=sqlite_store, providers=registry, notifier=notifier, workers=4)
    yield running
    running.close()


def schedule(stream: str) -> Schedule:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    request = TaskRequest(
        kind="record",
        provider="volc",
        target=StreamTarget("live", stream),
        window=Window(start, start + timedelta(minutes=30)),
    )
    return Schedule(request=request, timezone="Asia/Shanghai")


def creates(fakes: FakeProviders, stream: str) -> int:
    return len([c for c in fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream])


def test_confirm_settles_once_even_from_many_threads(
    flow: RequestFlow, fakes: FakeProviders, notifier: RecordingNotifier
) -> None:
    stored = flow.propose(schedule("flow1"), requester="U1", text="/record …")

    def confirm(_: int) -> str:
        try:
            flow.confirm(stored.id, user="U1")
        except RequestStateError:
            return "refused"
        return "won"

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(confirm, range(8)))
    flow.drain(timeout=30)
    assert sorted(results) == ["refused"] * 7 + ["won"]
    assert creates(fakes, "flow1") == 1
    assert notifier.events(stored.id) == [Event.CONFIRMED, Event.SCHEDULED]
    final = flow.store.get(stored.id)
    assert final is not None and final.state is RequestState.SCHEDULED and final.task_id


def test_only_the_requester_may_confirm(flow: RequestFlow, fakes: FakeProviders) -> None:
    stored = flow.propose(schedule("flow2"), requester="U1", text="/record …")
    with pytest.raises(PermissionDenied) as refused:
        flow.confirm(stored.id, user="U2")
    assert "Only U1 can" in refused.value.render("en")  # the console shows the id
    assert "Only <@U1> can" in explain(refused.value, "en")  # Slack a real mention, never escaped
    assert creates(fakes, "flow2") == 0


def test_a_safe_failure_can_be_retried_and_then_succeeds(
    flow: RequestFlow, fakes: FakeProviders, notifier: RecordingNotifier
) -> None:
    fakes.volc.inject(Fault.rate_limited(), action="CreatePullRecordTask", times=20)
    stored = flow.propose(schedule("flow3"), requester="U1", text="/record …")
    flow.confirm(stored.id, user="U1")
    flow.drain(timeout=60)
    failed = notifier.outcomes[-1]
    assert failed.event is Event.FAILED
    assert failed.retry_is_safe
    fakes.volc.reset()
    retried = flow.retry(stored.id, user="U1")
    flow.drain(timeout=30)
    assert retried.id != stored.id
    assert notifier.events(retried.id) == [Event.CONFIRMED, Event.SCHEDULED]
    assert creates(fakes, "flow3") == 1


def test_a_timeout_is_reported_as_unknown_never_as_failed(
    flow: RequestFlow, fakes: FakeProviders, notifier: RecordingNotifier
) -> None:
    fakes.volc.inject(Fault.delay(4, acts=False), action="CreatePullRecordTask", times=5)
    fakes.volc.inject(Fault.delay(4, acts=False), action="ListPullRecordTask", times=5)
    stored = flow.propose(schedule("flow4"), requester="U1", text="/record …")
    flow.confirm(stored.id, user="U1")
    flow.drain(timeout=60)
    fakes.volc.reset()
    last = notifier.outcomes[-1]
    assert last.event is Event.UNKNOWN
    assert not last.retry_is_safe
    assert flow.store.get(stored.id).state is RequestState.UNKNOWN  # type: ignore[union-attr]


def test_cancel_before_confirming_calls_no_provider(
    flow: RequestFlow, fakes: FakeProviders, notifier: RecordingNotifier
) -> None:
    stored = flow.propose(schedule("flow5"), requester="U1", text="/record …")
    flow.cancel_proposal(stored.id, user="U1")
    with pytest.raises(RequestStateError):
        flow.confirm(stored.id, user="U1")
    assert notifier.events(stored.id) == [Event.CANCELLED]
    assert creates(fakes, "flow5") == 0


def test_cancel_task_stops_it_at_the_provider(
    flow: RequestFlow, fakes: FakeProviders, notifier: RecordingNotifier
) -> None:
    stored = flow.propose(schedule("flow6"), requester="U1", text="/record …")
    flow.confirm(stored.id, user="U1")
    flow.drain(timeout=30)
    with pytest.raises(PermissionDenied):
        flow.cancel_task(stored.id, user="USOMEONE")
    flow.cancel_task(stored.id, user="U1")
    flow.drain(timeout=30)
    assert notifier.events(stored.id) == [Event.CONFIRMED, Event.SCHEDULED, Event.CANCELLING, Event.CANCELLED]
    task_id = flow.store.get(stored.id).task_id  # type: ignore[union-attr]
    assert [c.params.get("TaskId") for c in fakes.volc.calls_to("StopPullRecordTask")][-1] == task_id
    assert flow.store.get(stored.id).state is RequestState.CANCELLED  # type: ignore[union-attr]


def test_a_broken_notifier_never_undoes_a_settled_request(
    sqlite_store: SqlRequestStore, registry: ProviderRegistry
) -> None:
    class Broken:
        def notify(self, outcome: Outcome) -> None:
            raise RuntimeError("slack is down")

    flow = RequestFlow(store=sqlite_store, providers=registry, notifier=Broken())
    try:
        stored = flow.propose(schedule("flow7"), requester="U1", text="/record …")
        flow.confirm(stored.id, user="U1")
        flow.drain(timeout=30)
        assert sqlite_store.get(stored.id).state is RequestState.SCHEDULED  # type: ignore[union-attr]
    finally:
        flow.close()


def test_dry_run_plan_masks_secrets(flow: RequestFlow, fakes: FakeProviders) -> None:
    calls = flow.plan(schedule("flow8").request, requester="U1")
    assert calls and calls[0].action == "CreatePullRecordTask"
    rendered = repr(calls)
    assert "fake-volc-secret-key" not in rendered
    assert creates(fakes, "flow8") == 0


def test_trro_windows_are_kept_by_the_bots_scheduler_not_created_at_once(
    sqlite_store: SqlRequestStore, registry: ProviderRegistry, fakes: FakeProviders
) -> None:
    from bot.core.model import DeviceTarget
    from bot.flow.services import Services

    services = Services(config=Config(), store=sqlite_store, providers=registry)
    recorder = RecordingNotifier()
    flow = services.flow(recorder)
    try:
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
        request = TaskRequest(
            kind="record",
            provider="trro",
            target=DeviceTarget("dev1", 0),
            window=Window(start, start + timedelta(hours=1)),
        )
        stored = flow.propose(Schedule(request=request, timezone="Asia/Shanghai"), requester="U1", text="/record …")
        flow.confirm(stored.id, user="U1")
        flow.drain(timeout=30)
        assert recorder.events(stored.id) == [Event.CONFIRMED, Event.SCHEDULED]
        assert recorder.outcomes[-1].result is None
        assert fakes.trro.calls_to("CreateCloudRecording") == []
        assert {job.kind for job in sqlite_store.jobs.list_jobs(request_id=stored.id)} == {
            "window.start",
            "window.stop",
        }
        flow.cancel_task(stored.id, user="U1")  # before the window: nothing to stop at the provider
        assert recorder.events(stored.id)[-1] is Event.CANCELLED
        assert fakes.trro.calls_to("DeleteCloudRecording") == []
        assert sqlite_store.get(stored.id).state is RequestState.CANCELLED  # type: ignore[union-attr]
    finally:
        flow.close()


def test_an_unanswered_card_expires_and_can_no_longer_be_confirmed(
    sqlite_store: SqlRequestStore, registry: ProviderRegistry, fakes: FakeProviders
) -> None:
    from bot.flow.background import Background
    from bot.flow.services import Services

    services = Services(config=Config(), store=sqlite_store, providers=registry)
    recorder = RecordingNotifier()
    flow = services.flow(recorder)
    flow.card_lifetime = timedelta(seconds=-1)
    try:
        stored = flow.propose(schedule("flow9"), requester="U1", text="/record …")
        Background(services, flow).expire()
        assert recorder.events(stored.id) == [Event.EXPIRED]
        with pytest.raises(RequestStateError) as refused:
            flow.confirm(stored.id, user="U1")
        assert "expired" in refused.value.render("en")
        assert creates(fakes, "flow9") == 0
        assert [e.action for e in sqlite_store.audit.events()] == ["expire"]
    finally:
        flow.close()


def test_creates_cancels_and_denials_are_audited(
    sqlite_store: SqlRequestStore, registry: ProviderRegistry, fakes: FakeProviders
) -> None:
    from bot.flow.services import Services
    from bot.permissions import Action, PermissionSettings

    rules = PermissionSettings(rules={**PermissionSettings().rules, Action.RECORD: ("UONLY",)})
    config = Config(permissions=rules)
    flow = Services(config=config, store=sqlite_store, providers=registry).flow(RecordingNotifier())
    try:
        with pytest.raises(PermissionDenied):
            flow.propose(schedule("flow10"), requester="U1", text="/record live/flow10 …", channel="C1")
        stored = flow.propose(schedule("flow10"), requester="UONLY", text="/record live/flow10 …")
        flow.confirm(stored.id, user="UONLY")
        flow.drain(timeout=30)
        flow.cancel_task(stored.id, user="UONLY")
        flow.drain(timeout=30)
        events = [(e.action, e.outcome, e.actor) for e in sqlite_store.audit.events()]
        assert events == [
            ("denied", "denied", "U1"),
            ("confirm", "ok", "UONLY"),
            ("create", "ok", "UONLY"),
            ("cancel", "requested", "UONLY"),
            ("cancel", "ok", "UONLY"),
        ]
        assert creates(fakes, "flow10") == 1
    finally:
        flow.close()
