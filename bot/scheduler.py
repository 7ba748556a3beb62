"""The bot's own scheduler: durable jobs in the store, each run once even with several replicas, caught up after
downtime.

:class:`Scheduler` claims due jobs (:class:`bot.store.jobs.JobStore`) and calls the handler registered for the job's
kind with a :class:`Due`. A job whose ``deadline_at`` passed is handed over with ``missed=True`` (report it, do not
act); a job run after its grace period has ``late_by`` set (act, and say so). The handlers for request windows are
:class:`bot.flow.windows.WindowJobs`: ``Scheduler(store.jobs, flow.windows.handlers())``, and
:meth:`Scheduler.run_forever` in a thread.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store import Job, JobStatus, JobStore
from bot.timekeeping import Clock, utc_now

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
