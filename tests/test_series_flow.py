"""Series end to end below the adapters: the real flow and store (SQLite and PostgreSQL), the real scheduler (an
injected clock) and the fake providers over real HTTP. A weekday series over a DST change creates each occurrence
once, ahead, at the right wall time, across a restart and with two replicas; one occurrence can be cancelled alone;
cancelling the series stops the rest and says how many; Volcengine (one task per stream) gets each occurrence only
after the previous one ends, and a Volcengine relay series keeps one configuration on the stream at a time."""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.model import ChannelTarget, Schedule, StreamTarget, Target, TaskRequest, Window
from bot.core.series import Series
from bot.errors import RequestStateError
from bot.flow import Event, RequestFlow
from bot.lifecycle import RequestState as S
from bot.lifecycle import TaskState
from bot.scheduler import Due, Scheduler
from bot.slack.outcomes import card_buttons
from bot.store import SqlRequestStore
from providers.registry import ProviderRegistry
from tests.fakes.providers import FakeProviders
from tests.fixtures_store import Posted

NEW_YORK = ZoneInfo("America/New_York")
#: Thu 11, Fri 12, Mon 15, Tue 16 March 2027; clocks go forward on Sunday the 14th.
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


def new_flow(store: SqlRequestStore, registry: ProviderRegistry, posted: Posted, clock: Clock, lead_days: int) -> RequestFlow:  # fmt: skip
    return RequestFlow(store=store, providers=registry, notifier=posted, workers=4, jobs=store.jobs,
                       audit=store.audit, clock=clock, series_lead=timedelta(days=lead_days))  # fmt: skip


@pytest.fixture
def posted() -> Posted:
    return Posted()


def confirmed_series(flow: RequestFlow, provider: str, target: Target) -> str:
    first = SERIES.occurrences()[0]
    request = TaskRequest("record", provider, target, Window(first.start, first.end))
    stored = flow.propose(Schedule(request, "America/New_York", series=SERIES), requester="U1", text="/record …")
    flow.confirm(stored.id, user="U1")
    flow.drain()
    return stored.id


def scheduler(store: SqlRequestStore, flow: RequestFlow, clock: Clock, name: str) -> Scheduler:
    assert flow.windows is not None and flow.series is not None
    return Scheduler(store.jobs, {**flow.windows.handlers(), **flow.series.handlers()}, worker=name, clock=clock)


def qcloud_starts(fakes: FakeProviders, channel: str) -> list[str]:
    return sorted(c.params["Param.s.start_time"] for c in fakes.qcloud.calls_to("Live_Tape_Start")
                  if c.params["Param.s.channel_id"] == channel)  # fmt: skip


