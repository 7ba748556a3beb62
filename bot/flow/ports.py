"""What the request flow needs from the parts around it, as protocols (the real ones: the provider registry,
:class:`bot.store.JobStore`, :class:`bot.store.AuditLog`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, Protocol

from bot.core.model import TaskRequest
from bot.lifecycle import AuditAction, AuditOutcome, StoredRequest
from providers.base import Provider


class ProviderLookup(Protocol):
    """What the flow needs from the provider registry."""

    def get(self, key: str) -> Provider: ...


class JobQueue(Protocol):
    """Durable jobs the bot's scheduler runs at their time: :class:`bot.store.JobStore` fits."""

    def schedule(
        self,
        *,
        key: str,
        kind: str,
        due_at: datetime,
        request_id: str | None = None,
        deadline_at: datetime | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> object:
        """Add a job (scheduling the same ``key`` twice keeps the first)."""
        ...

    def cancel_for_request(self, request_id: str) -> int:
        """Drop the pending jobs of a request; returns how many."""
        ...

    def follow_window_end(self, request_id: str, *, due: Collection[str], deadline: Collection[str]) -> int:
        """Move the pending jobs of a request to its window's end as stored now (after an extension)."""
        ...


class AuditTrail(Protocol):
    """Where creates, cancels and failures are recorded: :class:`bot.store.AuditLog` fits."""

    def record_request(
        self,
        stored: StoredRequest,
        *,
        action: AuditAction,
        outcome: AuditOutcome,
        actor: str | None = None,
        detail: str | None = None,
    ) -> object: ...

    def record(
        self,
        *,
        actor: str,
        action: AuditAction,
        outcome: AuditOutcome,
        channel: str | None = None,
        provider: str | None = None,
        raw_text: str | None = None,
        request: TaskRequest | None = None,
        detail: str | None = None,
    ) -> object: ...
