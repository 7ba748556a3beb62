"""The life of a request, as an explicit state machine, and what a store of requests must offer.

    proposed ──► confirmed ──► submitting ──► scheduled ──► running ──► done
        │            │              │             │            │
        ├► cancelled ├► cancelled   ├► failed     ├► cancelled ├► cancelled
        └► expired   └► failed      └► unknown    ├► failed    └► failed
                                                   └► missed (the bot itself could not start it in time)

Every transition is one conditional update ("move from one of these states to that one"), so two clicks, two
threads or two replicas settle a request exactly once: the loser gets ``None`` back.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.core.model import TaskRequest


class RequestState(enum.StrEnum):
    PROPOSED = "proposed"  # card shown, waiting for Confirm / Cancel
    CONFIRMED = "confirmed"  # the requester confirmed; queued for the provider call
    SUBMITTING = "submitting"  # the provider call is under way
    SCHEDULED = "scheduled"  # the provider (or our scheduler) holds the task; the window has not begun
    RUNNING = "running"  # the window has begun
    DONE = "done"  # the window has ended
    FAILED = "failed"  # the provider refused, or we could not start it
    CANCELLED = "cancelled"  # cancelled before confirming, or stopped afterwards
    EXPIRED = "expired"  # nobody answered the card in time
    UNKNOWN = "unknown"  # the provider may or may not have acted; a person must check
    MISSED = "missed"  # the bot was down for the whole window it had to start itself


#: Which states each state may move to.
TRANSITIONS: Mapping[RequestState, frozenset[RequestState]] = {
    RequestState.PROPOSED: frozenset(
        {RequestState.CONFIRMED, RequestState.CANCELLED, RequestState.EXPIRED, RequestState.FAILED}
    ),
    RequestState.CONFIRMED: frozenset({RequestState.SUBMITTING, RequestState.CANCELLED, RequestState.FAILED}),
    RequestState.SUBMITTING: frozenset(
        {RequestState.SCHEDULED, RequestState.RUNNING, RequestState.FAILED, RequestState.UNKNOWN}
    ),
    RequestState.SCHEDULED: frozenset(
        {
            RequestState.SUBMITTING,  # the bot's own scheduler starting a trro recording
            RequestState.RUNNING,
            RequestState.DONE,
            RequestState.CANCELLED,
            RequestState.FAILED,
            RequestState.MISSED,
        }
    ),
    RequestState.RUNNING: frozenset({RequestState.DONE, RequestState.CANCELLED, RequestState.FAILED}),
    RequestState.UNKNOWN: frozenset({RequestState.SCHEDULED, RequestState.RUNNING, RequestState.FAILED}),
    RequestState.DONE: frozenset(),
    RequestState.FAILED: frozenset(),
    RequestState.CANCELLED: frozenset(),
    RequestState.EXPIRED: frozenset(),
    RequestState.MISSED: frozenset(),
}

#: States in which a provider task may exist that a person can cancel.
ACTIVE_STATES: frozenset[RequestState] = frozenset({RequestState.SCHEDULED, RequestState.RUNNING})


@dataclass(frozen=True)
class CardRef:
    """Where the request's confirmation card lives in chat, so any process can update it or reply in its thread."""

    channel: str | None = None
    ts: str | None = None  # the card message; replies go to its thread
    response_url: str | None = None  # for ephemeral cards and channels the bot is not in
    thread_ts: str | None = None  # when the command itself was typed in a thread (app mention)


@dataclass(frozen=True)
class StoredRequest:
    """A request as the store keeps it."""

    id: str  # short, typeable: what `/record cancel <id>` takes
    state: RequestState
    request: TaskRequest
    requester: str  # Slack user id, or "console"
    text: str  # what the person typed
    timezone: str
    lang: str
    created_at: datetime
    updated_at: datetime
    channel: str | None = None
    card: CardRef = field(default_factory=CardRef)
    task_id: str | None = None
    provider_request_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    settled_by: str | None = None  # who confirmed or cancelled it
    extra: Mapping[str, Any] = field(default_factory=dict)


class RequestStore(Protocol):
    """Durable requests. Implemented by :mod:`bot.store` (SQLite by default, PostgreSQL in production)."""

    def propose(
        self,
        *,
        request: TaskRequest,
        requester: str,
        text: str,
        timezone: str,
        lang: str,
        channel: str | None = None,
        card: CardRef | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> StoredRequest:
        """Record a new request in ``proposed`` and return it with its new id (``extra`` kept as given)."""
        ...

    def get(self, request_id: str) -> StoredRequest | None: ...

    def find_by_task_id(self, provider: str, task_id: str) -> StoredRequest | None: ...

    def find(self, reference: str) -> StoredRequest | None:
        """A request by our id or by a provider TaskId (what ``/record cancel …`` takes)."""
        ...

    def transition(
        self,
        request_id: str,
        *,
        from_states: Collection[RequestState],
        to: RequestState,
        **changes: Any,
    ) -> StoredRequest | None:
        """Move the request to ``to`` if (and only if) it is in one of ``from_states``, applying ``changes``
        (``task_id``, ``provider_request_id``, ``error_code``, ``error_message``, ``settled_by``) in the same
        conditional update. Returns the updated request, or None when another actor settled it first."""
        ...

    def set_card(self, request_id: str, card: CardRef) -> None:
        """Remember where the card was posted."""
        ...

    def list_requests(
        self,
        *,
        states: Collection[RequestState] | None = None,
        channel: str | None = None,
        requester: str | None = None,
        limit: int = 50,
        since: datetime | None = None,
    ) -> list[StoredRequest]:
        """Newest first; ``since`` keeps requests created at or after it (e.g. recent failures)."""
        ...
