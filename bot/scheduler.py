"""The bot's own scheduler: durable jobs in the store, each run once even with several replicas, caught up after
downtime.

Two parts:

- :class:`Scheduler` — claims due jobs (:class:`bot.store.jobs.JobStore`) and calls the handler registered for the
  job's kind with a :class:`Due`, side by side and on time (early when many calls share a due time). A job whose ``deadline_at`` passed is handed over with ``missed=True`` (report it,
  do not act); a job run after its grace period has ``late_by`` set (act, and say so).
- :class:`WindowJobs` — the handlers for providers that cannot keep a window themselves (trro): create the task at
  the start, delete it at the end, and tell the request's thread through ``notify``.

The seam for the app: ``Scheduler(store.jobs, WindowJobs(store, registry, notify).handlers())`` and
:meth:`Scheduler.run_forever` in a thread; ``notify(request, note)`` posts ``note.render(request.lang)`` in the thread
of ``request.card``.
"""

from __future__ import annotations

import contextlib
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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.catalogue.provider_errors import provider_name
from bot.core.model import Note
from bot.errors import BotError, OutcomeUnknown, ProviderError, Retry
from bot.lifecycle import RequestState, StoredRequest
from bot.store import AuditAction, AuditOutcome, Job, JobStatus, JobStore, SqlRequestStore
from bot.store.reconcile import Notify, ProviderLookup, note
from bot.store.requests import Clock, utc_now
from providers.ratelimit import DEFAULT_MARGIN, DOCUMENTED_LIMITS, Departure, departing

