"""Series on a provider that cannot hold a task ahead of its window (TRRO), below the adapters: the real flow and store
(SQLite and PostgreSQL), the real scheduler on an injected clock and the fake TRRO over real HTTP. Each occurrence's
task is created at its start and deleted at its end; a start the bot was down for past the occurrence's end is said
as missed, a late one starts late and says so; a restart in the middle of an occurrence still stops it at its end;
skipping a running occurrence deletes it; cancelling the series deletes the running one and starts no more."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.model import DeviceTarget, Schedule, TaskRequest, Window
from bot.core.series import Series
from bot.flow import RequestFlow
from bot.flow.series_jobs import SeriesJobs
from bot.lifecycle import RequestState as S
from bot.lifecycle import TaskState
from bot.scheduler import EARLY_KINDS, Due, Scheduler
from bot.store import SqlRequestStore
from providers.registry import ProviderRegistry
from tests.durable_support import until
from tests.fakes.providers import FakeProviders, Fault
from tests.fixtures_store import Posted

NEW_YORK = ZoneInfo("America/New_York")
#: Thu 11, Fri 12, Mon 15, Tue 16 March 2027, 09:00–10:00 New York.
SERIES = Series("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20270316T235959", date(2027, 3, 11), time(9), time(10), 0,
                "America/New_York")  # fmt: skip


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 3, 10, 12, 0, tzinfo=NEW_YORK))


@pytest.fixture
def posted() -> Posted:
    return Posted()


def new_flow(store: SqlRequestStore, registry: ProviderRegistry, posted: Posted, clock: Clock) -> RequestFlow:
    return RequestFlow(store=store, providers=registry, notifier=posted, workers=4, jobs=store.jobs,
                       audit=store.audit, clock=clock)  # fmt: skip


def confirmed_series(flow: RequestFlow, device: str) -> str:
    first = SERIES.occurrences()[0]
    request = TaskRequest("record", "trro", DeviceTarget(device, 0), Window(first.start, first.end))
    stored = flow.propose(Schedule(request, "America/New_York", series=SERIES), requester="U1", text="/record …")
    flow.confirm(stored.id, user="U1")
    flow.drain()
    return stored.id


def run_at(flow: RequestFlow, clock: Clock, day: int, hour: int, minute: int = 0) -> None:
    """Run what the scheduler has due on ``day`` March 2027 at ``hour:minute`` New York time."""
    store = flow.store
    assert flow.series is not None and flow.windows is not None and isinstance(store, SqlRequestStore)
    clock.at = datetime(2027, 3, day, hour, minute, tzinfo=NEW_YORK)
    Scheduler(store.jobs, {**flow.windows.handlers(), **flow.series.handlers()}, clock=clock).run_due()


def creates(fakes: FakeProviders, device: str) -> list[str]:
    """One entry per CreateCloudRecording the fake TRRO received for ``device``, in order."""
    return [c.params["DeviceId"] for c in fakes.trro.calls_to("CreateCloudRecording") if c.params["DeviceId"] == device]


def deleted(fakes: FakeProviders) -> list[str]:
    return [str(c.params["TaskId"]) for c in fakes.trro.calls_to("DeleteCloudRecording")]


def task_on(store: SqlRequestStore, request_id: str, day: int) -> tuple[str, TaskState]:
    found = [t for t in store.tasks_of(request_id) if t.window_start and t.window_start.astimezone(NEW_YORK).day == day]
    assert len(found) == 1, found
    return found[0].task_id, found[0].state


def test_each_occurrence_is_created_at_its_start_and_deleted_at_its_end_across_a_restart(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock)
    request_id = confirmed_series(flow, "kept1")
    assert store.get(request_id).state is S.SCHEDULED  # type: ignore[union-attr]
    assert posted.keys(request_id) == ["series.thread.planned_by_bot"]
    jobs = store.jobs.list_jobs(request_id=request_id)
    occurrences = SERIES.occurrences()
    assert [j.due_at for j in jobs if j.kind == "series.start"] == [o.start for o in occurrences]
    assert [j.deadline_at for j in jobs if j.kind == "series.start"] == [o.end for o in occurrences]
    assert [j.due_at for j in jobs if j.kind == "series.stop"] == [o.end for o in occurrences]
    assert not [j for j in jobs if j.kind in ("series.create", "window.end")]

    run_at(flow, clock, 11, 8, 58)
    assert creates(fake_providers, "kept1") == []  # nothing at the provider ahead of its window
    run_at(flow, clock, 11, 9)
    assert creates(fake_providers, "kept1") == ["kept1"]
    thursday, state = task_on(store, request_id, 11)
    assert state is TaskState.ACTIVE and deleted(fake_providers) == []
    started = posted.notes[-1]
    assert started[1] == "series.thread.started" and thursday in started[2] and "<@U1>" not in started[2]
    flow.close()  # the process dies in the middle of Thursday's recording

    flow = new_flow(store, provider_registry, posted, clock)
    run_at(flow, clock, 11, 10)
    assert deleted(fake_providers) == [thursday] and task_on(store, request_id, 11)[1] is TaskState.ENDED
    finished = posted.notes[-1]
    assert finished[1] == "series.thread.finished" and thursday in finished[2] and "<@U1>" not in finished[2]

    run_at(flow, clock, 12, 10, 30)  # down for all of Friday's window: said as missed, nothing created
    assert creates(fake_providers, "kept1") == ["kept1"]
    missed = [n for n in posted.notes if n[1] == "series.thread.missed_start"]
    assert len(missed) == 1 and "Fri 12 Mar" in missed[0][2] and "<@U1>" in missed[0][2]

    run_at(flow, clock, 15, 9, 10)  # up again ten minutes into Monday's: it starts late and says so
    monday, _ = task_on(store, request_id, 15)
    late = posted.notes[-1]
    assert late[1] == "series.thread.started_late" and "10 min late" in late[2] and monday in late[2]
    assert flow.series is not None  # the start job run twice (a lost lease) does not create it again
    again = next(j for j in store.jobs.list_jobs(request_id=request_id) if j.key.endswith(":start:2027-03-15"))
    flow.series.kept.start(Due(job=again, now=clock(), late_by=None, missed=False, final_attempt=False))
    run_at(flow, clock, 15, 10)
    run_at(flow, clock, 16, 9)
    assert store.get(request_id).state is S.SCHEDULED  # type: ignore[union-attr]
    run_at(flow, clock, 16, 10)  # the last occurrence's end settles the series
    tuesday, _ = task_on(store, request_id, 16)
    assert creates(fake_providers, "kept1") == ["kept1"] * 3
    assert deleted(fake_providers) == [thursday, monday, tuesday]
    assert store.get(request_id).state is S.DONE  # type: ignore[union-attr]
    assert {t.state for t in store.tasks_of(request_id)} == {TaskState.ENDED}
    actions = [e.action for e in store.audit.events(request_id=request_id)]
    assert (actions.count("start"), actions.count("stop"), actions.count("missed")) == (3, 3, 1)
    flow.close()


def test_skipping_or_cancelling_during_an_occurrence_deletes_its_task_and_starts_no_more(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock)
    request_id = confirmed_series(flow, "kept2")
    run_at(flow, clock, 11, 9, 1)
    thursday, _ = task_on(store, request_id, 11)
    _, left = flow.cancel_occurrence(request_id, date(2027, 3, 11), user="U1")  # Thursday's, while it records
    flow.drain()
    assert left == 3 and deleted(fake_providers) == [thursday]
    assert task_on(store, request_id, 11)[1] is TaskState.STOPPED
    flow.cancel_occurrence(request_id, date(2027, 3, 12), user="U1")  # Friday's, before it starts
    run_at(flow, clock, 12, 9, 30)
    assert creates(fake_providers, "kept2") == ["kept2"]  # Friday's skipped; Thursday's end deleted nothing more
    assert deleted(fake_providers) == [thursday]

    run_at(flow, clock, 15, 9, 1)
    monday, _ = task_on(store, request_id, 15)
    flow.cancel(request_id, user="U1")  # the whole series, while Monday's records
    flow.drain()
    assert store.get(request_id).state is S.CANCELLED  # type: ignore[union-attr]
    assert deleted(fake_providers) == [thursday, monday]
    assert task_on(store, request_id, 15)[1] is TaskState.STOPPED
    run_at(flow, clock, 16, 10, 30)
    assert creates(fake_providers, "kept2") == ["kept2"] * 2 and deleted(fake_providers) == [thursday, monday]
    flow.close()


def test_cancelling_between_occurrences_deletes_nothing_more_and_a_start_overtaken_by_a_cancel_is_deleted(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock)
    between = confirmed_series(flow, "kept4")
    overtaken = confirmed_series(flow, "kept5")
    store.jobs.cancel_for_request(overtaken)  # its start is run by hand below
    run_at(flow, clock, 11, 9)
    run_at(flow, clock, 11, 10)
    thursday, _ = task_on(store, between, 11)
    flow.cancel(between, user="U1")  # Thursday's ended and was deleted; Friday's has not started
    flow.drain()
    assert store.get(between).state is S.CANCELLED and deleted(fake_providers) == [thursday]  # type: ignore[union-attr]

    assert flow.series is not None
    start = next(j for j in store.jobs.list_jobs(request_id=overtaken) if j.key.endswith(":start:2027-03-11"))
    fake_providers.trro.inject(Fault.delay(0.3), action="CreateCloudRecording")  # (answered after the cancel)
    clock.at = datetime(2027, 3, 11, 9, tzinfo=NEW_YORK)
    starting = threading.Thread(target=flow.series.kept.start, args=(Due(start, clock(), None, False, False),))
    starting.start()
    until(lambda: creates(fake_providers, "kept5"), what="the start to reach the provider")
    flow.cancel(overtaken, user="U1")  # nothing is recorded yet: cancelled without a provider call
    starting.join()
    created = [c for c in fake_providers.trro.calls_to("CreateCloudRecording") if c.params["DeviceId"] == "kept5"]
    assert len(created) == 1 and store.tasks_of(overtaken) == []
    assert len(deleted(fake_providers)) == 2  # the task nobody recorded was deleted at once, not left running
    flow.close()


def test_a_start_refused_by_the_provider_mentions_the_requester_and_the_series_goes_on(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock)
    request_id = confirmed_series(flow, "kept3")
    fake_providers.trro.inject(Fault.error("OperationDenied.LicensesNotEnoughError"), action="CreateCloudRecording")
    run_at(flow, clock, 11, 9)
    failed = posted.notes[-1]
    assert failed[1] == "series.thread.start_failed" and "<@U1>" in failed[2] and "Thu 11 Mar" in failed[2]
    assert store.tasks_of(request_id) == [] and store.get(request_id).state is S.SCHEDULED  # type: ignore[union-attr]
    run_at(flow, clock, 12, 9)
    assert len(store.tasks_of(request_id)) == 1  # Friday's starts as planned
    flow.close()


def test_an_occurrence_start_is_a_punctual_kind_and_a_provider_kept_create_is_not() -> None:
    """Starts leave early when many share a due time (a recording that starts late loses the show); creating a task
    a day ahead never needs to."""
    assert {"series.start"} == SeriesJobs.EARLY and SeriesJobs.EARLY <= EARLY_KINDS
    assert "series.create" not in EARLY_KINDS | SeriesJobs.EARLY


def test_a_start_rerun_after_its_worker_died_starts_it_and_asks_the_requester_to_check_for_a_second(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock)
    request_id = confirmed_series(flow, "kept9")
    assert flow.series is not None
    clock.at = datetime(2027, 3, 11, 9, 0, tzinfo=NEW_YORK)
    jobs = {j.key.rsplit(":", 1)[-1]: j for j in store.jobs.list_jobs(request_id=request_id) if ":start:" in j.key}
    retried = replace(jobs["2027-03-12"], attempts=2, last_error="Timeout")  # a retry after its own error: no doubt
    flow.series.kept.start(Due(job=replace(jobs["2027-03-11"], attempts=1), now=clock(), late_by=None, missed=False,
                               final_attempt=False))  # fmt: skip
    clock.at = datetime(2027, 3, 12, 9, 0, tzinfo=NEW_YORK)
    flow.series.kept.start(Due(job=retried, now=clock(), late_by=None, missed=False, final_attempt=False))
    assert "series.thread.start_interrupted" not in posted.keys(request_id)
    clock.at = datetime(2027, 3, 15, 9, 0, tzinfo=NEW_YORK)
    died = replace(jobs["2027-03-15"], attempts=2, last_error=None)  # claimed again after its worker's lease ran out
    flow.series.kept.start(Due(job=died, now=clock(), late_by=None, missed=False, final_attempt=False))
    unsure = [n for n in posted.notes if n[1] == "series.thread.start_interrupted"]
    assert len(unsure) == 1 and "<@U1>" in unsure[0][2] and "kept9/0" in unsure[0][2] and "Mon 15 Mar" in unsure[0][2]
    assert creates(fake_providers, "kept9") == ["kept9"] * 3  # started all the same: the occurrence is recorded
    assert task_on(store, request_id, 15)[1] is TaskState.ACTIVE
    assert [
        e.outcome for e in store.audit.events(request_id=request_id) if e.detail == "series.thread.start_interrupted"
    ] == ["unknown"]
    flow.close()


def test_a_start_due_while_its_plan_is_still_written_waits_for_it_then_starts_the_occurrence(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock)
    request_id = confirmed_series(flow, "kept10")
    assert flow.series is not None
    clock.at = datetime(2027, 3, 11, 9, 0, tzinfo=NEW_YORK)
    first = next(j for j in store.jobs.list_jobs(request_id=request_id) if j.key.endswith(":start:2027-03-11"))
    # another replica claims the start while the plan is still being written (the series in submitting)
    assert store.transition(request_id, from_states={S.SCHEDULED}, to=S.SUBMITTING) is not None
    looks: list[float] = []

    def plan_written(seconds: float) -> None:
        looks.append(seconds)
        store.transition(request_id, from_states={S.SUBMITTING}, to=S.SCHEDULED)

    flow.series.kept.sleep = plan_written
    flow.series.kept.start(Due(job=first, now=clock(), late_by=None, missed=False, final_attempt=False))
    assert len(looks) == 1 and creates(fake_providers, "kept10") == ["kept10"]
    assert task_on(store, request_id, 11)[1] is TaskState.ACTIVE
    flow.close()
