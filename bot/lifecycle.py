"""The life of a request, as an explicit state machine, and what a store of requests must offer.

    proposed ──► confirmed ──► submitting ──► scheduled ──► running ──► done
        │            │              │             │  ▲         │
        ├► cancelled ├► cancelled   ├► failed ─►  │  │         ├► failed
        └► expired   └► failed      │  retried    ▼  │         │
                                    └► unknown   cancelling ◄──┘ (Cancel task, Stop now)
                                                  ├► cancelled
                                                  └► unknown (the stop's outcome could not be told)
    scheduled ──► missed (the bot itself could not start it in time)
    scheduled ──► scheduled, running ──► running (extended: a later end, perhaps a follow-on task)

:data:`TRANSITIONS` is the whole table (``python -m bot docs`` draws it). Every transition is one conditional
update ("move from one of these states to that one"), so two clicks, two threads or two replicas settle a request
exactly once: the loser gets ``None`` back. Only :class:`bot.flow.life.RequestLife` calls
:meth:`RequestStore.transition`; it also writes the audit row and emits the event people are told about.
"""

from __future__ import annotations

import base64
import enum
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.core.model import TaskRequest

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648 base32, lower case: no 0/1/8/9 to confuse
_ID_LENGTH = 6


def new_request_id() -> str:
    """``r`` and six random base32 letters, e.g. ``rk4q2mz``: short enough to type in ``/record cancel``."""
    return "r" + base64.b32encode(secrets.token_bytes(5)).decode("ascii")[:_ID_LENGTH].lower()  # 30 random bits


def normalize_request_id(text: str) -> str:
    """What a person typed (``RK4Q2MZ``, `` rk4q2mz ``) as a stored id."""
    return text.strip().lower()


def looks_like_request_id(text: str) -> bool:
    """Whether ``text`` has the shape of one of our ids (otherwise it may be a provider TaskId)."""
    value = normalize_request_id(text)
    return len(value) == _ID_LENGTH + 1 and value[0] == "r" and all(c in _ID_ALPHABET for c in value[1:])


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
    CANCELLING = "cancelling"  # a person asked to cancel or stop it; the provider's stop call is under way
    RETRIED = "retried"  # failed, then retried once: ``extra["retried_as"]`` names the new request


#: Which states each state may move to.
TRANSITIONS: Mapping[RequestState, frozenset[RequestState]] = {
    RequestState.PROPOSED: frozenset(
        {
            RequestState.PROPOSED,  # the card's overlaps, read after it was shown
            RequestState.CONFIRMED,
            RequestState.CANCELLED,
            RequestState.EXPIRED,
            RequestState.FAILED,
        }
    ),
    RequestState.CONFIRMED: frozenset({RequestState.SUBMITTING, RequestState.CANCELLED, RequestState.FAILED}),
    RequestState.SUBMITTING: frozenset(
        {RequestState.SCHEDULED, RequestState.RUNNING, RequestState.FAILED, RequestState.UNKNOWN}
    ),
    RequestState.SCHEDULED: frozenset(
        {
            RequestState.SCHEDULED,  # extended (a later end, a follow-on task)
            RequestState.SUBMITTING,  # the bot's own scheduler starting a trro recording
            RequestState.RUNNING,
            RequestState.DONE,
            RequestState.CANCELLED,  # a bot-kept window cancelled before its task exists: no provider call
            RequestState.CANCELLING,
            RequestState.FAILED,
            RequestState.MISSED,
        }
    ),
    RequestState.RUNNING: frozenset(
        {RequestState.RUNNING, RequestState.DONE, RequestState.CANCELLING, RequestState.FAILED}  # running: extended
    ),
    RequestState.CANCELLING: frozenset(
        {
            RequestState.CANCELLED,
            RequestState.SCHEDULED,  # the provider refused to stop it: it goes on as before
            RequestState.RUNNING,
            RequestState.DONE,  # the window ended while the stop was under way
            RequestState.UNKNOWN,  # nothing can tell whether the stop happened
        }
    ),
    RequestState.UNKNOWN: frozenset(
        {RequestState.SCHEDULED, RequestState.RUNNING, RequestState.DONE, RequestState.FAILED}
    ),
    RequestState.FAILED: frozenset({RequestState.RETRIED}),
    RequestState.DONE: frozenset(),
    RequestState.CANCELLED: frozenset(),
    RequestState.EXPIRED: frozenset(),
    RequestState.MISSED: frozenset(),
    RequestState.RETRIED: frozenset(),
}

#: States in which a provider task may exist that a person can cancel.
ACTIVE_STATES: frozenset[RequestState] = frozenset({RequestState.SCHEDULED, RequestState.RUNNING})

#: States a request never leaves (it may still gain facts: a file, a late error).
FINAL_STATES: frozenset[RequestState] = frozenset(state for state, moves in TRANSITIONS.items() if not moves)


