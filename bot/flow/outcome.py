"""What happens to a request, as the adapters show it: an :class:`Event`, carried in an :class:`Outcome` through
a :class:`Notifier` (the Slack card and its thread, or the console)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from bot.core.model import Note
from bot.errors import BotError, OutcomeUnknown, ProviderError, Retry
from bot.lifecycle import StoredRequest
from bot.recordings import RecordedFile
from providers.base import TaskResult


class Event(enum.StrEnum):
    """What just happened to a request. Each is emitted by :class:`bot.flow.life.RequestLife`, once."""

    CONFIRMED = "confirmed"  # settled by the requester; the provider call is queued ("Submitting…")
    SCHEDULED = "scheduled"  # the provider (or the bot's scheduler) holds it; ``result`` holds the TaskId
    STARTED = "started"  # the window began
    FINISHED = "finished"  # the window ended
    FAILED = "failed"  # the provider (or validation) refused, or a start/stop failed; ``error`` explains
    UNKNOWN = "unknown"  # the provider may or may not have acted; ``error`` explains
    MISSED = "missed"  # the bot was down for the whole window it had to start itself
    CANCELLING = "cancelling"  # a person asked to cancel or stop it; the provider's stop call is under way
    CANCELLED = "cancelled"  # cancelled before confirming (``result`` None) or stopped at the provider
    CANCEL_FAILED = "cancel_failed"  # the provider refused to stop the task; ``error`` explains
    CANCEL_UNCLEAR = "cancel_unclear"  # nothing can tell whether the stop happened: a person must check
    RETRIED = "retried"  # a failed request was retried as a new one (``request.extra["retried_as"]``)
    EXPIRED = "expired"  # nobody answered the card in time
    FILE_READY = "file_ready"  # the provider produced a file (``files``: every file of the request so far)
    RECORDING_TROUBLE = "recording_trouble"  # the provider says a recording failed to start, erred or lost its stream
    NO_FILE = "no_file"  # the window ended and no file came within the grace period
    EXTENDED = "extended"  # the window ends later (``note`` says how: a follow-on task, in place, or bot-kept)
    EXTEND_FAILED = "extend_failed"  # an extension was refused or unclear; ``error`` explains
    OCCURRENCE_SCHEDULED = "occurrence_scheduled"  # a series occurrence's task was created (``result``)
    OCCURRENCE_STARTED = "occurrence_started"  # a series occurrence's window began
    OCCURRENCE_FINISHED = "occurrence_finished"  # a series occurrence's window ended
    OCCURRENCE_FAILED = "occurrence_failed"  # a series occurrence could not be created or stopped
    OCCURRENCE_MISSED = "occurrence_missed"  # the bot was down when a series occurrence had to be created
    OCCURRENCE_SKIPPED = "occurrence_skipped"  # one occurrence of a series was cancelled on its own
    OVERLAPS_FOUND = "overlaps_found"  # a new card's overlaps, read after it was shown: the card is redrawn with them


@dataclass(frozen=True)
class Outcome:
    """One event in a request's life, as the adapter must show it."""

    event: Event
    request: StoredRequest
    result: TaskResult | None = None
    error: BotError | None = None
    #: A sentence that goes with the event and replaces its usual thread reply: how long a card waited before it
    #: expired, what restart reconciliation found, how late a bot-kept window started.
    note: Note | None = None
    #: Who caused it (a Slack user id, "console", "scheduler", "bot"); None when it is the provider's answer.
    actor: str | None = None
    #: Every file of the request so far (``FILE_READY``), in recording order.
    files: tuple[RecordedFile, ...] = ()

    @property
    def retry_is_safe(self) -> bool:
        """True when the provider definitely did not act, so offering "Retry" cannot create a duplicate."""
        if isinstance(self.error, OutcomeUnknown):
            return False
        return isinstance(self.error, ProviderError) and self.error.retry is Retry.SAFE


class Notifier(Protocol):
    """Where outcomes go: the Slack card and its thread, or the console. Must not raise."""

    def notify(self, outcome: Outcome) -> None: ...
