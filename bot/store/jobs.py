"""Durable scheduler jobs: what the bot itself must do at a given time (start or stop a trro window, remind).

A job is claimed by exactly one worker: ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, one conditional
``UPDATE`` on SQLite. A claim is a lease: if its worker dies, the job can be claimed again once the lease ends, so
handlers must be idempotent — the request state machine makes them so (a start only acts on a ``scheduled`` request).

:meth:`JobStore.schedule` tells listeners in this process at once (:meth:`JobStore.on_schedule`), so a scheduler
asleep until its next due time wakes for a job due sooner; other replicas find the job on their next pass.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.store.tables import jobs, requests
from bot.timekeeping import Clock, utc_now

log = logging.getLogger(__name__)


class JobStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its time
    RUNNING = "running"  # claimed by a worker (until its lease ends)
    DONE = "done"
    FAILED = "failed"  # the handler raised too often
    MISSED = "missed"  # its deadline passed before anyone could run it
    CANCELLED = "cancelled"  # its request was cancelled first


@dataclass(frozen=True)
class Job:
    id: int
    key: str  # unique; scheduling the same key twice returns the first job
    kind: str  # which handler runs it ("start", "stop", ...)
    due_at: datetime
    status: JobStatus
    attempts: int
    created_at: datetime
    request_id: str | None = None
    deadline_at: datetime | None = None  # after this it is missed rather than run late
    payload: Mapping[str, Any] = field(default_factory=dict)
    claimed_by: str | None = None
    lease_until: datetime | None = None
    last_error: str | None = None
    finished_at: datetime | None = None


class JobStore:
    """Jobs in the database. Reach it as ``store.jobs``."""

    def __init__(self, engine: sa.Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self._listeners: list[Callable[[Job], None]] = []
        self._listeners_lock = threading.Lock()

    def on_schedule(self, listener: Callable[[Job], None]) -> None:
        """Call ``listener(job)`` after every :meth:`schedule` in this process (it must be quick and not raise)."""
        with self._listeners_lock:
            self._listeners.append(listener)

    def schedule(
        self,
        *,
        key: str,
        kind: str,
        due_at: datetime,
        request_id: str | None = None,
        deadline_at: datetime | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> Job:
        """Add a pending job, or return the existing one with the same ``key``."""
        values = {
            "key": key,
            "kind": kind,
            "request_id": request_id,
            "due_at": due_at,
            "deadline_at": deadline_at,
            "payload": dict(payload or {}),
            "status": JobStatus.PENDING.value,
            "attempts": 0,
            "created_at": self.clock(),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(jobs.insert().values(**values))
        except sa.exc.IntegrityError:
            pass  # already scheduled (by us before, or another replica)
        job = self.get(key)
        if job is None:
            raise RuntimeError(f"job {key!r} could neither be added nor found")
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(job)
            except Exception:  # a listener only speeds things up: the job is stored either way
                log.exception("job listener failed for %s", key)
        return job

    def get(self, key: str) -> Job | None:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(jobs).where(jobs.c.key == key)).mappings().first()
        return None if row is None else _from_row(row)

    def list_jobs(self, *, request_id: str | None = None, statuses: Collection[JobStatus] | None = None) -> list[Job]:
        """Jobs in the order they fall due."""
        query = sa.select(jobs).order_by(jobs.c.due_at, jobs.c.id)
        if request_id is not None:
            query = query.where(jobs.c.request_id == request_id)
        if statuses is not None:
            query = query.where(jobs.c.status.in_(sorted(JobStatus(s).value for s in statuses)))
        with self.engine.connect() as connection:
            return [_from_row(row) for row in connection.execute(query).mappings()]

    def next_due_at(self) -> datetime | None:
        """When the next job becomes claimable: the earliest pending due time, or the earliest lease that runs out."""
        pending = sa.select(sa.func.min(jobs.c.due_at)).where(jobs.c.status == JobStatus.PENDING.value)
        leased = sa.select(sa.func.min(jobs.c.lease_until)).where(jobs.c.status == JobStatus.RUNNING.value)
        with self.engine.connect() as connection:
            moments = [connection.execute(pending).scalar(), connection.execute(leased).scalar()]  # typed UtcDateTime
        found = [moment for moment in moments if moment is not None]
        return min(found) if found else None

    def count_pending(
        self, *, until: datetime, since: datetime | None = None, kinds: Collection[str] | None = None
    ) -> int:
        """How many pending jobs (of ``kinds``) are due by ``until`` (and not before ``since``): those whose calls
        may have to share one spread."""
        query = sa.select(sa.func.count()).where(jobs.c.status == JobStatus.PENDING.value, jobs.c.due_at <= until)
        if since is not None:
            query = query.where(jobs.c.due_at >= since)
        if kinds is not None:
            query = query.where(jobs.c.kind.in_(sorted(kinds)))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def claim_due(
        self, worker: str, *, now: datetime, lease: timedelta, limit: int = 1, until: datetime | None = None
    ) -> list[Job]:
        """Claim up to ``limit`` jobs due by ``until`` (default ``now``; later to run them early), or whose previous
        worker's lease ran out, for ``worker``; in the order they fall due."""
        claimable = sa.or_(
            sa.and_(jobs.c.status == JobStatus.PENDING.value, jobs.c.due_at <= (now if until is None else until)),
            sa.and_(jobs.c.status == JobStatus.RUNNING.value, jobs.c.lease_until < now),
        )
        claim = {
            "status": JobStatus.RUNNING.value,
            "claimed_by": worker,
            "lease_until": now + lease,
            "attempts": jobs.c.attempts + 1,
        }
        pick = sa.select(jobs.c.id).where(claimable).order_by(jobs.c.due_at, jobs.c.id).limit(limit)
        with self.engine.connect().execution_options(immediate=True) as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                ids = list(connection.execute(pick.with_for_update(skip_locked=True)).scalars())
                if not ids:
                    return []
                statement = jobs.update().where(jobs.c.id.in_(ids))
            else:  # SQLite: one statement under the write lock is atomic
                statement = jobs.update().where(jobs.c.id.in_(pick.scalar_subquery())).where(claimable)
            rows = connection.execute(statement.values(**claim).returning(*jobs.c)).mappings().all()
        return sorted((_from_row(row) for row in rows), key=lambda job: (job.due_at, job.id))

    def finish(self, job: Job, status: JobStatus, *, error: str | None = None) -> bool:
        """Settle a job this worker claimed. False when its lease was lost to another worker meanwhile."""
        return self._settle(job, status=status.value, last_error=error, finished_at=self.clock(), lease_until=None)

    def retry_later(self, job: Job, *, at: datetime, error: str) -> bool:
        """Give a claimed job back to run again at ``at`` (the handler failed, and may be retried)."""
        return self._settle(job, status=JobStatus.PENDING.value, due_at=at, last_error=error, lease_until=None)

    def cancel_for_request(self, request_id: str) -> int:
        """Cancel every pending job of a request (it was cancelled); returns how many."""
        statement = (
            jobs.update()
            .where(jobs.c.request_id == request_id, jobs.c.status == JobStatus.PENDING.value)
            .values(status=JobStatus.CANCELLED.value, finished_at=self.clock())
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount

    def follow_window_end(self, request_id: str, *, due: Collection[str], deadline: Collection[str]) -> int:
        """Pending jobs of a request follow its window's end as stored now (after an extension): jobs of the kinds in
        ``due`` fall due then, those in ``deadline`` may run until then. Read in the same statement, so whichever of
        two concurrent extensions syncs last leaves the latest end. Returns how many jobs changed."""
        end = sa.select(requests.c.window_end).where(requests.c.id == request_id).scalar_subquery()
        pending = sa.and_(jobs.c.request_id == request_id, jobs.c.status == JobStatus.PENDING.value)
        changed = 0
        with self.engine.begin() as connection:
            if due:
                moved = jobs.update().where(pending, jobs.c.kind.in_(sorted(due))).values(due_at=end)
                changed += connection.execute(moved).rowcount
            if deadline:
                later = jobs.update().where(pending, jobs.c.kind.in_(sorted(deadline))).values(deadline_at=end)
                changed += connection.execute(later).rowcount
        return changed

    def forget_finished(self, kind: str, *, before: datetime) -> int:
        """Delete jobs of ``kind`` that finished (done, failed, missed or cancelled) before ``before``: jobs of no
        request, which pruning requests never reaches. Returns how many."""
        statement = jobs.delete().where(jobs.c.kind == kind, jobs.c.finished_at < before)  # unfinished: no finished_at
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount

    def _settle(self, job: Job, **values: Any) -> bool:
        statement = (
            jobs.update()
            .where(jobs.c.id == job.id, jobs.c.status == JobStatus.RUNNING.value)
            .where(jobs.c.claimed_by == job.claimed_by, jobs.c.attempts == job.attempts)
            .values(**values)
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1


def _from_row(row: sa.RowMapping) -> Job:
    values = {name: row[name] for name in jobs.c.keys()}  # noqa: SIM118
    values["status"] = JobStatus(values["status"])
    values["payload"] = dict(values["payload"] or {})
    return Job(**values)
