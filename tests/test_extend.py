"""Extending a scheduled or running window, through the real flow, the real store (SQLite and PostgreSQL) and the fake
providers over real HTTP: a contiguous follow-on task on each provider that keeps windows, an in-place relay update,
a moved stop job for a bot-kept window, two extensions at once, permissions, a refusal that moves the end back, and
Cancel stopping every task afterwards."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.model import DeviceTarget, Schedule, StreamTarget, TaskRequest, Window
from bot.errors import PermissionDenied, RequestStateError, ValidationError
from bot.flow import Event, RequestFlow
from bot.lifecycle import RequestState as S
from bot.lifecycle import TaskState
from bot.permissions import Permissions, load_permission_settings
from bot.store import SqlRequestStore
from providers.registry import ProviderRegistry
from tests.fakes.providers import FakeProviders, Fault
from tests.fixtures_store import Posted

ZONE = "Asia/Shanghai"
OPS = "UOPS"  # may cancel (and so extend) anyone's requests


@pytest.fixture
def posted() -> Posted:
    return Posted()


@pytest.fixture
def flow(store: SqlRequestStore, provider_registry: ProviderRegistry, posted: Posted) -> Iterator[RequestFlow]:
    running = RequestFlow(
        store=store, providers=provider_registry, notifier=posted, workers=4, jobs=store.jobs, audit=store.audit,
        permissions=Permissions(load_permission_settings({"cancel_any": [OPS]}, {}, [])),
    )  # fmt: skip
    yield running
    running.close()


def scheduled(flow: RequestFlow, request: TaskRequest, user: str = "U1") -> str:
    stored = flow.propose(Schedule(request, ZONE), requester=user, text="/record …")
    flow.confirm(stored.id, user=user)
    flow.drain()
    found = flow.store.get(stored.id)
    assert found is not None and found.state is S.SCHEDULED, found
    return stored.id


def soon(minutes: int = 60, length: int = 30) -> Window:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=minutes)
    return Window(start, start + timedelta(minutes=length))


def record(provider: str, stream: str, window: Window) -> TaskRequest:
    return TaskRequest("record", provider, StreamTarget("live", stream), window)


def volc_windows(fakes: FakeProviders, stream: str) -> list[tuple[datetime, datetime]]:
    found = [t for t in fakes.volc.tasks.values() if t.get("Stream") == stream and "StreamURL" in t]
    return sorted((utc(t["StartTime"]), utc(t["EndTime"])) for t in found)


def utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def sql(flow: RequestFlow) -> SqlRequestStore:
    assert isinstance(flow.store, SqlRequestStore)
    return flow.store


def test_a_volc_recording_gets_a_contiguous_follow_on_on_the_same_request(
    flow: RequestFlow, fake_providers: FakeProviders, posted: Posted
) -> None:
    window = soon()
    request_id = scheduled(flow, record("volc", "ext1", window))
    flow.extend(request_id, timedelta(minutes=30), user="U1")
    flow.drain()
    new_end = window.end + timedelta(minutes=30)
    assert volc_windows(fake_providers, "ext1") == [(window.start, window.end), (window.end, new_end)]
    stored = flow.store.get(request_id)
    assert stored is not None and stored.state is S.SCHEDULED and stored.request.window is not None
    assert stored.request.window.end == new_end and stored.extra["extended_by"] == "U1"
    tasks = flow.store.tasks_of(request_id)
    assert [(t.window_start, t.window_end) for t in tasks] == [(window.start, window.end), (window.end, new_end)]
    end_job = sql(flow).jobs.get(f"{request_id}:end")
    assert end_job is not None and end_job.due_at == new_end
    extended = [o for o in posted.outcomes if o.event is Event.EXTENDED]
    assert len(extended) == 1 and extended[0].note is not None
    assert extended[0].note.key == "thread.extended.follow_on"
    assert [e.action for e in sql(flow).audit.events(request_id=request_id)].count("extend") == 1
    # Cancel now stops both tasks
    flow.cancel(request_id, user="U1")
    flow.drain()
    assert len(fake_providers.volc.calls_to("StopPullRecordTask")) == 2
    assert {t.state for t in flow.store.tasks_of(request_id)} == {TaskState.STOPPED}


def test_a_tencent_follow_on_starts_exactly_at_the_previous_end(
    flow: RequestFlow, fake_providers: FakeProviders
) -> None:
    window = soon(length=45)
    request_id = scheduled(flow, record("tencent", "ext2", window))
    flow.extend(request_id, timedelta(minutes=15), user="U1")
    flow.drain()
    creates = fake_providers.tencent.calls_to("CreateRecordTask")
    assert [(c.params["StartTime"], c.params["EndTime"]) for c in creates] == [
        (int(window.start.timestamp()), int(window.end.timestamp())),
        (int(window.end.timestamp()), int((window.end + timedelta(minutes=15)).timestamp())),
    ]


def test_an_extension_beyond_what_tencent_accepts_is_refused_before_anything_changes(
    flow: RequestFlow, fake_providers: FakeProviders
) -> None:
    window = soon(minutes=int(timedelta(days=5, hours=23).total_seconds() // 60), length=24 * 60)
    request_id = scheduled(flow, record("tencent", "ext3", window))
    with pytest.raises(ValidationError) as refused:
        flow.extend(request_id, timedelta(hours=2), user="U1")
    assert "7 d" in refused.value.render("en")
    stored = flow.store.get(request_id)
    assert stored is not None and stored.request.window == window
    assert len(fake_providers.tencent.calls_to("CreateRecordTask")) == 1


def test_a_volc_relay_is_changed_in_place(flow: RequestFlow, fake_providers: FakeProviders, posted: Posted) -> None:
    window = soon()
    relay = TaskRequest("relay", "volc", StreamTarget("live", "ext4"), window, sources=("rtmp://src.example.com/l/s",))
    request_id = scheduled(flow, relay)
    flow.extend(request_id, timedelta(hours=1), user="U1")
    flow.drain()
    updates = fake_providers.volc.calls_to("UpdateRelaySourceV4")
    assert [u.params["EndTime"] for u in updates] == [int((window.end + timedelta(hours=1)).timestamp())]
    assert len(fake_providers.volc.calls_to("CreateRelaySourceV4")) == 1
    assert len(flow.store.tasks_of(request_id)) == 1
    assert [o.note.key for o in posted.outcomes if o.event is Event.EXTENDED and o.note] == ["thread.extended.in_place"]


def test_a_bot_kept_trro_window_moves_its_stop_job_only(flow: RequestFlow, fake_providers: FakeProviders) -> None:
    window = soon()
    request_id = scheduled(flow, TaskRequest("record", "trro", DeviceTarget("device01", 0), window))
    flow.extend(request_id, timedelta(minutes=15), user="U1")
    flow.drain()
    stop = sql(flow).jobs.get(f"{request_id}:stop")
    start = sql(flow).jobs.get(f"{request_id}:start")
    assert stop is not None and stop.due_at == window.end + timedelta(minutes=15)
    assert start is not None and start.deadline_at == window.end + timedelta(minutes=15)
    assert fake_providers.trro.calls == []


def test_two_extensions_at_once_happen_one_after_the_other(flow: RequestFlow, fake_providers: FakeProviders) -> None:
    window = soon()
    request_id = scheduled(flow, record("volc", "ext5", window))
    with ThreadPoolExecutor(max_workers=2) as pool:
        claims = list(pool.map(lambda m: flow.extend(request_id, timedelta(minutes=m), user="U1"), (30, 15)))
    flow.drain()
    assert {(c.old_end, c.new_end) for c in claims} in (
        {(window.end, window.end + timedelta(minutes=30)), (window.end + timedelta(minutes=30), window.end + timedelta(minutes=45))},
        {(window.end, window.end + timedelta(minutes=15)), (window.end + timedelta(minutes=15), window.end + timedelta(minutes=45))},
    )  # fmt: skip
    windows = volc_windows(fake_providers, "ext5")
    assert len(windows) == 3 and all(a[1] == b[0] for a, b in itertools.pairwise(windows))
    assert windows[-1][1] == window.end + timedelta(minutes=45)
    stored = flow.store.get(request_id)
    assert stored is not None and stored.request.window is not None
    assert stored.request.window.end == window.end + timedelta(minutes=45)


def test_only_the_requester_or_cancel_any_may_extend(flow: RequestFlow, fake_providers: FakeProviders) -> None:
    request_id = scheduled(flow, record("volc", "ext6", soon()))
    with pytest.raises(PermissionDenied):
        flow.extend(request_id, timedelta(minutes=15), user="USTRANGER")
    flow.extend(request_id, timedelta(minutes=15), user=OPS)
    flow.drain()
    stored = flow.store.get(request_id)
    assert stored is not None and stored.extra["extended_by"] == OPS
    assert len(fake_providers.volc.calls_to("CreatePullRecordTask")) == 2


def test_a_refused_follow_on_moves_the_end_back_and_says_so(
    flow: RequestFlow, fake_providers: FakeProviders, posted: Posted
) -> None:
    window = soon()
    request_id = scheduled(flow, record("volc", "ext7", window))
    fake_providers.volc.inject(Fault.error("RequestForbidden.BillingStatus", status=403), action="CreatePullRecordTask")
    flow.extend(request_id, timedelta(minutes=30), user="U1")
    flow.drain()
    stored = flow.store.get(request_id)
    assert stored is not None and stored.request.window == window
    end_job = sql(flow).jobs.get(f"{request_id}:end")
    assert end_job is not None and end_job.due_at == window.end
    failed = [o for o in posted.outcomes if o.event is Event.EXTEND_FAILED]
    assert len(failed) == 1 and failed[0].note is not None and failed[0].note.key == "thread.extend_failed"
    assert [t.window_end for t in flow.store.tasks_of(request_id)] == [window.end]


def test_what_cannot_be_extended_says_why(flow: RequestFlow) -> None:
    request_id = scheduled(flow, record("volc", "ext8", soon()))
    flow.cancel(request_id, user="U1")
    flow.drain()
    with pytest.raises(RequestStateError) as refused:
        flow.extend(request_id, timedelta(minutes=15), user="U1")
    assert refused.value.key == "extend.not_active"
    with pytest.raises(RequestStateError) as unknown:
        flow.extend("rzzzzzz", timedelta(minutes=15), user="U1")
    assert unknown.value.key == "flow.unknown_request"


def test_the_store_moves_a_window_end_only_from_the_end_it_was_told(flow: RequestFlow) -> None:
    window = soon()
    request_id = scheduled(flow, record("volc", "ext9", window))
    stored = flow.store.get(request_id)
    assert stored is not None
    later = replace(stored.request, window=Window(window.start, window.end + timedelta(minutes=5)))
    stale = window.end - timedelta(minutes=1)
    assert flow.store.transition(request_id, from_states={S.SCHEDULED}, to=S.SCHEDULED, request=later,
                                 window_end_was=stale) is None  # fmt: skip
    moved = flow.store.transition(
        request_id, from_states={S.SCHEDULED}, to=S.SCHEDULED, request=later, window_end_was=window.end
    )
    assert moved is not None and moved.request.window == later.window
    again = flow.store.get(request_id)
    assert again is not None and again.request.window == later.window
