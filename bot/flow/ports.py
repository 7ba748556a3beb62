"""What the request flow needs from the parts around it, as protocols (the real ones: the provider registry,
:class:`bot.scheduler.WindowJobs`, :class:`bot.store.AuditLog`)."""

from __future__ import annotations

from typing import Any, Protocol

from bot.core.model import TaskRequest
from bot.lifecycle import StoredRequest
from providers.base import Provider


class ProviderLookup(Protocol):
    """What the flow needs from the provider registry."""

    def get(self, key: str) -> Provider: ...


class WindowKeeper(Protocol):
    """Keeps the window for providers that cannot (trro): :class:`bot.scheduler.WindowJobs` fits."""

    def plan(self, stored: StoredRequest) -> StoredRequest | None:
        """Add start/stop jobs for a request in ``submitting`` and move it to ``scheduled``."""
        ...

    def cancel_before_start(self, request_id: str, *, user: str) -> StoredRequest | None:
        """Cancel a scheduled request whose task was not created yet (None when it already started)."""
        ...

    def cancel_jobs(self, request_id: str) -> int:
        """Drop the pending start/stop jobs of a request whose task was stopped by a person."""
        ...


class AuditTrail(Protocol):
    """Where creates, cancels and failures are recorded: :class:`bot.store.AuditLog` fits."""

    def record_request(
        self, stored: StoredRequest, *, action: Any, outcome: Any, actor: str | None = None, detail: str | None = None
    ) -> object: ...

    def record(
        self,
        *,
        actor: str,
        action: Any,
        outcome: Any,
        channel: str | None = None,
        provider: str | None = None,
        raw_text: str | None = None,
        request: TaskRequest | None = None,
        detail: str | None = None,
    ) -> object: ...
