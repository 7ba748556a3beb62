"""The scheduler starts and stops trro windows once, even with two replicas, and catches up after downtime."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.model import DeviceTarget, TaskRequest, Window
from bot.errors import OutcomeUnknown, ProviderError
from bot.flow import Outcome
from bot.flow.windows import WindowJobs
from bot.lifecycle import RequestState, StoredRequest
from bot.scheduler import Due, Scheduler
from bot.store import AuditAction, JobStatus, SqlRequestStore, open_store
from tests.fixtures_store import Posted, Providers, RecordingProvider, window_jobs

S = RequestState
ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai
START, END = T0 + timedelta(minutes=10), T0 + timedelta(minutes=40)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def clocked_store(store_url: str, clock: Clock) -> Iterator[SqlRequestStore]:
    opened = open_store(store_url, migrate=True, clock=clock)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def trro() -> RecordingProvider:
    return RecordingProvider("trro", keeps_window=False, can_look_up=False)


def schedule_trro(store: SqlRequestStore, windows: WindowJobs, device: str = "dev1") -> StoredRequest:
    """What the flow does on Confirm for a provider that cannot keep a window."""
    request = TaskRequest("record", "trro", DeviceTarget(device, 1), Window(START, END))
    stored = store.propose(request=request, requester="U1", text="/record dev1/1", timezone="Asia/Shanghai", lang="en")
    store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED, settled_by="U1")
    submitting = store.transition(stored.id, from_states={S.CONFIRMED}, to=S.SUBMITTING)
    assert submitting is not None
    scheduled = windows.keep(submitting)
    assert scheduled is not None and scheduled.state is S.SCHEDULED
    return scheduled


def state(store: SqlRequestStore, request_id: str) -> S:
    found = store.get(request_id)
    assert found is not None
    return found.state


def test_on_time_start_and_stop_each_happen_once(
    clocked_store: SqlRequestStore, clock: Clock, trro: RecordingProvider
) -> None:
    posted = Posted()
    windows = window_jobs(clocked_store, Providers(trro), posted)
    stored = schedule_trro(clocked_store, windows)
    scheduler = Scheduler(clocked_store.jobs, windows.handlers(), clock=clock)

    assert scheduler.run_due() == [] and trro.created == []
    clock.now = START + timedelta(seconds=5)
    assert [job.kind for job in scheduler.run_due()] == [WindowJobs.START]
    running = clocked_store.get(stored.id)
    assert running is not None and running.state is S.RUNNING and running.task_id == "task-1"
    assert scheduler.run_due() == []

    clock.now = END + timedelta(seconds=1)
    assert [job.kind for job in scheduler.run_due()] == [WindowJobs.STOP]
    assert trro.cancelled == ["task-1"] and len(trro.created) == 1
    assert state(clocked_store, stored.id) is S.DONE
    assert posted.keys(stored.id) == ["scheduled", "started", "finished"]
    assert "Recording started on Tencent TRRO (TaskId task-1)" in posted.notes[1][2]
    assert [(e.action, e.outcome) for e in clocked_store.audit.events(request_id=stored.id)] == [
        ("create", "ok"),
        ("start", "ok"),
        ("stop", "ok"),
    ]
    assert {job.status for job in clocked_store.jobs.list_jobs(request_id=stored.id)} == {JobStatus.DONE}


def test_two_replicas_start_and_stop_every_window_exactly_once(
    store_url: str, clock: Clock, trro: RecordingProvider
) -> None:
    replicas = [open_store(store_url, migrate=True, clock=clock) for _ in range(2)]
    posted = Posted()
    requests = [
        schedule_trro(replicas[0], window_jobs(replicas[0], Providers(trro), posted), f"dev{i}") for i in range(12)
    ]
    schedulers = [
        Scheduler(store.jobs, window_jobs(store, Providers(trro), posted).handlers(), clock=clock, worker=f"replica{i}")
        for i, store in enumerate(replicas)
    ]
    ran: dict[str, list[str]] = {"replica0": [], "replica1": []}

    def both_replicas_run() -> None:
        barrier = threading.Barrier(2)

        def run(scheduler: Scheduler) -> None:
            barrier.wait()
            ran[scheduler.worker].extend(job.key for job in scheduler.run_due())

        threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    clock.now = START
    both_replicas_run()
    clock.now = END
    both_replicas_run()
    all_keys = ran["replica0"] + ran["replica1"]
    assert sorted(all_keys) == sorted(f"{r.id}:{edge}" for r in requests for edge in ("start", "stop"))
    assert sorted(r.target.label() for r in trro.created) == sorted(f"dev{i}/1" for i in range(12))
    assert sorted(trro.cancelled) == sorted(f"task-{i}" for i in range(1, 13))
    assert {state(replicas[0], r.id) for r in requests} == {S.DONE}
    assert sorted(posted.keys()) == ["finished"] * 12 + ["scheduled"] * 12 + ["started"] * 12
    for store in replicas:
        store.engine.dispose()


def test_a_missed_start_whose_end_is_ahead_starts_late_and_says_so(
    clocked_store: SqlRequestStore, clock: Clock, trro: RecordingProvider
) -> None:
    posted = Posted()
    windows = window_jobs(clocked_store, Providers(trro), posted)
    stored = schedule_trro(clocked_store, windows)
    clock.now = START + timedelta(minutes=12)  # the bot was down at the start
    Scheduler(clocked_store.jobs, windows.handlers(), clock=clock).run_due()
    assert len(trro.created) == 1 and state(clocked_store, stored.id) is S.RUNNING
    assert posted.keys(stored.id) == ["scheduled", "schedule.started_late"]
    assert "12 min late" in posted.notes[1][2]


def test_a_whole_missed_window_is_marked_missed_with_a_message(
    clocked_store: SqlRequestStore, clock: Clock, trro: RecordingProvider
) -> None:
    posted = Posted()
    windows = window_jobs(clocked_store, Providers(trro), posted)
    stored = schedule_trro(clocked_store, windows)
    clock.now = END + timedelta(hours=3)
    Scheduler(clocked_store.jobs, windows.handlers(), clock=clock).run_due()
    assert trro.created == [] and trro.cancelled == []
    assert state(clocked_store, stored.id) is S.MISSED
    assert posted.keys(stored.id) == ["scheduled", "missed"]
    assert "between 15:10 and 15:40" in posted.notes[1][2]
    statuses = {job.kind: job.status for job in clocked_store.jobs.list_jobs(request_id=stored.id)}
    assert statuses == {WindowJobs.START: JobStatus.MISSED, WindowJobs.STOP: JobStatus.DONE}
    assert [e.action for e in clocked_store.audit.events(request_id=stored.id)] == [
        AuditAction.CREATE,
        AuditAction.MISSED,
    ]


def test_cancelling_before_the_start_needs_no_provider_call(
    clocked_store: SqlRequestStore, clock: Clock, trro: RecordingProvider
) -> None:
    windows = window_jobs(clocked_store, Providers(trro), Posted())
    stored = schedule_trro(clocked_store, windows)
    cancelled = windows.cancel_before_start(stored.id, user="U1")
    assert cancelled is not None and cancelled.state is S.CANCELLED
    assert windows.cancel_before_start(stored.id, user="U1") is None
    clock.now = END + timedelta(minutes=1)
    assert Scheduler(clocked_store.jobs, windows.handlers(), clock=clock).run_due() == []
    assert trro.created == [] and trro.cancelled == []
    assert {job.status for job in clocked_store.jobs.list_jobs(request_id=stored.id)} == {JobStatus.CANCELLED}


@pytest.mark.parametrize(
    ("error", "final_state"),
    [
        (ProviderError("trro", "InvalidParameter", "bad device", "req-9"), S.FAILED),
        (OutcomeUnknown("trro", "Timeout", "no answer"), S.UNKNOWN),
    ],
)
def test_a_failed_start_is_explained_and_nothing_is_stopped_later(
    sqlite_store: SqlRequestStore, trro: RecordingProvider, error: ProviderError, final_state: S
) -> None:
    clock = Clock(START)
    posted = Posted()
    trro.create_error = error
    windows = window_jobs(sqlite_store, Providers(trro), posted)
    stored = schedule_trro(sqlite_store, windows)
    scheduler = Scheduler(sqlite_store.jobs, windows.handlers(), clock=clock)
    scheduler.run_due()
    failed = sqlite_store.get(stored.id)
    assert failed is not None and failed.state is final_state and failed.error_code == error.code
    assert posted.keys(stored.id) == ["scheduled", str(final_state)] and error.code in posted.notes[1][2]
    clock.now = END
    assert scheduler.run_due() == []  # the stop job was cancelled with the start
    assert trro.cancelled == []


def test_a_failed_stop_tells_the_thread_to_stop_it_by_hand(
    sqlite_store: SqlRequestStore, trro: RecordingProvider
) -> None:
    clock = Clock(START)
    posted = Posted()
    windows = window_jobs(sqlite_store, Providers(trro), posted)
    stored = schedule_trro(sqlite_store, windows)
    scheduler = Scheduler(sqlite_store.jobs, windows.handlers(), clock=clock)
    scheduler.run_due()
    trro.cancel_error = ProviderError("trro", "ResourceNotFound", "no such task", "req-7")
    clock.now = END
    scheduler.run_due()
    assert state(sqlite_store, stored.id) is S.FAILED
    assert posted.keys(stored.id) == ["scheduled", "started", "schedule.stop_failed"]
    assert "stop it in the Tencent TRRO console" in posted.notes[2][2]


def test_a_crashing_handler_is_retried_then_failed(sqlite_store: SqlRequestStore) -> None:
    clock = Clock(T0)
    calls: list[Due] = []

    def flaky(due: Due) -> None:
        calls.append(due)
        raise RuntimeError("boom secret-value")

    sqlite_store.jobs.schedule(key="remind:1", kind="remind", due_at=T0)
    scheduler = Scheduler(sqlite_store.jobs, {"remind": flaky}, clock=clock, max_attempts=2)
    scheduler.run_due()
    job = sqlite_store.jobs.get("remind:1")
    assert job is not None and job.status is JobStatus.PENDING
    assert job.last_error == "RuntimeError"  # the type only: an exception's text might hold a secret
    assert scheduler.run_due() == []  # not before the retry delay
    clock.now += scheduler.retry_delay
    scheduler.run_due()
    job = sqlite_store.jobs.get("remind:1")
    assert job is not None and job.status is JobStatus.FAILED
    assert [(d.job.attempts, d.final_attempt) for d in calls] == [(1, False), (2, True)]


def test_a_job_whose_worker_died_is_run_by_another_after_its_lease(
    store: SqlRequestStore, trro: RecordingProvider
) -> None:
    clock = Clock(START)
    windows = window_jobs(store, Providers(trro), Posted())
    stored = schedule_trro(store, windows)
    dead = store.jobs.claim_due("dead-replica", now=START, lease=timedelta(minutes=1), limit=1)
    assert [job.kind for job in dead] == [WindowJobs.START]
    alive = Scheduler(store.jobs, windows.handlers(), clock=clock, worker="alive")
    assert alive.run_due() == []  # still leased
    clock.now = START + timedelta(minutes=2)
    assert [job.kind for job in alive.run_due()] == [WindowJobs.START]
    assert len(trro.created) == 1 and state(store, stored.id) is S.RUNNING
    assert store.jobs.finish(dead[0], JobStatus.DONE) is False  # the dead worker's late settle is refused


def test_scheduling_the_same_key_twice_keeps_one_job(store: SqlRequestStore) -> None:
    first = store.jobs.schedule(key="r1:start", kind="window.start", due_at=START, request_id="r1")
    second = store.jobs.schedule(key="r1:start", kind="window.start", due_at=END, request_id="r1")
    assert first == second and second.due_at == START
    assert len(store.jobs.list_jobs()) == 1


def test_run_forever_runs_due_jobs_until_stopped(sqlite_store: SqlRequestStore) -> None:
    done = threading.Event()
    stop = threading.Event()
    sqlite_store.jobs.schedule(key="remind:1", kind="remind", due_at=T0)
    scheduler = Scheduler(sqlite_store.jobs, {"remind": lambda due: done.set()}, clock=lambda: T0)
    thread = scheduler.start_thread(stop, interval=0.01)
    assert done.wait(30)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    job = sqlite_store.jobs.get("remind:1")
    assert job is not None and job.status is JobStatus.DONE


# One replica of the bot in its own process: runs the scheduler at the window's start, then at its end, each phase
# started by the test so both replicas race for the same jobs. Prints every provider call it makes.
REPLICA = """
import sys
import threading
from datetime import datetime
from bot.scheduler import Scheduler
from bot.store import open_store
from providers.base import TaskResult
from tests.fixtures_store import Posted, Providers, RecordingProvider, window_jobs

