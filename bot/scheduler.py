"""The bot's own scheduler: durable jobs in the store, each run once even with several replicas, caught up after
downtime.

:class:`Scheduler` claims due jobs (:class:`bot.store.jobs.JobStore`) and calls the handler registered for the job's
kind with a :class:`Due` — side by side and on time (early when more calls share a due time than a provider's
limit lets through at once). A job whose ``deadline_at`` passed is handed over with ``missed=True`` (report it, do not
act); a job run after its grace period has ``late_by`` set (act, and say so). The handlers for request windows are
:class:`bot.flow.windows.WindowJobs`: ``Scheduler(store.jobs, flow.windows.handlers())``, and
:meth:`Scheduler.run_forever` in a thread.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.log_context import about_request
from bot.store import Job, JobStatus, JobStore
from bot.timekeeping import Clock, utc_now
from providers.ratelimit import DEFAULT_MARGIN, DOCUMENTED_LIMITS, Departure, departing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """A job handed to its handler."""

    job: Job
    now: datetime
    late_by: timedelta | None  # set when it runs later than the grace period allows (the bot was down)
    missed: bool  # its deadline passed: report, do not act
    final_attempt: bool  # raising now fails the job instead of retrying it


#: Runs one job. Returning settles the job (done, or missed); raising retries it later (until the last attempt).
#: A handler runs under :func:`providers.ratelimit.departing`: its provider call leaves at the turn booked for it.
JobHandler = Callable[[Due], None]

#: Claimed this long before its due time, a job has its request read and moved on before its call must leave.
READY_AHEAD = timedelta(seconds=1)
#: The widest spacing between two calls of one provider action (Volcengine relays: 10 per second, less the margin).
SLOWEST_CALL_SPACING = timedelta(seconds=(1 + DEFAULT_MARGIN) / min(DOCUMENTED_LIMITS.values()))
#: Never claim a job earlier than this before its time.
MAX_LEAD = timedelta(minutes=1)
#: Jobs whose calls go out before their due time when many fall due together (a start must never be late): by
#: default the start of a bot-kept window (:attr:`bot.flow.windows.WindowJobs.EARLY`, which the app passes) and of a
#: bot-kept series occurrence (:attr:`bot.flow.series_jobs.SeriesJobs.EARLY`).
EARLY_KINDS: frozenset[str] = frozenset({"window.start", "series.start"})
#: How often a sleeping scheduler looks whether it was told to stop.
STOP_CHECK = 0.5


class Scheduler:
    """Runs due jobs on time. Any number of replicas may run one each: a job is claimed by exactly one of them.

    :meth:`run_forever` sleeps until the next job is due (at most ``interval``), and wakes at once when this process
    schedules a job due sooner. Due jobs run side by side in a pool of ``workers`` threads. Jobs are claimed early
    by ``lead`` (time to get ready, plus ``call_spacing`` per job due close by) and their provider calls leave at
    the turn the rate limiter books for them (:func:`providers.ratelimit.departing`): the starts of a batch spread
    out *before* their due time (a start must never be late); other jobs (stops) run at their due time, their calls
    spread from it on.
    """

    def __init__(
        self,
        jobs: JobStore,
        handlers: Mapping[str, JobHandler],
        *,
        worker: str | None = None,
        clock: Clock = utc_now,
        lease: timedelta = timedelta(minutes=5),
        grace: timedelta = timedelta(seconds=90),
        retry_delay: timedelta = timedelta(seconds=30),
        max_attempts: int = 3,
        workers: int = 64,
        ready: timedelta = READY_AHEAD,
        call_spacing: timedelta = SLOWEST_CALL_SPACING,
        max_lead: timedelta = MAX_LEAD,
        early_kinds: Collection[str] = EARLY_KINDS,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.jobs = jobs
        self.handlers = dict(handlers)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.clock = clock
        self.lease = lease
        self.grace = grace
        self.retry_delay = retry_delay
        self.max_attempts = max_attempts
        self.workers = workers
        self.ready = ready
        self.call_spacing = call_spacing
        self.max_lead = max_lead
        self.early_kinds = frozenset(early_kinds)
        self._wall = wall
        #: When the loop last finished a pass (claims made, next wake-up planned); None before the first.
        self.last_pass_completed_at: datetime | None = None
        #: Told how late each job ran, in seconds (``bot_scheduler_lag_seconds``); set by the app.
        self.observe_lag: Callable[[float], None] | None = None
        #: When the ``also`` tasks (reconciliation, expiry) last finished.
        self.last_upkeep_completed_at: datetime | None = None
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scheduler-job")
        self._in_flight = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._sleeping_until: datetime | None = None
        jobs.on_schedule(self._scheduled)

    def run_due(self, limit: int = 100) -> list[Job]:
        """Claim the jobs due now (and those due within the lead), run them side by side and wait for them;
        returns the jobs run (up to ``limit``)."""
        ran: list[Job] = []
        while len(ran) < limit:
            started = self._claim_and_start(limit - len(ran))
            if not started:
                break
            wait([future for _, future in started])
            ran.extend(job for job, _ in started)
        return ran

    def run_forever(
        self, stop: threading.Event, *, interval: float = 5.0, also: Sequence[Callable[[], object]] = ()
    ) -> None:
        """Run jobs as they fall due until ``stop`` is set, sleeping at most ``interval`` seconds between passes;
        ``also`` runs every ``interval`` in a thread of its own (e.g. :meth:`bot.flow.requests.RequestFlow.reconcile`,
        expiring old cards), so a slow one never delays a job. Never dies of an exception; on ``stop`` it waits for
        the jobs already started."""
        upkeep = threading.Thread(
            target=self._upkeep, args=(stop, interval, also), name="scheduler-upkeep", daemon=True
        )
        upkeep.start()
        while not stop.is_set():
            pause = interval
            try:
                self._claim_and_start(self.workers)
                pause = self._seconds_until_next(interval)
            except Exception as exc:  # only the type: provider and database errors carry their text and URLs
                log.error("scheduler pass failed (%s); trying again in %ss", type(exc).__name__, interval)
            self.last_pass_completed_at = self.clock()
            self._sleep(stop, pause)
        upkeep.join()
        self._pool.shutdown(wait=True)

    def start_thread(self, stop: threading.Event, **options: object) -> threading.Thread:
        """:meth:`run_forever` in a daemon thread."""
        thread = threading.Thread(target=self.run_forever, args=(stop,), kwargs=options, name="scheduler", daemon=True)
        thread.start()
        return thread

    def wake(self) -> None:
        """Look for due jobs now (instead of at the next planned pass)."""
        self._wake.set()

    def lead(self, now: datetime) -> timedelta:
        """How far ahead of its due time a job is claimed now: time to get ready, plus one call's spacing for every
        other job due within :attr:`max_lead` (calls due together leave one by one, the last at the due time)."""
        waiting = self.jobs.count_pending(until=now + self.max_lead)
        return min(self.ready + self.call_spacing * max(waiting - 1, 0), self.max_lead)

    def _scheduled(self, job: Job) -> None:
        """A job was scheduled in this process: wake up if it falls due before the planned wake-up."""
        sleeping_until = self._sleeping_until
        if sleeping_until is None or job.due_at - self.ready <= sleeping_until:
            self._wake.set()

    def _claim_and_start(self, limit: int) -> list[tuple[Job, Future[None]]]:
        now = self.clock()
        with self._lock:
            free = min(limit, self.workers - self._in_flight)
        if free <= 0:
            return []
        until = now + self.lead(now)
        claimed = self.jobs.claim_due(self.worker, now=now, lease=self.lease, limit=free, until=until)
        # Calls due at one moment share one spread: those claimed now, and those still waiting for a free worker.
        kinds = self.early_kinds
        together = Counter(job.due_at for job in claimed if job.kind in kinds)
        waiting = {at: self.jobs.count_pending(since=at, until=at, kinds=kinds) for at in together}
        started = []
        for job in claimed:
            # the due time in the limiter's clock: the scheduler's clock may be another (tests inject one)
            due = self._wall() + (job.due_at - now).total_seconds()
            early = job.kind in kinds
            calls = together[job.due_at] + waiting[job.due_at] if early else 1
            departure = Departure(due=due, calls=calls, early=early)
            with self._lock:
                self._in_flight += 1
            future = self._pool.submit(self._run, job, now, departure)
            future.add_done_callback(self._finished)
            started.append((job, future))
        return started

    def _finished(self, _future: Future[None]) -> None:
        with self._lock:
            self._in_flight -= 1
        self._wake.set()  # a worker is free again

    def _seconds_until_next(self, interval: float) -> float:
        """Seconds to sleep: until the next job must be claimed, at most ``interval``."""
        now = self.clock()
        with self._lock:
            busy = self._in_flight >= self.workers
        next_due = None if busy else self.jobs.next_due_at()
        pause = interval
        if next_due is not None:
            pause = min(interval, max((next_due - self.lead(now) - now).total_seconds(), 0.0))
        self._sleeping_until = now + timedelta(seconds=pause)
        return pause

    def _sleep(self, stop: threading.Event, seconds: float) -> None:
        """Sleep until woken, ``stop`` is set or ``seconds`` pass (``stop`` is looked at every STOP_CHECK)."""
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            if self._wake.wait(min(left, STOP_CHECK)):
                break
        self._wake.clear()
        self._sleeping_until = None

    def _upkeep(self, stop: threading.Event, interval: float, also: Sequence[Callable[[], object]]) -> None:
        while not stop.is_set():
            for task in also:
                try:
                    task()
                except Exception as exc:  # only the type, as above
                    log.error("scheduler upkeep failed (%s); trying again in %ss", type(exc).__name__, interval)
            self.last_upkeep_completed_at = self.clock()
            stop.wait(interval)

    def _run(self, job: Job, now: datetime, departure: Departure) -> None:
        handler = self.handlers.get(job.kind)
        if handler is None:
            self.jobs.finish(job, JobStatus.FAILED, error=f"no handler for job kind {job.kind!r}")
            log.error("job %s: no handler for kind %r", job.key, job.kind)
            return
        missed = job.deadline_at is not None and now >= job.deadline_at
        late_by = now - job.due_at if now - job.due_at > self.grace else None
        final = job.attempts >= self.max_attempts
        if not departure.early:  # claimed ahead, but it looks at its request only at its time (a stop: after the start)
            while (left := departure.due - self._wall()) > 0:
                time.sleep(left)
        if self.observe_lag is not None:
            self.observe_lag(max(0.0, self._wall() - departure.due))
        try:
            with departing(departure), about_request(job.request_id):
                handler(Due(job=job, now=now, late_by=late_by, missed=missed, final_attempt=final))
        except Exception as exc:
            error = type(exc).__name__  # neither the log nor the store keeps a message that might hold a secret
            log.error("job %s failed (attempt %s of %s): %s", job.key, job.attempts, self.max_attempts, error)
            if final:
                self.jobs.finish(job, JobStatus.FAILED, error=error)
            else:
                self.jobs.retry_later(job, at=max(now, job.due_at) + self.retry_delay, error=error)
            return
        self.jobs.finish(job, JobStatus.MISSED if missed else JobStatus.DONE)