log = logging.getLogger(__name__)
S = RequestState


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
#: Jobs whose calls go out before their due time when many fall due together (a start must never be late).
EARLY_KINDS = frozenset({"window.start"})  # WindowJobs.START (defined below; a module of its own soon)
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
        ``also`` runs every ``interval`` in a thread of its own (e.g. :func:`bot.store.reconcile.reconcile_submitting`,
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
        try:
            with departing(departure):
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


class StartInProgress(Exception):
    """The stop came while the start was still talking to the provider: retry the stop shortly."""


class WindowJobs:
    """Start and stop tasks at the edges of their window, for providers without ``keeps_window`` (trro)."""

    START = "window.start"
    STOP = "window.stop"

    def __init__(self, store: SqlRequestStore, providers: ProviderLookup, notify: Notify) -> None:
        self.store = store
        self.providers = providers
        self.notify = notify  # posts a note in the request's thread

    def handlers(self) -> dict[str, JobHandler]:
        """The job kinds this handles, for :class:`Scheduler`."""
        return {self.START: self.start, self.STOP: self.stop}

    def plan(self, stored: StoredRequest) -> StoredRequest | None:
        """For a request just moved to ``submitting`` whose provider cannot keep the window: add its start and stop
        jobs and move it to ``scheduled``. Returns None if it was settled elsewhere meanwhile."""
        window = stored.request.window
        if window is None:
            raise ValueError(f"request {stored.id} has no window for the scheduler to keep")
        jobs = self.store.jobs
        jobs.schedule(
            key=f"{stored.id}:start", kind=self.START, due_at=window.start, deadline_at=window.end, request_id=stored.id
        )
        jobs.schedule(key=f"{stored.id}:stop", kind=self.STOP, due_at=window.end, request_id=stored.id)
        return self.store.transition(stored.id, from_states={S.SUBMITTING}, to=S.SCHEDULED)

    def cancel_before_start(self, request_id: str, *, user: str) -> StoredRequest | None:
        """Cancel a request whose task the scheduler has not created yet (``scheduled``, no TaskId): no provider
        call is needed. Returns None if it is no longer waiting (then cancel its task through the provider)."""
        cancelled = self.store.transition(request_id, from_states={S.SCHEDULED}, to=S.CANCELLED, settled_by=user)
        if cancelled is not None:
            self.store.jobs.cancel_for_request(request_id)
        return cancelled

    def cancel_jobs(self, request_id: str) -> int:
        """Drop the pending jobs of a request whose task a person stopped (the end must not stop it again)."""
        return self.store.jobs.cancel_for_request(request_id)

    def start(self, due: Due) -> None:
        """At the window's start: create the task (late if need be), or report a window missed entirely."""
        stored = self._request(due)
        if stored is None:
            return
        provider_key = stored.request.provider
        name = provider_name(provider_key, stored.lang)  # for people, in their language
        window = stored.request.window
        if due.missed:
            missed = self.store.transition(
                stored.id, from_states={S.SCHEDULED}, to=S.MISSED, error_code="Missed", error_message="bot was down"
            )
            if missed is not None and window is not None:
                self.store.audit.record_request(
                    missed, action=AuditAction.MISSED, outcome=AuditOutcome.MISSED, actor="scheduler"
                )
                when = {"start": _local(window.start, stored.timezone), "end": _local(window.end, stored.timezone)}
                self._tell(missed, note("schedule.missed", provider=name, **when))
            return
        starting = self.store.transition(stored.id, from_states={S.SCHEDULED}, to=S.SUBMITTING)
        if starting is None:
            return  # cancelled, or another attempt already started it
        try:
            result = self.providers.get(provider_key).create(starting.request)
        except BotError as error:
            self._start_failed(starting, error, unknown=isinstance(error, OutcomeUnknown))
            return
        except Exception as exc:
            # Only the type: the text of an error raised inside a provider call may be the provider's, or its URL.
            log.error("starting request %s crashed: %s", stored.id, type(exc).__name__)
            crash = OutcomeUnknown(provider_key, "InternalError", f"unexpected {type(exc).__name__} in the bot")
            self._start_failed(starting, crash, unknown=True)
            return
        running = self.store.transition(
            stored.id,
            from_states={S.SUBMITTING, S.UNKNOWN},  # UNKNOWN: reconciled by a replica while we were slow
            to=S.RUNNING,
            task_id=result.task_id,
            provider_request_id=result.request_id,
        )
        if running is None:
            log.error("request %s: task %s started but the request moved on", stored.id, result.task_id)
            return
        self.store.audit.record_request(running, action=AuditAction.START, outcome=AuditOutcome.OK, actor="scheduler")
        if due.late_by is not None:
            minutes = max(1, round(due.late_by.total_seconds() / 60))
            self._tell(running, note("schedule.started_late", provider=name, task_id=result.task_id, minutes=minutes))
        else:
            self._tell(running, note("schedule.started", provider=name, task_id=result.task_id))

    def stop(self, due: Due) -> None:
        """At the window's end: delete the task the start created, if it is still running."""
        stored = self._request(due)
        if stored is None:
            return
        if stored.state is S.SUBMITTING and not due.final_attempt:
            raise StartInProgress(stored.id)
        if stored.state is not S.RUNNING or stored.task_id is None:
            return  # never started, missed, cancelled or failed: nothing to stop
        provider_key = stored.request.provider
        name = provider_name(provider_key, stored.lang)  # for people, in their language
        try:
            self.providers.get(provider_key).cancel(stored.request, stored.task_id)
        except BotError as error:
            if isinstance(error, ProviderError) and error.retry is Retry.SAFE and not due.final_attempt:
                raise
            failed = self.store.transition(
                stored.id,
                from_states={S.RUNNING},
                to=S.FAILED,
                error_code=getattr(error, "code", error.key),
                error_message=error.render("en"),
            )
            if failed is not None:
                self.store.audit.record_request(
                    failed, action=AuditAction.STOP, outcome=AuditOutcome.FAILED, actor="scheduler"
                )
                self._tell(
                    failed,
                    note(
                        "schedule.stop_failed",
                        provider=name,
                        task_id=stored.task_id,
                        error=error.render(stored.lang),
                    ),
                )
            return
        done = self.store.transition(stored.id, from_states={S.RUNNING}, to=S.DONE)
        if done is not None:
            self.store.audit.record_request(done, action=AuditAction.STOP, outcome=AuditOutcome.OK, actor="scheduler")
            self._tell(done, note("schedule.finished", provider=name, task_id=stored.task_id))

    def _tell(self, stored: StoredRequest, message: Note) -> None:
        try:
            self.notify(stored, message)
        except Exception:  # the state is already settled; a lost message must not re-run the job
            log.exception("could not post %s for request %s", message.key, stored.id)

    def _request(self, due: Due) -> StoredRequest | None:
        if due.job.request_id is None:
            log.error("window job %s has no request", due.job.key)
            return None
        return self.store.get(due.job.request_id)

    def _start_failed(self, stored: StoredRequest, error: BotError, *, unknown: bool) -> None:
        to = S.UNKNOWN if unknown else S.FAILED
        changes = {"error_code": getattr(error, "code", error.key), "error_message": error.render("en")}
        if isinstance(error, ProviderError) and error.request_id:
            changes["provider_request_id"] = error.request_id
        settled = self.store.transition(stored.id, from_states={S.SUBMITTING}, to=to, **changes)
        if settled is None:
            return
        self.store.jobs.cancel_for_request(stored.id)
        outcome = AuditOutcome.UNKNOWN if unknown else AuditOutcome.FAILED
        self.store.audit.record_request(settled, action=AuditAction.START, outcome=outcome, actor="scheduler")
        self._tell(
            settled,
            note(
                "schedule.start_failed",
                provider=provider_name(stored.request.provider, stored.lang),
                error=error.render(stored.lang),
            ),
        )


def _local(moment: datetime, zone: str) -> str:
    """``2026-11-22 15:00 CST`` in the requester's zone (as typed when it is unknown)."""
    with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
        moment = moment.astimezone(ZoneInfo(zone))
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()