printing = threading.Lock()  # jobs run side by side: one line at a time

class Trro(RecordingProvider):
    def create(self, request):
        with printing:
            print("create", request.target.label(), flush=True)
        return TaskResult(self.key, "Create", "task-" + request.target.label(), None)
    def cancel(self, request, task_id):
        with printing:
            print("cancel", task_id, flush=True)
        return TaskResult(self.key, "Delete", task_id, None)

now = [datetime.fromisoformat(sys.argv[2])]
store = open_store(sys.argv[1], migrate=False, clock=lambda: now[0])
windows = window_jobs(store, Providers(Trro("trro", keeps_window=False, can_look_up=False)), Posted())
scheduler = Scheduler(store.jobs, windows.handlers(), clock=lambda: now[0], worker=sys.argv[4])
for moment in (sys.argv[2], sys.argv[3]):
    sys.stdin.readline()
    now[0] = datetime.fromisoformat(moment)
    scheduler.run_due()
    print("phase done", flush=True)
store.engine.dispose()
"""


def test_two_replica_processes_start_and_stop_every_window_exactly_once(
    store: SqlRequestStore, store_url: str, trro: RecordingProvider
) -> None:
    windows = window_jobs(store, Providers(trro), Posted())
    requests = [schedule_trro(store, windows, f"dev{i}") for i in range(10)]
    replicas = [
        subprocess.Popen(
            [sys.executable, "-c", REPLICA, store_url, START.isoformat(), END.isoformat(), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in ("replica-a", "replica-b")
    ]
    calls: list[str] = []
    for _phase in ("start", "end"):
        for replica in replicas:
            assert replica.stdin is not None
            replica.stdin.write("go\n")
            replica.stdin.flush()
        for replica in replicas:
            assert replica.stdout is not None
            for line in iter(replica.stdout.readline, "phase done\n"):
                assert line, replica.stderr.read() if replica.stderr else "replica died"
                calls.append(line.strip())
    for replica in replicas:
        replica.communicate(timeout=60)
        assert replica.returncode == 0
    labels = [f"dev{i}/1" for i in range(10)]
    assert sorted(calls) == sorted(
        [f"create {label}" for label in labels] + [f"cancel task-{label}" for label in labels]
    )
    assert {state(store, r.id) for r in requests} == {S.DONE}


def test_a_message_that_cannot_be_posted_does_not_run_the_job_again(
    sqlite_store: SqlRequestStore, trro: RecordingProvider
) -> None:
    class BrokenSlack(Posted):
        def notify(self, outcome: Outcome) -> None:
            raise ConnectionError("slack is down")

    windows = window_jobs(sqlite_store, Providers(trro), BrokenSlack())
    stored = schedule_trro(sqlite_store, windows)
    scheduler = Scheduler(sqlite_store.jobs, windows.handlers(), clock=lambda: START + timedelta(minutes=1))
    scheduler.run_due()
    assert state(sqlite_store, stored.id) is S.RUNNING and len(trro.created) == 1
    start_job = sqlite_store.jobs.get(f"{stored.id}:start")
    assert start_job is not None and start_job.status is JobStatus.DONE
