"""The scheduler is punctual: it wakes for a job scheduled due sooner than its sleep, sleeps only until the next due
time, runs due jobs side by side, sends calls due together early (spread under the limit, ending at their time) and
stops from their time on, and still runs each job exactly once across replicas."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bot.core.model import DeviceTarget, TaskRequest, Window
from bot.lifecycle import RequestState as S
from bot.scheduler import Due, JobHandler, Scheduler
from bot.store import JobStatus, SqlRequestStore, open_store
from providers.base import TaskResult
from providers.ratelimit import DEFAULT_MARGIN, RateLimits
from tests.durable_support import until
from tests.fixtures_store import Posted, Providers, RecordingProvider, window_jobs

START, STOP = "window.start", "window.stop"


def now() -> datetime:
    return datetime.now(UTC)


class WatchedBook:
    """The store's departure book, remembering what it booked (the departures the limiter let calls leave at)."""

    def __init__(self, store: SqlRequestStore) -> None:
        self.book_of = store.departures
        self.booked: list[tuple[str, float]] = []
        self._lock = threading.Lock()

    def book(self, key: str, interval: float, earliest: float) -> float:
        departure = self.book_of.book(key, interval, earliest)
        with self._lock:
            self.booked.append((key, departure))
        return departure

    def departures(self, key: str) -> list[float]:
        return sorted(at for booked_key, at in self.booked if booked_key == key)


def running(scheduler: Scheduler, interval: float) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = scheduler.start_thread(stop, interval=interval)
    until(lambda: scheduler.last_pass_completed_at, what="the scheduler's first pass")
    return stop, thread


def stopped(stop: threading.Event, thread: threading.Thread) -> None:
    stop.set()
    thread.join(30)
    assert not thread.is_alive()


def test_a_job_scheduled_already_due_wakes_a_sleeping_scheduler(sqlite_store: SqlRequestStore) -> None:
    ran = threading.Event()
    scheduler = Scheduler(sqlite_store.jobs, {"remind": lambda due: ran.set()})
    stop, thread = running(scheduler, interval=3600)  # asleep for an hour unless woken
    sqlite_store.jobs.schedule(key="remind:now", kind="remind", due_at=now())
    assert ran.wait(20)
    stopped(stop, thread)
    job = sqlite_store.jobs.get("remind:now")
    assert job is not None and job.status is JobStatus.DONE


def test_the_scheduler_sleeps_until_the_next_due_time_not_its_interval(sqlite_store: SqlRequestStore) -> None:
    ran: list[Due] = []
    sqlite_store.jobs.schedule(key="remind:soon", kind="remind", due_at=now() + timedelta(seconds=2))
    scheduler = Scheduler(sqlite_store.jobs, {"remind": ran.append})
    stop, thread = running(scheduler, interval=3600)
    until(lambda: ran, what="the job due in two seconds", timeout=20)
    stopped(stop, thread)
    assert [due.job.key for due in ran] == ["remind:soon"]
    assert scheduler.last_pass_completed_at is not None and scheduler.last_pass_completed_at > ran[0].now


def test_due_jobs_run_side_by_side(sqlite_store: SqlRequestStore) -> None:
    together = threading.Barrier(6, timeout=10)  # only passes when six handlers run at the same time
    for n in range(6):
        sqlite_store.jobs.schedule(key=f"remind:{n}", kind="remind", due_at=now())

    def meet(due: Due) -> None:
        together.wait()

    ran = Scheduler(sqlite_store.jobs, {"remind": meet}).run_due()
    assert len(ran) == 6
    assert {job.status for job in sqlite_store.jobs.list_jobs()} == {JobStatus.DONE}


def test_starts_due_together_leave_early_spread_under_the_limit_and_stops_leave_from_their_time(
    sqlite_store: SqlRequestStore,
) -> None:
    book = WatchedBook(sqlite_store)
    limits = RateLimits({("trro", "Create"): 20, ("trro", "Delete"): 20}, book=book)
    due = now() + timedelta(seconds=2.5)
    for n in range(20):
        sqlite_store.jobs.schedule(key=f"r{n}:start", kind=START, due_at=due)
        sqlite_store.jobs.schedule(key=f"r{n}:stop", kind=STOP, due_at=due)
    handlers = {START: lambda _: limits.acquire("trro", "Create"), STOP: lambda _: limits.acquire("trro", "Delete")}
    ran = Scheduler(sqlite_store.jobs, handlers).run_due()  # claims all 40 at once (their lead is about 5 s)
    assert len(ran) == 40
    spacing = (1 + DEFAULT_MARGIN) / 20
    starts, stops = book.departures("trro:Create"), book.departures("trro:Delete")
    assert len(starts) == len(stops) == 20
    assert all(later - earlier >= spacing - 1e-6 for earlier, later in itertools.pairwise(starts))
    assert starts[-1] <= due.timestamp() + 0.01  # every start has left by its time...
    assert starts[-1] >= due.timestamp() - 0.5  # ...and the spread ends at it (not needlessly early)
    assert stops[0] >= due.timestamp() - 0.01  # a stop never leaves before its time
    assert all(later - earlier >= spacing - 1e-6 for earlier, later in itertools.pairwise(stops))


