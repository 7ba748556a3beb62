"""The request flow shared by every adapter (Slack, console): propose → confirm → submit → outcome.

The flow owns the order of things and nothing else: the store settles each decision exactly once
(:meth:`~bot.lifecycle.RequestStore.transition`), providers make the calls, and a :class:`Notifier` carries every
outcome back to the adapter. Provider calls run on the flow's own bounded worker pool, never on the thread that
answered the person, so a slow provider can never delay anybody's acknowledgement.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.model import Note, Schedule, TaskRequest
from bot.errors import BotError, OutcomeUnknown, PermissionDenied, ProviderError, RequestStateError
from bot.flow.admission import Admission
from bot.flow.card import notes_to_json
from bot.flow.outcome import AlreadySettled, Event, Notifier, Outcome, mention
from bot.flow.ports import AuditTrail, ProviderLookup, WindowKeeper
from bot.lifecycle import ACTIVE_STATES, CardRef, RequestState, RequestStore, StoredRequest
from bot.permissions import Permissions
from providers.base import PlannedCall, TaskResult

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: Saving a provider's answer is tried this often (waiting 0.1, 0.2, 0.4 s between tries) before it is left to
#: restart reconciliation.
SETTLE_ATTEMPTS = 4
SETTLE_FIRST_DELAY = 0.1


def utc_now() -> datetime:
    return datetime.now(UTC)


class RequestFlow:
    """Propose, confirm, cancel and retry requests; submit them to providers off the caller's thread."""

    def __init__(
        self,
        *,
        store: RequestStore,
        providers: ProviderLookup,
        notifier: Notifier,
        clock: Clock = utc_now,
        workers: int = 16,
        permissions: Permissions | None = None,
        keeper: WindowKeeper | None = None,
        audit: AuditTrail | None = None,
        card_lifetime: timedelta = timedelta(hours=24),
        admission: Admission | None = None,
    ) -> None:
        self.store = store
        self.card_lifetime = card_lifetime
        self.permissions = permissions or Permissions()
        self.keeper = keeper
        self.audit = audit
        self.providers = providers
        self.admission = admission or Admission(permissions=self.permissions, providers=providers, audit=audit)
        self.notifier = notifier
        self.clock = clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="provider-call")
        self._stopping: set[str] = set()  # requests whose provider cancel is under way in this process
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()
        self._queued: set[str] = set()  # confirmed requests whose provider call waits in this process's pool

    # --- before confirming ----------------------------------------------------------------------------------------

    def propose(
        self,
        schedule: Schedule,
        *,
        requester: str,
        text: str,
        lang: str | None = None,
        channel: str | None = None,
        card: CardRef | None = None,
        notes: Sequence[Note] = (),
    ) -> StoredRequest:
        """Check the request with its provider (raises :class:`~bot.errors.ValidationError`) and store it, with the
        card's notes (the parser's, then ``notes`` from the adapter) so every later version of the card shows them."""
        request = schedule.request
        self.admission.check(requester, request, channel=channel, raw_text=text, now=self.clock())
        return self.store.propose(
            request=request,
            requester=requester,
            text=text,
            timezone=schedule.timezone,
            lang=lang or schedule.lang,
            channel=channel,
            card=card,
            extra={"notes": notes_to_json((*schedule.notes, *notes))},
        )

    def plan(
        self, request: TaskRequest, *, requester: str, channel: str | None = None, raw_text: str = ""
    ) -> list[PlannedCall]:
        """The HTTP requests Confirm would send now (a dry run): the checks of :meth:`propose`, audited, every
        signature masked."""
        return self.admission.dry_run(requester, request, channel=channel, raw_text=raw_text, now=self.clock())

    def cancel(
        self, reference: str, *, user: str, card: CardRef | None = None, where: str | None = None
    ) -> StoredRequest:
        """Cancel whatever the request is waiting for: the card (nobody confirmed yet), the bot's own schedule, or the
        provider task. ``reference`` is our id or a provider TaskId (``/record cancel …``, a list's Cancel button).
        The requester may, and whoever has ``cancel_any`` where they act (``where``: the channel, None outside any
        channel); a provider stop reports through the notifier."""
        stored = self.store.find(reference)
        if stored is None:
            raise RequestStateError("flow.unknown_request", request=reference.strip())
        if stored.state is RequestState.PROPOSED:
            return self.cancel_proposal(stored.id, user=user, card=card, where=where)
        return self.cancel_task(stored.id, user=user, where=where)

    def cancel_proposal(
        self, request_id: str, *, user: str, card: CardRef | None = None, where: str | None = None
    ) -> StoredRequest:
        """Cancel a request nobody confirmed yet (the requester, or someone with ``cancel_any``); no provider call."""
        self._may_cancel(request_id, user, where)
        if card is not None:
            self.store.set_card(request_id, card)
        settled = self.store.transition(
            request_id, from_states={RequestState.PROPOSED}, to=RequestState.CANCELLED, settled_by=user
        )
        if settled is None:
            raise self._already_settled(request_id)
        self._record(settled, "cancel", "ok", detail="before confirming")
        self._notify(Outcome(Event.CANCELLED, settled))
        return settled

    # --- confirming and submitting --------------------------------------------------------------------------------

    def confirm(self, request_id: str, *, user: str, card: CardRef | None = None) -> StoredRequest:
        """Settle the request as confirmed by ``user`` and queue the provider call; returns at once.

        Raises :class:`PermissionDenied` for anyone but the requester and :class:`RequestStateError` when the request
        was already settled (a double tap, a second click, a repeated payload).
        """
        self._owned(request_id, user)
        if card is not None:
            self.store.set_card(request_id, card)
        settled = self.store.transition(
            request_id, from_states={RequestState.PROPOSED}, to=RequestState.CONFIRMED, settled_by=user
        )
        if settled is None:
            raise self._already_settled(request_id)
        self._notify(Outcome(Event.CONFIRMED, settled))
        self._queue_submit(settled)
        return settled

    def resume_confirmed(self, *, older_than: datetime) -> list[StoredRequest]:
        """Queue the provider call of requests confirmed before ``older_than`` whose call never started because
        their process died first (``kill -9`` with calls still queued). Calls this process already queued are left
        alone; with several replicas only one can move each request on to ``submitting``."""
        waiting = self.store.list_requests(states={RequestState.CONFIRMED}, limit=1000)
        with self._lock:
            stale = [s for s in waiting if s.updated_at < older_than and s.id not in self._queued]
        for stored in stale:
            log.warning("request %s was confirmed but never submitted (restart?): submitting it now", stored.id)
            self._queue_submit(stored)
        return stale

    def _queue_submit(self, confirmed: StoredRequest) -> None:
        with self._lock:
            self._queued.add(confirmed.id)
        self._run(self._submit, confirmed)

    def retry(self, request_id: str, *, user: str) -> StoredRequest:
        """Propose the same request again (same card) and confirm it at once. Only after a failure."""
        old = self._owned(request_id, user)
        if old.state is not RequestState.FAILED:
            raise self._already_settled(request_id)
        fresh = self.store.propose(
            request=old.request,
            requester=old.requester,
            text=old.text,
            timezone=old.timezone,
            lang=old.lang,
            channel=old.channel,
            card=old.card,
            extra=old.extra,
        )
        return self.confirm(fresh.id, user=user)

    def _submit(self, confirmed: StoredRequest) -> None:
        with self._lock:
            self._queued.discard(confirmed.id)
        stored = self.store.transition(confirmed.id, from_states={RequestState.CONFIRMED}, to=RequestState.SUBMITTING)
        if stored is None:  # cancelled or settled elsewhere while queued
            return
        try:
            provider = self.providers.get(stored.request.provider)
            if not provider.keeps_window and stored.request.window is not None and self.keeper is not None:
                waiting = self.keeper.plan(stored)  # the bot's scheduler creates it when the window starts
                if waiting is not None:
                    self._record(waiting, "create", "ok", detail="scheduled by the bot")
                    self._notify(Outcome(Event.SCHEDULED, waiting))
                return
            result = provider.create(stored.request)
        except OutcomeUnknown as error:
            self._settle(stored, RequestState.UNKNOWN, Event.UNKNOWN, error=error)
        except ProviderError as error:
            self._settle(stored, RequestState.FAILED, Event.FAILED, error=error)
        except BotError as error:  # validation after a restart, a configuration change, ...
            self._settle(stored, RequestState.FAILED, Event.FAILED, error=error)
        except Exception as exc:
            # A bug on our side after (possibly) sending: never claim it failed when it may exist. Only the type is
            # logged: the message of an error raised inside a provider call may carry its URL or the provider's text.
            log.error("provider create crashed for request %s: %s", stored.id, type(exc).__name__)
            unknown = OutcomeUnknown(stored.request.provider, "InternalError", "unexpected error in the bot")
            self._settle(stored, RequestState.UNKNOWN, Event.UNKNOWN, error=unknown)
        else:
            self._settle(stored, RequestState.SCHEDULED, Event.SCHEDULED, result=result)

    def _settle(
        self,
        stored: StoredRequest,
        to: RequestState,
        event: Event,
        *,
        result: TaskResult | None = None,
        error: BotError | None = None,
    ) -> None:
        changes: dict[str, Any] = {}
        if result is not None:
            changes.update(task_id=result.task_id, provider_request_id=result.request_id)
        if isinstance(error, ProviderError):
            changes.update(error_code=error.code, error_message=error.message, provider_request_id=error.request_id)
        elif error is not None:
            changes.update(error_code=type(error).__name__, error_message=error.render("en"))
        try:
            settled = self._save_outcome(stored, to, changes)
        except Exception as exc:
            # The provider answered but the store keeps failing: leave it in ``submitting``. Restart reconciliation
            # settles it by look-up (or as unknown) and says the answer could not be saved.
            task = f" (TaskId {result.task_id})" if result is not None else ""
            log.error(
                "request %s: the provider answered %s%s but saving it failed %d times (%s); reconciliation will "
                "settle it", stored.id, to, task, SETTLE_ATTEMPTS, type(exc).__name__,
            )  # fmt: skip
            return
        outcome = {RequestState.SCHEDULED: "ok", RequestState.FAILED: "failed"}.get(to, "unknown")
        self._record(settled or stored, "create", outcome)
        self._notify(Outcome(event, settled or stored, result=result, error=error))

    def _save_outcome(self, stored: StoredRequest, to: RequestState, changes: dict[str, Any]) -> StoredRequest | None:
        """Record the provider's answer, retrying a failing store a few times (a database restart, a lock)."""
        attempt, delay = 1, SETTLE_FIRST_DELAY
        while True:
            try:
                return self.store.transition(stored.id, from_states={stored.state}, to=to, **changes)
            except (ValueError, TypeError):
                raise  # a move or field the store refuses: a bug, not a passing failure
            except Exception as exc:
                if attempt >= SETTLE_ATTEMPTS:
                    raise
                log.warning(
                    "request %s: saving the provider's answer failed (%s), attempt %d of %d; retrying in %.2f s",
                    stored.id, type(exc).__name__, attempt, SETTLE_ATTEMPTS, delay,
                )  # fmt: skip
                time.sleep(delay)
                attempt, delay = attempt + 1, delay * 2

    # --- stopping a scheduled task --------------------------------------------------------------------------------

    def cancel_task(self, request_id: str, *, user: str, where: str | None = None) -> StoredRequest:
        """Ask the provider to stop or delete the task of a scheduled request; the outcome arrives via the notifier.
        The requester may, and whoever has the ``cancel_any`` permission."""
        stored = self._may_cancel(request_id, user, where)
        if stored.state is RequestState.SCHEDULED and not stored.task_id and self.keeper is not None:
            waiting = self.keeper.cancel_before_start(request_id, user=user)
            if waiting is not None:  # the scheduler had not created it yet: nothing to stop at the provider
                self._record(waiting, "cancel", "ok", detail="before the window started")
                self._notify(Outcome(Event.CANCELLED, waiting))
                return waiting
            stored = self.store.get(request_id) or stored
        if stored.state not in ACTIVE_STATES or not stored.task_id:
            raise self._already_settled(request_id)
        with self._lock:
            if request_id in self._stopping:
                raise RequestStateError("flow.cancel_in_progress")
            self._stopping.add(request_id)
        self._run(self._stop, stored, user)
        return stored

    def _stop(self, stored: StoredRequest, user: str) -> None:
        try:
            assert stored.task_id is not None
            result = self.providers.get(stored.request.provider).cancel(stored.request, stored.task_id)
        except BotError as error:
            self._record(stored, "cancel", "failed", detail=f"{getattr(error, 'code', error.key)}", actor=user)
            self._notify(Outcome(Event.CANCEL_FAILED, stored, error=error))
        except Exception as exc:
            log.error("provider cancel crashed for request %s: %s", stored.id, type(exc).__name__)  # see _submit
            self._record(stored, "cancel", "failed", detail="InternalError", actor=user)
            self._notify(Outcome(Event.CANCEL_FAILED, stored, error=BotError()))
        else:
            settled = self.store.transition(
                stored.id, from_states=ACTIVE_STATES, to=RequestState.CANCELLED, settled_by=user
            )
            if settled is not None and self.keeper is not None:
                self.keeper.cancel_jobs(stored.id)  # a trro window: the scheduler must not stop it again
            self._record(settled or stored, "cancel", "ok", actor=user)
            self._notify(Outcome(Event.CANCELLED, settled or replace(stored, settled_by=user), result=result))
        finally:
            with self._lock:
                self._stopping.discard(stored.id)

    # --- plumbing -------------------------------------------------------------------------------------------------

    def _owned(self, request_id: str, user: str) -> StoredRequest:
        stored = self.store.get(request_id)
        if stored is None:
            raise RequestStateError("flow.unknown_request", request=request_id)
        if stored.requester != user:
            raise PermissionDenied("flow.only_requester", requester=mention(stored.requester))
        return stored

    def _may_cancel(self, request_id: str, user: str, where: str | None) -> StoredRequest:
        stored = self.store.get(request_id)
        if stored is None:
            raise RequestStateError("flow.unknown_request", request=request_id)
        try:
            self.permissions.check_cancel(user, stored.requester, stored.request.provider, where)  # where they act
        except PermissionDenied as denied:
            self._record_denial(user, denied, channel=where, raw_text=stored.text, request=stored.request)
            raise
        return stored

    def _already_settled(self, request_id: str) -> AlreadySettled:
        stored = self.store.get(request_id)
        return AlreadySettled(request_id, stored.state if stored else RequestState.EXPIRED)

    def _record(
        self, stored: StoredRequest, action: str, outcome: str, *, detail: str | None = None, actor: str | None = None
    ) -> None:
        if self.audit is None:
            return
        try:
            self.audit.record_request(stored, action=action, outcome=outcome, actor=actor, detail=detail)
        except Exception as exc:  # the audit log must never stop a request
            # Only the type: a database error's text carries the SQL and its parameters (what the person typed).
            log.error("could not audit %s of request %s: %s", action, stored.id, type(exc).__name__)

    def _record_denial(
        self, actor: str, denied: PermissionDenied, *, channel: str | None, raw_text: str, request: TaskRequest
    ) -> None:
        if self.audit is None:
            return
        try:
            self.audit.record(
                actor=actor,
                action="denied",
                outcome="denied",
                channel=channel,
                provider=request.provider,
                raw_text=raw_text,
                request=request,
                detail=denied.key,
            )
        except Exception as exc:
            log.error("could not audit a permission denial for %s: %s", actor, type(exc).__name__)  # see _record

    def _notify(self, outcome: Outcome) -> None:
        try:
            self.notifier.notify(outcome)
        except Exception:  # an adapter failure must never undo a settled request
            log.exception("notifier failed for %s on request %s", outcome.event, outcome.request.id)

    def announce_expired(self, stored: StoredRequest) -> None:
        """The store expired a card nobody answered: audit it and let the adapter update the card."""
        self._record(stored, "expire", "ok")
        hours = f"{self.card_lifetime.total_seconds() / 3600:g}"
        self._notify(Outcome(Event.EXPIRED, stored, note=Note("card.status.expired_within", (("hours", hours),))))

    def announce_reconciled(self, stored: StoredRequest, note: Note, error: ProviderError | None) -> None:
        """Restart reconciliation settled a request left in ``submitting``: let the adapter redraw its card
        (scheduled, failed or unknown) and say ``note`` in its thread. ``error`` explains a failed or unknown one."""
        event = {RequestState.FAILED: Event.FAILED, RequestState.UNKNOWN: Event.UNKNOWN}.get(
            stored.state, Event.SCHEDULED
        )
        self._notify(Outcome(event, stored, error=error, note=note))

    def _run(self, job: Callable[..., None], *args: Any) -> None:
        future = self._pool.submit(job, *args)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)
        if not future.cancelled() and (error := future.exception()) is not None:  # else lost in the pool silently
            # Only the type: a database error's text carries the SQL and its parameters.
            log.error("a provider call job failed: %s", type(error).__name__)

    def drain(self, timeout: float | None = None) -> None:
        """Wait until every provider call queued so far has finished (console, tests)."""
        with self._lock:
            pending = list(self._pending)
        wait(pending, timeout=timeout)

    def close(self) -> None:
        """Finish the queued provider calls and stop the worker pool."""
        self._pool.shutdown(wait=True)
