"""What happens to a request, as the adapters show it: an :class:`Event`, carried in an :class:`Outcome` through
a :class:`Notifier` (the Slack card and its thread, or the console)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from bot.core.model import Note
from bot.errors import BotError, OutcomeUnknown, ProviderError, RequestStateError, Retry
from bot.lifecycle import RequestState, StoredRequest
from providers.base import TaskResult


class Event(enum.StrEnum):
    """What just happened to a request."""

    CONFIRMED = "confirmed"  # settled by the requester; the provider call is queued ("Submitting…")
    SCHEDULED = "scheduled"  # the provider accepted; ``result`` holds the TaskId
    FAILED = "failed"  # the provider (or validation) refused; ``error`` explains
    UNKNOWN = "unknown"  # the provider may or may not have acted; ``error`` explains
    CANCELLED = "cancelled"  # cancelled before confirming (``result`` None) or stopped at the provider
    CANCEL_FAILED = "cancel_failed"  # the provider refused to stop the task; ``error`` explains
    EXPIRED = "expired"  # nobody answered the card in time


@dataclass(frozen=True)
class Outcome:
    """One event in a request's life, as the adapter must show it."""

    event: Event
    request: StoredRequest
    result: TaskResult | None = None
    error: BotError | None = None
    #: A sentence that goes with the event: how long a card waited before it expired, or what restart
    #: reconciliation found (then it replaces the usual thread reply).
    note: Note | None = None

    @property
    def reconciled_note(self) -> Note | None:
        """What restart reconciliation found about a scheduled, failed or unknown request (it replaces the usual
        thread reply); None otherwise."""
        return self.note if self.event in (Event.SCHEDULED, Event.FAILED, Event.UNKNOWN) else None

    @property
    def retry_is_safe(self) -> bool:
        """True when the provider definitely did not act, so offering "Retry" cannot create a duplicate."""
        if isinstance(self.error, OutcomeUnknown):
            return False
        return isinstance(self.error, ProviderError) and self.error.retry is Retry.SAFE


class AlreadySettled(RequestStateError):
    """The request is no longer waiting for this decision; says in which state it is, in the reader's language."""

    def __init__(self, request_id: str, state: RequestState) -> None:
        self.state = state
        super().__init__("flow.already_settled", request=request_id, state=str(state))

    def render(self, lang: str = "en") -> str:
        from bot.catalogue import text

        return text(self.key, lang, request=self.params["request"], state=text(f"flow.state.{self.state}", lang))


class Notifier(Protocol):
    """Where outcomes go: the Slack card and its thread, or the console. Must not raise."""

    def notify(self, outcome: Outcome) -> None: ...


def mention(user: str) -> str:
    """A Slack mention for a user id; plain names (``console``) stay as they are."""
    return f"<@{user}>" if user[:1] in {"U", "W"} and user.isalnum() else user