def test_two_running_schedulers_run_every_job_exactly_once(store_url: str) -> None:
    replicas = [open_store(store_url, migrate=True) for _ in range(2)]
    ran: list[tuple[str, str]] = []
    lock = threading.Lock()

    def handler_for(name: str) -> dict[str, JobHandler]:
        def record(due: Due) -> None:
            with lock:
                ran.append((name, due.job.key))
            time.sleep(0.005)  # a provider call: the two replicas keep claiming while the other works

        return {"remind": record}

    due = now() + timedelta(seconds=1.5)  # all at once, claimed by both, a few at a time: claims collide
    for n in range(40):
        replicas[0].jobs.schedule(key=f"remind:{n}", kind="remind", due_at=due)
    schedulers = [
        Scheduler(store.jobs, handler_for(f"replica{i}"), worker=f"replica{i}", workers=2)
        for i, store in enumerate(replicas)
    ]
    loops = [running(scheduler, interval=0.05) for scheduler in schedulers]
    until(lambda: len({key for _, key in ran}) == 40, what="all 40 jobs", timeout=30)
    for stop, thread in loops:
        stopped(stop, thread)
    assert Counter(key for _, key in ran) == Counter(f"remind:{n}" for n in range(40))
    assert {job.status for job in replicas[0].jobs.list_jobs()} == {JobStatus.DONE}
    assert {name for name, _ in ran} == {"replica0", "replica1"}  # both took part
    for store in replicas:
        store.engine.dispose()


def test_next_due_at_is_the_earliest_pending_job_or_lease_that_runs_out(store: SqlRequestStore) -> None:
    jobs, t0 = store.jobs, datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    assert jobs.next_due_at() is None
    jobs.schedule(key="b", kind="remind", due_at=t0 + timedelta(minutes=5))
    jobs.schedule(key="a", kind="remind", due_at=t0 + timedelta(minutes=1))
    assert jobs.next_due_at() == t0 + timedelta(minutes=1)
    assert jobs.count_pending(until=t0 + timedelta(minutes=2)) == 1
    claimed = jobs.claim_due("w", now=t0, lease=timedelta(seconds=30), limit=5, until=t0 + timedelta(minutes=1))
    assert [job.key for job in claimed] == ["a"]  # claimed ahead of its time
    assert jobs.next_due_at() == t0 + timedelta(seconds=30)  # then its lease is what runs out first


class PacedProvider(RecordingProvider):
    """Creates as the real transport does: after the rate limiter lets the call leave (at its booked turn)."""

    limits = RateLimits()

    def create(self, request: TaskRequest) -> TaskResult:
        self.limits.acquire(self.key, "CreateCloudRecording")
        return super().create(request)


def test_a_stop_claimed_with_its_start_looks_at_the_request_only_at_its_time(sqlite_store: SqlRequestStore) -> None:
    """A short window: start and stop are claimed in one pass; the stop must not find the start still ahead."""
    trro = PacedProvider("trro", keeps_window=False, can_look_up=False)
    windows = window_jobs(sqlite_store, Providers(trro), Posted())
    start = now() + timedelta(milliseconds=300)
    request = TaskRequest("record", "trro", DeviceTarget("dev1", 1), Window(start, start + timedelta(seconds=0.5)))
    stored = sqlite_store.propose(request=request, requester="U1", text="/record", timezone="UTC", lang="en")
    sqlite_store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED, settled_by="U1")
    submitting = sqlite_store.transition(stored.id, from_states={S.CONFIRMED}, to=S.SUBMITTING)
    assert submitting is not None and windows.keep(submitting) is not None
    ran = Scheduler(sqlite_store.jobs, windows.handlers()).run_due()
    assert sorted(job.kind for job in ran) == [START, STOP]  # one pass claimed both
    assert trro.cancelled == ["task-1"]
    done = sqlite_store.get(stored.id)
    assert done is not None and done.state is S.DONE
