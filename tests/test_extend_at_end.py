"""Extending a Volcengine recording while it records, through the real flow and store (SQLite and PostgreSQL), the
real scheduler on an injected clock and the fake Volcengine, which refuses a second task on a stream while one records
(the documented one task per stream at a time): the follow-on is created when the current task ends, contiguous to the
second; two extensions give two follow-ons one after the other; a cancel before the end means no follow-on; a
refusal at the end moves the end back and says so, mentioning the requester."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.model import Schedule, StreamTarget, TaskRequest, Window
from bot.flow import Event, RequestFlow
from bot.lifecycle import RequestState as S
from bot.scheduler import Due, Scheduler
from bot.store import SqlRequestStore
from providers.registry import ProviderRegistry
from tests.fakes.providers import FakeProviders, Fault
from tests.fixtures_store import Posted

#: The recording's window: two hours from the real now (the providers sign and check with the real clock).
START = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
END = START + timedelta(minutes=30)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(fake_providers: FakeProviders) -> Clock:
    at = Clock(START + timedelta(minutes=10))  # it records
    fake_providers.volc.now = at  # the fake's tasks run on the same clock
    return at


@pytest.fixture
def posted() -> Posted:
    return Posted()


@pytest.fixture
def flow(
    store: SqlRequestStore, provider_registry: ProviderRegistry, posted: Posted, clock: Clock
) -> Iterator[RequestFlow]:
    running = RequestFlow(store=store, providers=provider_registry, notifier=posted, workers=4, jobs=store.jobs,
                          audit=store.audit, clock=clock)  # fmt: skip
    yield running
    running.close()


def recording(flow: RequestFlow, fakes: FakeProviders, stream: str) -> str:
    """A Volcengine recording START–END, created while the clock still stood before it."""
    request = TaskRequest("record", "volc", StreamTarget("live", stream), Window(START, END))
    stored = flow.propose(Schedule(request, "Asia/Shanghai"), requester="U1", text="/record …")
    flow.confirm(stored.id, user="U1")
    flow.drain()
    assert flow.store.get(stored.id).state is S.SCHEDULED  # type: ignore[union-attr]
    return stored.id


def run_at(flow: RequestFlow, clock: Clock, minutes: int) -> None:
    """Run what the scheduler has due ``minutes`` after START."""
    assert flow.windows is not None
    clock.at = START + timedelta(minutes=minutes)
    Scheduler(sql(flow).jobs, {**flow.windows.handlers(), **flow.extender.handlers()}, clock=clock).run_due()


def sql(flow: RequestFlow) -> SqlRequestStore:
    assert isinstance(flow.store, SqlRequestStore)
    return flow.store


def windows(fakes: FakeProviders, stream: str) -> list[tuple[datetime, datetime]]:
    found = [t for t in fakes.volc.tasks.values() if t.get("Stream") == stream and "StreamURL" in t]
    return sorted((utc(t["StartTime"]), utc(t["EndTime"])) for t in found)


def utc(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_a_recording_volc_task_gets_its_follow_on_when_it_ends(
    flow: RequestFlow, fake_providers: FakeProviders, posted: Posted, clock: Clock
) -> None:
    request_id = recording(flow, fake_providers, "atend1")
    run_at(flow, clock, 10)
    flow.extend(request_id, timedelta(minutes=30), user="U1")
    flow.drain()
    assert windows(fake_providers, "atend1") == [(START, END)]  # a second task now would be refused
    assert posted.keys(request_id)[-1] == "thread.extended.at_end"
    assert "when the current one ends" in posted.notes[-1][2]
    stored = flow.store.get(request_id)
    assert stored is not None and stored.request.window == Window(START, END + timedelta(minutes=30))
    run_at(flow, clock, 29)
    assert len(fake_providers.volc.calls_to("CreatePullRecordTask")) == 1
    run_at(flow, clock, 30)
    assert windows(fake_providers, "atend1") == [(START, END), (END, END + timedelta(minutes=30))]
    assert [c.outcome for c in fake_providers.volc.calls_to("CreatePullRecordTask")] == ["ok", "ok"]
    tasks = flow.store.tasks_of(request_id)
    assert [(t.window_start, t.window_end) for t in tasks] == [(START, END), (END, END + timedelta(minutes=30))]
    created = posted.notes[-1]
    assert created[1] == "thread.follow_on_created" and tasks[1].task_id in created[2]
    job = next(j for j in sql(flow).jobs.list_jobs(request_id=request_id) if j.kind == "extend.follow_on")
    flow.extender.follow_on_due(Due(job=job, now=clock(), late_by=None, missed=False, final_attempt=False))
    assert len(fake_providers.volc.calls_to("CreatePullRecordTask")) == 2  # once, though its job ran twice
    run_at(flow, clock, 60)
    assert flow.store.get(request_id).state is S.DONE  # type: ignore[union-attr]


def test_two_extensions_while_it_records_give_two_follow_ons_one_after_the_other(
    flow: RequestFlow, fake_providers: FakeProviders, clock: Clock
) -> None:
    request_id = recording(flow, fake_providers, "atend2")
    flow.extend(request_id, timedelta(minutes=30), user="U1")
    flow.extend(request_id, timedelta(minutes=15), user="U1")
    flow.drain()
    for minutes in (30, 60):
        run_at(flow, clock, minutes)
    assert windows(fake_providers, "atend2") == [
        (START, END), (END, END + timedelta(minutes=30)), (END + timedelta(minutes=30), END + timedelta(minutes=45)),
    ]  # fmt: skip
    assert {c.outcome for c in fake_providers.volc.calls_to("CreatePullRecordTask")} == {"ok"}


def test_a_cancel_before_the_end_means_no_follow_on(flow: RequestFlow, fake_providers: FakeProviders, clock: Clock) -> None:  # fmt: skip
    request_id = recording(flow, fake_providers, "atend3")
    flow.extend(request_id, timedelta(minutes=30), user="U1")
    flow.drain()
    flow.cancel(request_id, user="U1")
    flow.drain()
    run_at(flow, clock, 30)
    assert flow.store.get(request_id).state is S.CANCELLED  # type: ignore[union-attr]
    assert len(fake_providers.volc.calls_to("CreatePullRecordTask")) == 1


def test_a_follow_on_refused_at_the_end_moves_the_end_back_and_says_so(
    flow: RequestFlow, fake_providers: FakeProviders, posted: Posted, clock: Clock
) -> None:
    request_id = recording(flow, fake_providers, "atend4")
    flow.extend(request_id, timedelta(minutes=30), user="U1")
    flow.drain()
    fake_providers.volc.inject(Fault.error("RequestForbidden.BillingStatus", status=403), action="CreatePullRecordTask")
    run_at(flow, clock, 30)
    failed = [o for o in posted.outcomes if o.event is Event.EXTEND_FAILED]
    assert len(failed) == 1 and "<@U1>" in posted.notes[posted.outcomes.index(failed[0])][2]
    run_at(flow, clock, 31)  # the end moved back to END: its job settles the request
    stored = flow.store.get(request_id)
    assert stored is not None and stored.request.window == Window(START, END) and stored.state is S.DONE
