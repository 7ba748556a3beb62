"""The one owner of a request's life: every change of state goes through :meth:`RequestLife.move`.

A move is one conditional update in the store (so two clicks, two threads or two replicas settle it once), one audit
row, and one :class:`~bot.flow.outcome.Outcome` handed to the notifier — whoever asks for it: a click, the flow's
worker, the scheduler, restart reconciliation, a retry, a cancel, a provider callback. Facts that change no state (a
stop the provider refused) go through :meth:`RequestLife.tell`, so they reach people the same way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from bot.core.model import Note
from bot.errors import BotError, ProviderError, StoreRefused, StoreUnavailable
from bot.flow.outcome import Event, Notifier, Outcome
from bot.flow.ports import AuditTrail
from bot.lifecycle import (
    ACTIVE_STATES,
    TRANSITIONS,
    AuditAction,
    AuditOutcome,
    RequestState,
    RequestStore,
    StoredRequest,
)
from providers.base import TaskResult

log = logging.getLogger(__name__)

#: Saving is tried this often when the database does not answer (waiting 0.1, 0.2, 0.4 s between tries); after that
#: the request stays where it was and restart reconciliation settles it.
SAVE_ATTEMPTS = 4
SAVE_FIRST_DELAY = 0.1
#: How often a move that keeps the state is tried when other changes keep coming first.
IN_PLACE_ATTEMPTS = 5
#: What a request becomes when the database refuses the provider's answer itself (e.g. a value it cannot hold):
#: a definite state a person can see, never a loop of look-ups.
NOT_SAVED = "NotSaved"


@dataclass(frozen=True)
class Move:
    """What a move records besides the new state: the audit row's action and outcome, who did it, and what the
    people told should read (``result``, ``error``, ``note``)."""

    event: Event | None  # None: an internal hop nobody needs to be told about (e.g. scheduled → submitting)
    action: AuditAction | None  # None: no audit row (the hop is audited by the move that follows it)
    outcome: AuditOutcome = AuditOutcome.OK
    actor: str | None = None
    detail: str | None = None
    result: TaskResult | None = None
    error: BotError | None = None
    note: Note | None = None


def error_changes(error: BotError | None) -> dict[str, Any]:
    """The columns that keep ``error``: a provider's code, message and RequestId, or the bot's own error type."""
    if isinstance(error, ProviderError):
        return {"error_code": error.code, "error_message": error.message, "provider_request_id": error.request_id}
    if error is not None:
        return {"error_code": error.code, "error_message": error.render("en")}
    return {}


class RequestLife:
    """Moves requests between states, audits each move and tells the notifier. Thread-safe (the store is)."""

    def __init__(
        self,
        store: RequestStore,
        notifier: Notifier,
        *,
        audit: AuditTrail | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.audit = audit
        self._sleep = sleep

    def move(
        self, request_id: str, *, from_states: Collection[RequestState], to: RequestState, why: Move, **changes: Any
    ) -> StoredRequest | None:
        """Move the request to ``to`` if it is in one of ``from_states`` (with ``changes`` in the same update),
        audit it and tell people. Returns the moved request, or None when another actor moved it first.

        When the database refuses the values themselves, the request still ends in a definite state: ``unknown``
        with :data:`NOT_SAVED`, said in its thread. When the database does not answer at all, raises
        :class:`~bot.errors.StoreUnavailable` after a few tries (restart reconciliation settles it later).
        """
        try:
            moved = self._save(request_id, from_states, to, changes)
        except StoreRefused:
            log.error("request %s: the database refused the move to %s; marking it unknown", request_id, to)
            return self._not_saved(request_id, from_states, why)
        if moved is not None:
            self._audit(moved, why)
            if why.event is not None:
                self.tell(_outcome(why.event, moved, why))
        return moved

    def move_in_place(
        self,
        request_id: str,
        why: Move,
        *,
        extra_of: Callable[[StoredRequest], dict[str, Any]] | None = None,
        attempts: int = IN_PLACE_ATTEMPTS,
        **changes: Any,
    ) -> StoredRequest | None:
        """A move that keeps the state (scheduled stays scheduled, running running), whichever it is now, with
        ``changes`` (and ``extra_of(current)`` as the new extra); read again and retried when another change came
        first. None once the request is no longer scheduled or running (or the changes' own condition failed)."""
        for _ in range(attempts):
            current = self.store.get(request_id)
            if current is None or current.state not in ACTIVE_STATES:
                return None
            extra = {"extra": extra_of(current)} if extra_of is not None else {}
            moved = self.move(request_id, from_states={current.state}, to=current.state, why=why, **changes, **extra)
            if moved is not None:
                return moved
        return None

    def say(self, stored: StoredRequest, why: Move) -> None:
        """A fact about ``stored`` that changes no state (an occurrence that failed, an extension refused): its audit
        row and its outcome, exactly as a move would record and tell them."""
        assert why.event is not None, "say() tells people: give the event"
        self._audit(stored, why)
        self.tell(_outcome(why.event, stored, why))

    def tell(self, outcome: Outcome) -> None:
        """Hand an outcome to the notifier (the card, its thread, the requester). Never raises."""
        try:
            self.notifier.notify(outcome)
        except Exception:  # an adapter failure must never undo a settled request
            log.exception("notifier failed for %s on request %s", outcome.event, outcome.request.id)

    def record(self, stored: StoredRequest, why: Move) -> None:
        """An audit row about ``stored`` without a state change (a stop the provider refused, a dry run)."""
        self._audit(stored, why)

    def _save(
        self, request_id: str, from_states: Collection[RequestState], to: RequestState, changes: dict[str, Any]
    ) -> StoredRequest | None:
        attempt, delay = 1, SAVE_FIRST_DELAY
        while True:
            try:
                return self.store.transition(request_id, from_states=from_states, to=to, **changes)
            except StoreUnavailable as exc:
                if attempt >= SAVE_ATTEMPTS:
                    raise
                cause = type(exc.__cause__ or exc).__name__  # only the type: a database error's text holds SQL
                log.warning(
                    "request %s: saving the provider's answer failed (%s), attempt %d of %d; retrying in %.2f s",
                    request_id, cause, attempt, SAVE_ATTEMPTS, delay,
                )  # fmt: skip
                self._sleep(delay)
                attempt, delay = attempt + 1, delay * 2

    def _not_saved(self, request_id: str, from_states: Collection[RequestState], why: Move) -> StoredRequest | None:
        sources = {s for s in from_states if RequestState.UNKNOWN in TRANSITIONS[s]}
        if not sources:
            return None
        moved = self.store.transition(
            request_id,
            from_states=sources,
            to=RequestState.UNKNOWN,
            error_code=NOT_SAVED,
            error_message="the database refused to save the provider's answer",
        )
        if moved is not None:
            unsaved = Move(Event.UNKNOWN, why.action, AuditOutcome.UNKNOWN, actor=why.actor, detail=NOT_SAVED)
            self._audit(moved, unsaved)
            self.tell(Outcome(Event.UNKNOWN, moved, actor=why.actor, note=Note("life.not_saved", ())))
        return moved

    def _audit(self, stored: StoredRequest, why: Move) -> None:
        if self.audit is None or why.action is None:
            return
        try:
            self.audit.record_request(
                stored, action=why.action, outcome=why.outcome, actor=why.actor, detail=why.detail
            )
        except Exception as exc:  # the audit log must never stop a request
            # Only the type: a database error's text carries the SQL and its parameters (what the person typed).
            log.error("could not audit %s of request %s: %s", why.action, stored.id, type(exc).__name__)


def _outcome(event: Event, stored: StoredRequest, why: Move) -> Outcome:
    return Outcome(event, stored, result=why.result, error=why.error, note=why.note, actor=why.actor)