def test_a_weekday_series_over_dst_creates_each_occurrence_once_across_a_restart_and_two_replicas(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock, lead_days=10)
    request_id = confirmed_series(flow, "qcloud", ChannelTarget("8888_series1"))
    stored = store.get(request_id)
    assert stored is not None and stored.state is S.SCHEDULED
    creates = [j for j in store.jobs.list_jobs(request_id=request_id) if j.kind == "series.create"]
    # ten days of real time ahead (not of wall time: Monday's is 10 days ahead to the hour, though clocks changed)
    assert [j.due_at for j in creates] == [o.start.astimezone(UTC) - timedelta(days=10) for o in SERIES.occurrences()]
    scheduler(store, flow, clock, "first").run_due(limit=2)  # two created, then the process "dies"
    flow.close()
    assert len(store.tasks_of(request_id)) == 2
    after = new_flow(store, provider_registry, posted, clock, lead_days=10)
    replicas = [scheduler(store, after, clock, f"replica-{n}") for n in range(2)]
    threads = [threading.Thread(target=r.run_due) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after.close()
    # once each, at 09:00 New York: 22:00 China time before the change, 21:00 after it
    assert qcloud_starts(fake_providers, "8888_series1") == [
        "2027-03-11 22:00:00", "2027-03-12 22:00:00", "2027-03-15 21:00:00", "2027-03-16 21:00:00",
    ]  # fmt: skip
    tasks = store.tasks_of(request_id)
    assert [t.window_start.astimezone(NEW_YORK).hour for t in tasks if t.window_start] == [9, 9, 9, 9]
    assert [o.event for o in posted.outcomes].count(Event.OCCURRENCE_SCHEDULED) == 4
    again = new_flow(store, provider_registry, posted, clock, lead_days=10)  # a job run twice (a lost lease)
    assert again.series is not None
    again.series.create(Due(job=creates[0], now=clock(), late_by=None, missed=False, final_attempt=False))
    again.close()
    assert len(qcloud_starts(fake_providers, "8888_series1")) == 4
    assert len([e for e in store.audit.events(request_id=request_id) if e.action == "create"]) == 5  # series + 4


def test_one_occurrence_can_be_cancelled_alone_and_cancelling_the_series_says_how_many(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock, lead_days=1)
    request_id = confirmed_series(flow, "qcloud", ChannelTarget("8888_series2"))
    clock.at = datetime(2027, 3, 11, 9, 30, tzinfo=NEW_YORK)  # Thu's (and Fri's) creates are due
    scheduler(store, flow, clock, "one").run_due()
    assert len(store.tasks_of(request_id)) == 2
    stored, left = flow.cancel_occurrence(request_id, date(2027, 3, 12), user="U1")
    flow.drain()
    assert left == 3 and stored.extra["skipped"] == ["2027-03-12"]  # Thu (running), Mon, Tue
    stopped = [t for t in store.tasks_of(request_id) if t.state is TaskState.STOPPED]
    assert [t.window_start.astimezone(NEW_YORK).day for t in stopped if t.window_start] == [12]
    flow.cancel_occurrence(request_id, date(2027, 3, 16), user="U1")  # Tuesday's, not created yet
    clock.at = datetime(2027, 3, 15, 9, 30, tzinfo=NEW_YORK)  # Mon's and Tue's creates are due
    scheduler(store, flow, clock, "one").run_due()
    assert len(qcloud_starts(fake_providers, "8888_series2")) == 3  # Mon's created; Fri's not again, Tue's never
    started = [o for o in posted.outcomes if o.event is Event.OCCURRENCE_STARTED]  # Thursday's and Monday's
    assert [dict(o.note.params)["when"][:10] for o in started if o.note] == ["Thu 11 Mar", "Mon 15 Mar"]
    assert "Recording now on Tencent LVB" in posted.notes[posted.outcomes.index(started[0])][2]
    series = store.get(request_id)
    assert series is not None
    dialog = card_buttons(series, retry_is_safe=False)[0]["confirm"]["text"]["text"]
    # counted when the card was last drawn (the store's real clock, months before): Thursday and Monday
    assert "All 2 upcoming recordings" in dialog
    flow.cancel(request_id, user="U1")
    flow.drain()
    assert store.get(request_id).state is S.CANCELLED  # type: ignore[union-attr]
    clock.at = datetime(2027, 3, 16, 9, 30, tzinfo=NEW_YORK)
    scheduler(store, flow, clock, "one").run_due()
    assert len(qcloud_starts(fake_providers, "8888_series2")) == 3  # nothing after the cancel
    finals = {t.window_start.astimezone(NEW_YORK).day: t.state for t in store.tasks_of(request_id) if t.window_start}
    assert finals == {11: TaskState.ENDED, 12: TaskState.STOPPED, 15: TaskState.STOPPED}  # Thu finished before
    flow.close()


def test_volcengine_gets_each_occurrence_only_after_the_previous_one_ends(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    fake_providers.volc.now = clock  # the fake's tasks run on the test's clock
    flow = new_flow(store, provider_registry, posted, clock, lead_days=1)
    request_id = confirmed_series(flow, "volc", StreamTarget("live", "series3"))
    creates = [j for j in store.jobs.list_jobs(request_id=request_id) if j.kind == "series.create"]
    occurrences = SERIES.occurrences()
    assert creates[0].due_at == occurrences[0].start - timedelta(days=1)
    # a day ahead, but never before the previous one ends
    wanted = [max(o.start - timedelta(days=1), before.end) for before, o in itertools.pairwise(occurrences)]
    assert [j.due_at for j in creates[1:]] == wanted
    assert wanted[0] == occurrences[0].end and wanted[1] == occurrences[2].start - timedelta(days=1)
    moments = (
        datetime(2027, 3, 10, 12),
        datetime(2027, 3, 11, 9, 30),
        datetime(2027, 3, 11, 10, 0, 30),
        datetime(2027, 3, 14, 9, 0, 30),
    )  # (Thursday's records at 09:30: the fake refuses a second task then)
    for moment in moments:
        clock.at = moment.replace(tzinfo=NEW_YORK)
        scheduler(store, flow, clock, "volc").run_due()
    assert len(fake_providers.volc.calls_to("CreatePullRecordTask")) == 3
    assert not [c for c in fake_providers.volc.calls if c.outcome != "ok"]  # the fake's one-task rule never refused
    flow.close()


def test_a_volcengine_relay_series_holds_one_configuration_at_a_time(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    fake_providers.volc.now = clock  # a relay's configuration is in force until its window ends, on the test's clock
    flow = new_flow(store, provider_registry, posted, clock, lead_days=1)
    first = SERIES.occurrences()[0]
    relay = TaskRequest("relay", "volc", StreamTarget("live", "rseries"), Window(first.start, first.end),
                        sources=("rtmp://src.example.com/live/in",))  # fmt: skip
    stored = flow.propose(Schedule(relay, "America/New_York", series=SERIES), requester="U1", text="/relay …")
    flow.confirm(stored.id, user="U1")
    flow.drain()
    moments = (datetime(2027, 3, 10, 12), datetime(2027, 3, 11, 9, 30), datetime(2027, 3, 11, 10, 0, 30),
               datetime(2027, 3, 14, 9, 0, 30))  # fmt: skip
    for moment in moments:
        clock.at = moment.replace(tzinfo=NEW_YORK)
        scheduler(store, flow, clock, "relay").run_due()
    created = fake_providers.volc.calls_to("CreateRelaySourceV4")
    assert [c.outcome for c in created] == ["ok"] * 3  # Thu, Fri, Mon: never a second configuration on the stream
    assert [datetime.fromtimestamp(c.params["StartTime"], NEW_YORK).day for c in created] == [11, 12, 15]
    flow.close()


def test_tencent_occurrences_are_created_within_its_six_and_seven_day_limits(
    store: SqlRequestStore, provider_registry: ProviderRegistry, posted: Posted, clock: Clock
) -> None:
    flow = new_flow(store, provider_registry, posted, clock, lead_days=1)
    assert flow.series is not None
    short = SERIES.occurrences()[0]  # (a task is at most 24 h long, so its start, 6 days ahead, always decides)
    assert flow.series.create_at("tencent", short, None) == short.start - timedelta(days=6) + timedelta(minutes=1)
    assert flow.series.create_at("qcloud", short, None) == short.start - timedelta(days=1)
    flow.close()


def test_a_create_job_due_at_once_waits_while_its_plan_is_written_then_creates_the_occurrence(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock, lead_days=10)
    request_id = confirmed_series(flow, "qcloud", ChannelTarget("8888_series4"))
    assert flow.series is not None
    first = next(j for j in store.jobs.list_jobs(request_id=request_id) if j.kind == "series.create")
    # Another replica claims the first create while the plan is still being written (the series in submitting)
    assert store.transition(request_id, from_states={S.SCHEDULED}, to=S.SUBMITTING) is not None
    looks: list[float] = []

    def plan_written(seconds: float) -> None:  # the planning replica finishes while this one waits
        looks.append(seconds)
        store.transition(request_id, from_states={S.SUBMITTING}, to=S.SCHEDULED)

    flow.series.sleep = plan_written
    flow.series.create(Due(job=first, now=clock(), late_by=None, missed=False, final_attempt=False))
    assert len(looks) == 1 and qcloud_starts(fake_providers, "8888_series4") == ["2027-03-11 22:00:00"]
    # a plan that is never finished: the job is retried later rather than settled without its occurrence
    store.transition(request_id, from_states={S.SCHEDULED}, to=S.SUBMITTING)
    flow.series.sleep = looks.append
    with pytest.raises(RequestStateError):
        flow.series.create(Due(job=first, now=clock(), late_by=None, missed=False, final_attempt=False))
    assert len(looks) > 1 and len(qcloud_starts(fake_providers, "8888_series4")) == 1
    flow.close()


def test_a_create_rerun_after_its_worker_died_asks_for_a_check_where_the_provider_cannot_be_asked(
    store: SqlRequestStore, provider_registry: ProviderRegistry, fake_providers: FakeProviders, posted: Posted,
    clock: Clock,
) -> None:  # fmt: skip
    flow = new_flow(store, provider_registry, posted, clock, lead_days=10)
    request_id = confirmed_series(flow, "qcloud", ChannelTarget("8888_series9"))
    assert flow.series is not None
    first = next(j for j in store.jobs.list_jobs(request_id=request_id) if j.kind == "series.create")
    died = replace(first, attempts=2, last_error=None)  # claimed again after its worker's lease ran out
    flow.series.create(Due(job=died, now=clock(), late_by=None, missed=False, final_attempt=False))
    unsure = [n for n in posted.notes if n[1] == "series.thread.start_interrupted"]
    assert len(unsure) == 1 and "<@U1>" in unsure[0][2] and "8888_series9" in unsure[0][2]
    assert len(qcloud_starts(fake_providers, "8888_series9")) == 1  # created all the same
    flow.close()
