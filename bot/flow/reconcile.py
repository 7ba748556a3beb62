"""Restart safety: finish what a dead process left half-way (flow policy, run by the scheduler loop).

- ``submitting`` (it died during the provider's create, or its database failed while saving the answer): nothing is
  retried blindly. Where the provider can look a task up (volc, tencent) a look-up that answers decides: found →
  ``scheduled``/``running`` with its TaskId, not found → ``failed``, safe to try again — the same policy as an
  unclear answer to a create (:func:`providers.transport.create_without_duplicates`). Elsewhere, or when the look-up
  fails, the request becomes ``unknown`` and its thread says what to check.
- ``cancelling`` (it died during a stop call): the stop is sent again (:meth:`TaskStopper.finish`).

Every change goes through :class:`~bot.flow.life.RequestLife`: the card is redrawn, the thread told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.model import Note
from bot.errors import BotError, OutcomeUnknown, ProviderError, TaskNotCreated
from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event
from bot.flow.ports import ProviderLookup
from bot.flow.stopping import TaskStopper
from bot.lifecycle import AuditAction, AuditOutcome, NewTask, RequestState, RequestStore, StoredRequest
from bot.log_context import about_request
from providers.base import Provider

log = logging.getLogger(__name__)
S = RequestState

#: A provider call never takes this long; a request in ``submitting`` or ``cancelling`` for longer lost its process.
DEFAULT_STALE_AFTER = timedelta(minutes=2)

#: What reconciliation stores when it cannot know more (the process that knew is gone).
NOT_CREATED = "NotCreated"
INTERRUPTED = "Restarted"
_INTERRUPTED_MESSAGE = "the bot stopped (restart or database failure) before saving the provider's answer"
RECONCILER = "bot"


def reconciled_error(stored: StoredRequest) -> ProviderError | None:
    """The error behind a request this module settled: ``failed`` → :class:`TaskNotCreated` (safe to try again),
    ``unknown`` → :class:`OutcomeUnknown`; None when the task was found."""
    facts = (stored.request.provider, stored.error_code or INTERRUPTED, stored.error_message or "")
    if stored.state is RequestState.FAILED:
        return TaskNotCreated(*facts, stored.provider_request_id)
    if stored.state is RequestState.UNKNOWN:
        return OutcomeUnknown(*facts, stored.provider_request_id)
    return None


class Reconciler:
    """Settles requests a dead process left in ``submitting`` or ``cancelling``."""

    def __init__(
        self,
        life: RequestLife,
        store: RequestStore,
        providers: ProviderLookup,
        stopper: TaskStopper,
        *,
        clock: Callable[[], datetime],
        stale_after: timedelta = DEFAULT_STALE_AFTER,
        on_scheduled: Callable[[StoredRequest], None] | None = None,
    ) -> None:
        self.life = life
        self.store = store
        self.providers = providers
        self.stopper = stopper
        self.clock = clock
        self.stale_after = stale_after
        self.on_scheduled = on_scheduled  # e.g. follow the window of a request found at the provider

    def run(self) -> list[StoredRequest]:
        """One pass; returns the requests it settled. With several replicas, a request another replica is working
        on right now is younger than ``stale_after`` and is left alone; a conditional move settles the rest once."""
        now = self.clock()
        settled: list[StoredRequest] = []
        for stored in self.store.list_requests(states={S.SUBMITTING, S.CANCELLING}, limit=1000):
            if stored.updated_at > now - self.stale_after:
                continue
            with about_request(stored.id):
                moved = self._settle(stored, now)
            if moved is not None and moved.state is not stored.state:
                settled.append(moved)
        return settled

    def _settle(self, stored: StoredRequest, now: datetime) -> StoredRequest | None:
        if stored.state is S.CANCELLING:
            log.warning("request %s was being cancelled when its process stopped: stopping it again", stored.id)
            self.stopper.finish(stored, repeated=True)
            return self.store.get(stored.id)
        return self._submitting(stored, now)

    def _submitting(self, stored: StoredRequest, now: datetime) -> StoredRequest | None:
        request = stored.request
        try:
            provider: Provider | None = self.providers.get(request.provider)
        except BotError:
            provider = None  # no longer configured: cannot look it up
        if provider is None or not provider.can_look_up:
            return self._unknown(stored, Note("reconcile.unknown", ()), INTERRUPTED, _INTERRUPTED_MESSAGE, None)
        try:
            task_id = provider.find(request)
        except ProviderError as error:
            # The code only: the provider's message is its own text.
            log.warning("look-up of request %s failed: %s %s", stored.id, type(error).__name__, error.code)
            note = Note("reconcile.lookup_failed", (("code", error.code),))
            return self._unknown(stored, note, error.code, error.message, error.request_id)
        if task_id is None:
            message = _INTERRUPTED_MESSAGE + "; the provider has no such task"
            why = Move(
                Event.FAILED, AuditAction.RECONCILE, AuditOutcome.FAILED, actor=RECONCILER,
                note=Note("reconcile.not_found", ()), error=TaskNotCreated(request.provider, NOT_CREATED, message),
            )  # fmt: skip
            return self.life.move(
                stored.id, from_states={S.SUBMITTING}, to=S.FAILED, why=why, error_code=NOT_CREATED,
                error_message=message,
            )  # fmt: skip
        window = request.window
        started = window is None or window.start <= now
        why = Move(
            Event.SCHEDULED, AuditAction.RECONCILE, actor=RECONCILER,
            note=Note("reconcile.found", (("task_id", task_id),)),
        )  # fmt: skip
        task = NewTask(task_id, None, window.start if window else None, window.end if window else None)
        moved = self.life.move(
            stored.id, from_states={S.SUBMITTING}, to=S.RUNNING if started else S.SCHEDULED, why=why, task=task
        )
        if moved is not None and self.on_scheduled is not None:
            self.on_scheduled(moved)
        return moved

    def _unknown(
        self, stored: StoredRequest, note: Note, code: str, message: str, request_id: str | None
    ) -> StoredRequest | None:
        error = OutcomeUnknown(stored.request.provider, code, message, request_id)
        why = Move(Event.UNKNOWN, AuditAction.RECONCILE, AuditOutcome.UNKNOWN, actor=RECONCILER, note=note, error=error)
        return self.life.move(
            stored.id, from_states={S.SUBMITTING}, to=S.UNKNOWN, why=why, error_code=code, error_message=message,
            provider_request_id=request_id,
        )  # fmt: skip
