"""The audit log: who asked for what, where, when, and what came of it — for every create, cancel and failure.

Rows are only ever added. ``python -m bot audit`` exports them (:mod:`bot.cli.audit_cmd`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.core.model import TaskRequest, request_to_dict
from bot.core.sources import display_source
from bot.lifecycle import StoredRequest
from bot.store.requests import Clock, utc_now
from bot.store.tables import audit_events


class AuditAction(enum.StrEnum):
    """What happened. ``create``, ``cancel`` and ``failure`` are the ones every deployment must keep."""

    PROPOSE = "propose"  # a card was shown
    CREATE = "create"  # a provider task was created (or creation was attempted: see the outcome)
    CANCEL = "cancel"  # a request or provider task was cancelled
    FAILURE = "failure"  # something failed outside create/cancel (e.g. a scheduled stop)
    EXPIRE = "expire"  # nobody answered the card in time
    START = "start"  # the bot's scheduler started a task
    STOP = "stop"  # the bot's scheduler stopped a task
    MISSED = "missed"  # the bot was down for the whole window
    RECONCILE = "reconcile"  # a request left in ``submitting`` was settled at startup
    DENIED = "denied"  # a permission check refused
    DRY_RUN = "dry_run"  # a dry run showed what Confirm would send (nothing was sent)


class AuditOutcome(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the provider may or may not have acted
    DENIED = "denied"
    MISSED = "missed"


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


def _shown_request(request: TaskRequest) -> dict[str, Any]:
    """The request as the audit log keeps it: relay sources without their query (stream tokens live there)."""
    shown = request_to_dict(request)
    shown["sources"] = [display_source(url) for url in request.sources]
    return shown


def _from_row(row: sa.RowMapping) -> AuditEvent:
    return AuditEvent(**{name: row[name] for name in audit_events.c.keys()})  # noqa: SIM118
