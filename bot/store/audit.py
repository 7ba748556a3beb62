"""The audit log: who asked for what, where, when, and what came of it — for every create, cancel and failure.

Rows are only ever added, except by an operator's ``python -m bot prune --yes`` (itself audited). ``python -m bot
audit`` exports them (:mod:`bot.cli.audit_cmd`), streamed: memory stays flat whatever the range.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.core.model import TaskRequest, request_to_dict
from bot.core.sources import display_source
from bot.lifecycle import AuditAction, AuditOutcome, StoredRequest
from bot.store.tables import audit_events
from bot.timekeeping import Clock, utc_now

__all__ = ["AuditAction", "AuditEvent", "AuditLog", "AuditOutcome"]

#: Audit rows whose ``detail`` keeps a provider's raw callback body (blanked after a while: ``forget_raw_bodies``).
RAW_BODY_ACTIONS = (AuditAction.CALLBACK, AuditAction.FILE, AuditAction.TROUBLE)
RAW_BODY_REMOVED = "(raw body removed after its retention period)"

#: Rows fetched at a time by :meth:`AuditLog.stream`.
STREAM_BATCH = 1000


@dataclass(frozen=True)
class AuditEvent:
    """One line of the audit log."""

    id: int
    at: datetime
    actor: str  # Slack user id, "console", or "scheduler"
    action: str
    outcome: str
    channel: str | None = None
    provider: str | None = None
    request_id: str | None = None
    task_id: str | None = None
    provider_request_id: str | None = None
    raw_text: str | None = None
    request: dict[str, Any] | None = None  # the understood request, as request_to_dict
    detail: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (time as RFC 3339)."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "outcome": self.outcome,
            "channel": self.channel,
            "provider": self.provider,
            "request_id": self.request_id,
            "task_id": self.task_id,
            "provider_request_id": self.provider_request_id,
            "raw_text": self.raw_text,
            "request": self.request,
            "detail": self.detail,
        }


class AuditLog:
    """Append and read audit events. Reach it as ``store.audit``."""

    def __init__(self, engine: sa.Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def record(
        self,
        *,
        actor: str,
        action: AuditAction | str,
        outcome: AuditOutcome | str,
        channel: str | None = None,
        provider: str | None = None,
        request_id: str | None = None,
        task_id: str | None = None,
        provider_request_id: str | None = None,
        raw_text: str | None = None,
        request: TaskRequest | None = None,
        detail: str | None = None,
    ) -> AuditEvent:
        """Append one event (its own short transaction) and return it."""
        values: dict[str, Any] = {
            "at": self.clock(),
            "actor": actor,
            "action": str(action),
            "outcome": str(outcome),
            "channel": channel,
            "provider": provider or (request.provider if request else None),
            "request_id": request_id,
            "task_id": task_id,
            "provider_request_id": provider_request_id,
            "raw_text": raw_text,
            "request": _shown_request(request) if request else None,
            "detail": detail,
        }
        with self.engine.begin() as connection:
            row = connection.execute(audit_events.insert().values(**values).returning(*audit_events.c)).mappings().one()
        return _from_row(row)

    def record_request(
        self,
        stored: StoredRequest,
        *,
        action: AuditAction | str,
        outcome: AuditOutcome | str,
        actor: str | None = None,
        detail: str | None = None,
    ) -> AuditEvent:
        """Append an event about ``stored``, copying its channel, text, request, TaskId and RequestId.
        ``actor`` defaults to who settled it, else who asked."""
        if detail is None and stored.error_code:
            detail = f"{stored.error_code}: {stored.error_message or ''}".strip()
        return self.record(
            actor=actor or stored.settled_by or stored.requester,
            action=action,
            outcome=outcome,
            channel=stored.channel,
            provider=stored.request.provider,
            request_id=stored.id,
            task_id=stored.task_id,
            provider_request_id=stored.provider_request_id,
            raw_text=stored.text,
            request=stored.request,
            detail=detail,
        )

    def forget_raw_bodies(self, *, older_than: datetime) -> int:
        """Blank the providers' raw callback bodies kept in the ``detail`` of callback, file and trouble rows older
        than ``older_than`` (the rows themselves stay: they are the history). Returns how many were blanked."""
        statement = (
            audit_events.update()
            .where(audit_events.c.at < older_than)
            .where(audit_events.c.action.in_([str(a) for a in RAW_BODY_ACTIONS]))
            .where(audit_events.c.detail != RAW_BODY_REMOVED)
            .values(detail=RAW_BODY_REMOVED)
        )
        with self.engine.begin() as connection:
            return int(connection.execute(statement).rowcount or 0)

    def events(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        request_id: str | None = None,
        limit: int | None = None,
    ) -> list[AuditEvent]:
        """Events oldest first, optionally from ``since`` (inclusive) to ``until`` (exclusive)."""
        query = sa.select(audit_events).order_by(audit_events.c.at, audit_events.c.id)
        if since is not None:
            query = query.where(audit_events.c.at >= since)
        if until is not None:
            query = query.where(audit_events.c.at < until)
        if request_id is not None:
            query = query.where(audit_events.c.request_id == request_id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            return [_from_row(row) for row in connection.execute(query).mappings()]

    def stream(
        self, *, since: datetime | None = None, until: datetime | None = None, batch: int = STREAM_BATCH
    ) -> Iterator[AuditEvent]:
        """Events oldest first, like :meth:`events`, without holding them all: a server-side cursor on PostgreSQL
        (one snapshot), pages of ``batch`` rows on SQLite (each page a short read, so writers are never held up)."""
        query = sa.select(audit_events).order_by(audit_events.c.at, audit_events.c.id)
        if since is not None:
            query = query.where(audit_events.c.at >= since)
        if until is not None:
            query = query.where(audit_events.c.at < until)
        if self.engine.dialect.name != "sqlite":
            with self.engine.connect() as connection:
                for row in connection.execution_options(yield_per=batch).execute(query).mappings():
                    yield _from_row(row)
            return
        after: tuple[datetime, int] | None = None
        while True:
            page = query if after is None else query.where(sa.tuple_(audit_events.c.at, audit_events.c.id) > after)
            with self.engine.connect() as connection:
                rows = connection.execute(page.limit(batch)).mappings().all()
            for row in rows:
                yield _from_row(row)
            if len(rows) < batch:
                return
            after = (rows[-1]["at"], rows[-1]["id"])


def _shown_request(request: TaskRequest) -> dict[str, Any]:
    """The request as the audit log keeps it: relay sources without their query (stream tokens live there)."""
    shown = request_to_dict(request)
    shown["sources"] = [display_source(url) for url in request.sources]
    return shown


def _from_row(row: sa.RowMapping) -> AuditEvent:
    return AuditEvent(**{name: row[name] for name in audit_events.c.keys()})  # noqa: SIM118
