"""The bot's own scheduler: durable jobs in the store, each run once even with several replicas, caught up after
downtime.

Two parts:

- :class:`Scheduler` — claims due jobs (:class:`bot.store.jobs.JobStore`) and calls the handler registered for the
  job's kind with a :class:`Due`. A job whose ``deadline_at`` passed is handed over with ``missed=True`` (report it,
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
from collections.abc import Callable, Mapping, Sequence
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
JobHandler = Callable[[Due], None]


class Scheduler:
    """Runs due jobs. Any number of replicas may run one each: a job is claimed by exactly one of them."""

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
    ) -> None:
        self.jobs = jobs
        self.handlers = dict(handlers)
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.clock = clock
        self.lease = lease
        self.grace = grace
        self.retry_delay = retry_delay
        self.max_attempts = max_attempts

    def run_due(self, limit: int = 100) -> list[Job]:
        """Claim and run due jobs one at a time until none is due (or ``limit``); returns the jobs run."""
        ran: list[Job] = []
        while len(ran) < limit:
            now = self.clock()
            claimed = self.jobs.claim_due(self.worker, now=now, lease=self.lease, limit=1)
            if not claimed:
                break
            self._run(claimed[0], now)
            ran.append(claimed[0])
        return ran

    def run_forever(
        self, stop: threading.Event, *, interval: float = 5.0, also: Sequence[Callable[[], object]] = ()
    ) -> None:
        """Run due jobs every ``interval`` seconds until ``stop`` is set; ``also`` runs each pass too (e.g.
        :func:`bot.store.reconcile.reconcile_submitting`, expiring old cards). Never dies of an exception."""
        while not stop.is_set():
            for task in (self.run_due, *also):
                try:
                    task()
                except Exception as exc:  # only the type: provider and database errors carry their text and URLs
                    log.error("scheduler pass failed (%s); trying again in %ss", type(exc).__name__, interval)
            stop.wait(interval)

    def start_thread(self, stop: threading.Event, **options: object) -> threading.Thread:
        """:meth:`run_forever` in a daemon thread."""
        thread = threading.Thread(target=self.run_forever, args=(stop,), kwargs=options, name="scheduler", daemon=True)
        thread.start()
        return thread

    def _run(self, job: Job, now: datetime) -> None:
        handler = self.handlers.get(job.kind)
        if handler is None:
            self.jobs.finish(job, JobStatus.FAILED, error=f"no handler for job kind {job.kind!r}")
            log.error("job %s: no handler for kind %r", job.key, job.kind)
            return
        missed = job.deadline_at is not None and now >= job.deadline_at
        late_by = now - job.due_at if now - job.due_at > self.grace else None
        final = job.attempts >= self.max_attempts
        try:
            handler(Due(job=job, now=now, late_by=late_by, missed=missed, final_attempt=final))
        except Exception as exc:
            error = type(exc).__name__  # neither the log nor the store keeps a message that might hold a secret
            log.error("job %s failed (attempt %s of %s): %s", job.key, job.attempts, self.max_attempts, error)
            if final:
                self.jobs.finish(job, JobStatus.FAILED, error=error)
            else:
                self.jobs.retry_later(job, at=now + self.retry_delay, error=error)
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