class TaskState(enum.StrEnum):
    """One provider task of a request (a request may own several: a follow-on after an extend, an occurrence)."""

    ACTIVE = "active"  # created at the provider; its window has not ended
    STOPPED = "stopped"  # a person stopped or cancelled it
    ENDED = "ended"  # its window ended


@dataclass(frozen=True)
class ProviderTask:
    """A task the provider holds for a request."""

    request_id: str
    provider: str
    task_id: str
    state: TaskState
    created_at: datetime
    provider_request_id: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None


@dataclass(frozen=True)
class NewTask:
    """A provider task to record together with a transition (``transition(..., task=NewTask(...))``)."""

    task_id: str
    provider_request_id: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None


class AuditAction(enum.StrEnum):
    """What happened, as the audit log records it. ``create``, ``cancel`` and ``failure`` every deployment keeps."""

    PROPOSE = "propose"  # a card was shown
    CONFIRM = "confirm"  # the requester confirmed
    CREATE = "create"  # a provider task was created (or creation was attempted: see the outcome)
    CANCEL = "cancel"  # a request or provider task was cancelled (or a cancel was asked for: see the outcome)
    FAILURE = "failure"  # something failed outside create/cancel (e.g. a scheduled stop)
    EXPIRE = "expire"  # nobody answered the card in time
    START = "start"  # the window began (the bot's scheduler created a bot-kept task, or the provider's started)
    STOP = "stop"  # the bot's scheduler stopped a bot-kept task at the window's end
    FINISH = "finish"  # the window ended
    MISSED = "missed"  # the bot was down for the whole window
    RECONCILE = "reconcile"  # a request a dead process left half-way was settled
    RETRY = "retry"  # a failed request was retried (once)
    DENIED = "denied"  # a permission check refused
    DRY_RUN = "dry_run"  # the calls a Confirm would send were shown
    PRUNE = "prune"  # an operator deleted history (``python -m bot prune --yes``)
    FILE = "file"  # a provider callback or look-up reported a recorded file (the raw body in ``detail``)
    TROUBLE = "trouble"  # a provider callback reported a failed start, an error or a lost stream
    CALLBACK = "callback"  # a provider callback that matched no request, or was not posted (raw body kept)
    NO_FILE = "no_file"  # no file came within the grace period after the window ended
    EXTEND = "extend"  # the window's end moved later (a follow-on task, an in-place update or a moved stop)


class AuditOutcome(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"
    UNKNOWN = "unknown"  # the provider may or may not have acted
    DENIED = "denied"
    MISSED = "missed"
    REQUESTED = "requested"  # asked for; the outcome follows in another row


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
        request_id: str | None = None,
        series_end: datetime | None = None,
    ) -> StoredRequest:
        """Record a new request in ``proposed`` and return it with its new id (``extra`` kept as given);
        ``request_id`` when the caller drew the id already (a retry names its new request before creating it);
        ``series_end``: a series' last occurrence's end (its ``request.window`` is the first)."""
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
        (``task_id``, ``provider_request_id``, ``error_code``, ``error_message``, ``settled_by``, ``extra``,
        ``card``, ``request``: the request with an extended window, and ``task``: a :class:`NewTask` recorded in the
        same transaction) in the same conditional update; ``window_end_was`` adds a condition on the window's end.
        Returns the updated request, or None when another actor settled it first."""
        ...

    def overlapping(
        self,
        request: TaskRequest,
        states: Collection[RequestState],
        limit: int = 20,
        *,
        series_end: datetime | None = None,
    ) -> list[StoredRequest]:
        """Requests in ``states`` of the same kind, provider and target whose span (first start to last end) meets
        ``request``'s, up to ``series_end`` for a series: the candidates whose occurrences may overlap."""
        ...

    def overlapping_many(
        self, wanted: Sequence[tuple[TaskRequest, datetime | None]], states: Collection[RequestState]
    ) -> list[StoredRequest]:
        """:meth:`overlapping` for several requests (each with its series' end) at once: every candidate of any."""
        ...

    def tasks_of(self, request_id: str) -> list[ProviderTask]:
        """Every provider task the request owns, oldest first."""
        ...

    def set_task_state(self, request_id: str, task_id: str, state: TaskState) -> None:
        """Mark one of the request's provider tasks stopped or ended."""
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
        before: datetime | None = None,
    ) -> list[StoredRequest]:
        """Newest first; ``since`` keeps requests created at or after it (e.g. recent failures), ``before`` those
        created before it."""
        ...

    def count_requests(
        self,
        *,
        states: Collection[RequestState] | None = None,
        channel: str | None = None,
        requester: str | None = None,
        since: datetime | None = None,
    ) -> int:
        """How many requests :meth:`list_requests` would find without a limit."""
        ...
