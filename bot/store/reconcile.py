"""Restart safety: settle requests left in ``submitting`` by a process that died during the provider call (or whose
database failed while it saved the provider's answer).

Nothing is retried blindly. Where the provider can look a task up (volc, tencent) a look-up that answers decides:
found → ``scheduled``/``running`` with its TaskId, not found → ``failed``, safe to try again (it was never created) —
the same policy as an unclear answer to a create (:func:`providers.transport.create_without_duplicates`). Elsewhere,
or when the look-up fails, the request becomes ``unknown`` and its thread says what to check.
:func:`reconciled_error` gives the error behind a settled request, for adapters that redraw its card.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.catalogue.provider_errors import provider_name
from bot.core.model import Note
from bot.errors import BotError, OutcomeUnknown, ProviderError, TaskNotCreated
from bot.lifecycle import RequestState, StoredRequest
from bot.store.audit import AuditAction, AuditOutcome
from bot.store.requests import SqlRequestStore
from providers.base import Provider

log = logging.getLogger(__name__)

#: Post ``note`` (rendered in ``request.lang``) in the thread of the request's card. Must not raise.
Notify = Callable[[StoredRequest, Note], None]

#: A provider call never takes this long; a request in ``submitting`` for longer has lost its process.
DEFAULT_STALE_AFTER = timedelta(minutes=2)


class ProviderLookup(Protocol):
    """What is needed of the provider registry (:class:`providers.registry.ProviderRegistry` fits)."""

    def get(self, key: str) -> Provider: ...


#: What reconciliation stores when it cannot know more (the process that knew is gone).
NOT_CREATED = "NotCreated"
INTERRUPTED = "Restarted"
_INTERRUPTED_MESSAGE = "the bot stopped (restart or database failure) before saving the provider's answer"


def note(key: str, **params: object) -> Note:
    """A catalogue sentence with its parameters, to post in a thread."""
    return Note(key, tuple((name, str(value)) for name, value in params.items()))


def reconciled_error(stored: StoredRequest) -> ProviderError | None:
    """The error behind a request this module settled: ``failed`` → :class:`TaskNotCreated` (safe to try again),
    ``unknown`` → :class:`OutcomeUnknown`; None when the task was found."""
    facts = (stored.request.provider, stored.error_code or INTERRUPTED, stored.error_message or "")
    if stored.state is RequestState.FAILED:
        return TaskNotCreated(*facts, stored.provider_request_id)
    if stored.state is RequestState.UNKNOWN:
        return OutcomeUnknown(*facts, stored.provider_request_id)
    return None


def reconcile_submitting(
    store: SqlRequestStore,
    providers: ProviderLookup,
    notify: Notify,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    now: datetime | None = None,
) -> list[StoredRequest]:
    """Settle every request stuck in ``submitting`` for longer than ``stale_after``; returns the settled ones.

    Call it at startup and then now and again (the scheduler loop does): with several replicas, a request another
    replica is submitting right now is younger than ``stale_after`` and is left alone.
    """
    now = now or store.clock()
    settled: list[StoredRequest] = []
    for stored in store.list_requests(states={RequestState.SUBMITTING}, limit=1000):
        if stored.updated_at > now - stale_after:
            continue
        result = _reconcile_one(store, providers, stored, now)
        if result is None:
            continue  # settled by someone else meanwhile
        moved, message = result
        settled.append(moved)
        outcome = {
            RequestState.FAILED: AuditOutcome.FAILED,
            RequestState.UNKNOWN: AuditOutcome.UNKNOWN,
        }.get(moved.state, AuditOutcome.OK)
        store.audit.record_request(moved, action=AuditAction.RECONCILE, outcome=outcome, actor="bot")
        try:
            notify(moved, message)
        except Exception:  # settled already; the message is the only thing lost
            log.exception("could not post %s for request %s", message.key, moved.id)
    return settled


def _reconcile_one(
    store: SqlRequestStore, providers: ProviderLookup, stored: StoredRequest, now: datetime
) -> tuple[StoredRequest, Note] | None:
    request = stored.request
    key, target = request.provider, request.target.label()
    name = provider_name(key, stored.lang)
    submitting = {RequestState.SUBMITTING}
    try:
        provider: Provider | None = providers.get(key)
    except BotError:
        provider = None  # no longer configured: cannot look it up
    if provider is None or not provider.can_look_up:
        moved = store.transition(
            stored.id,
            from_states=submitting,
            to=RequestState.UNKNOWN,
            error_code=INTERRUPTED,
            error_message=_INTERRUPTED_MESSAGE,
        )
        return None if moved is None else (moved, note("reconcile.unknown", provider=name, target=target))
    try:
        task_id = provider.find(request)
    except ProviderError as error:
        # The code only: the provider's message is its own text.
        log.warning("look-up of request %s on %s failed: %s %s", stored.id, key, type(error).__name__, error.code)
        moved = store.transition(
            stored.id,
            from_states=submitting,
            to=RequestState.UNKNOWN,
            error_code=error.code,
            error_message=error.message,
            provider_request_id=error.request_id,
        )
        lookup_failed = note("reconcile.lookup_failed", provider=name, target=target, code=error.code)
        return None if moved is None else (moved, lookup_failed)
    if task_id is None:
        moved = store.transition(
            stored.id,
            from_states=submitting,
            to=RequestState.FAILED,
            error_code=NOT_CREATED,
            error_message=_INTERRUPTED_MESSAGE + "; the provider has no such task",
        )
        return None if moved is None else (moved, note("reconcile.not_found", provider=name))
    started = request.window is None or request.window.start <= now
    moved = store.transition(
        stored.id,
        from_states=submitting,
        to=RequestState.RUNNING if started else RequestState.SCHEDULED,
        task_id=task_id,
    )
    return None if moved is None else (moved, note("reconcile.found", provider=name, task_id=task_id))
