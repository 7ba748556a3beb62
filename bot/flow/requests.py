"""The request flow shared by every adapter (Slack, console): propose → confirm → submit → outcome.

The flow owns the order of things and the policy; :class:`~bot.flow.life.RequestLife` makes every change of state
(one conditional update, one audit row, one event for the notifier), providers make the calls. Provider calls run on
the flow's own bounded worker pool, never on the thread that answered the person, so a slow provider can never delay
anybody's acknowledgement. Windows are followed by :class:`~bot.flow.windows.WindowJobs` (run by the scheduler),
stops by :class:`~bot.flow.stopping.TaskStopper`, and what a dead process left half-way by
:class:`~bot.flow.reconcile.Reconciler`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from bot.core.model import Note, Schedule, TaskRequest
from bot.errors import (
    AlreadyRetried,
    AlreadySettled,
    BotError,
    Mentions,
    OutcomeUnknown,
    PermissionDenied,
    ProviderError,
    RequestStateError,
)
from bot.flow.admission import Admission
from bot.flow.card import notes_to_json
from bot.flow.expiry import expire_cards
from bot.flow.extending import Extender, Extension
from bot.flow.later_overlaps import LaterOverlaps
from bot.flow.life import SAVE_ATTEMPTS, Move, RequestLife, error_changes
from bot.flow.outcome import Event, Notifier
from bot.flow.overlaps import card_facts, series_end
from bot.flow.ports import AuditTrail, JobQueue, ProviderLookup
from bot.flow.reconcile import Reconciler
from bot.flow.series_jobs import DEFAULT_LEAD, SeriesJobs, series_of
from bot.flow.stopping import TaskStopper
from bot.flow.windows import WindowJobs
from bot.flow.workers import Workers
from bot.lifecycle import (
    ACTIVE_STATES,
    AuditAction,
    AuditOutcome,
    CardRef,
    NewTask,
    RequestState,
    RequestStore,
    StoredRequest,
    new_request_id,
)
from bot.permissions import Permissions
from bot.timekeeping import Clock, utc_now
from providers.base import PlannedCall, TaskResult

log = logging.getLogger(__name__)
S = RequestState


class RequestFlow:
    """Propose, confirm, cancel, stop and retry requests; submit them to providers off the caller's thread."""

    def __init__(
        self,
        *,
        store: RequestStore,
        providers: ProviderLookup,
        notifier: Notifier,
        clock: Clock = utc_now,
        workers: int = 16,
        permissions: Permissions | None = None,
        jobs: JobQueue | None = None,
        audit: AuditTrail | None = None,
        card_lifetime: timedelta = timedelta(hours=24),
        stale_after: timedelta | None = None,
        admission: Admission | None = None,
        series_lead: timedelta = DEFAULT_LEAD,
        overlaps_after_ack: bool = False,
    ) -> None:
        self.store = store
        self.card_lifetime = card_lifetime
        self.permissions = permissions or Permissions()
        self.audit = audit
        self.providers = providers
        self.admission = admission or Admission(permissions=self.permissions, providers=providers, audit=audit)
        self.notifier = notifier
        self.clock = clock
        self.life = RequestLife(store, notifier, audit=audit)
        #: Follows windows (None without a job queue: then nothing moves a request past ``scheduled`` by the clock).
        self.windows = WindowJobs(self.life, store, jobs, providers) if jobs is not None else None
        self.stopper = TaskStopper(self.life, store, providers, clock=clock, jobs=self.windows)
        self.extender = Extender(self.life, store, providers, clock=clock, jobs=jobs)
        self.series = (
            SeriesJobs(self.life, store, jobs, providers, clock=clock, lead=series_lead) if jobs is not None else None
        )
        #: With ``overlaps_after_ack`` (Slack), a new card's overlaps are read a moment after it is shown.
        self.later_overlaps = LaterOverlaps(self.life, store, providers) if overlaps_after_ack else None
        on_found = self.windows.follow if self.windows is not None else None
        self.reconciler = Reconciler(
            self.life, store, providers, self.stopper, clock=clock, on_scheduled=on_found,
            **({"stale_after": stale_after} if stale_after is not None else {}),
        )  # fmt: skip
        self._workers = Workers(workers)
        self._run = self._workers.run
        self._lock = threading.Lock()
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
        card's notes (the parser's, then ``notes`` from the adapter) and the requests it overlaps on the same stream,
        so every later version of the card shows them (read a moment later, and the card redrawn, with
        ``overlaps_after_ack``)."""
        request = schedule.request
        provider = self.admission.check(requester, request, channel=channel, raw_text=text, now=self.clock())
        said = card_facts(self.store if self.later_overlaps is None else None, provider, schedule)
        stored = self.store.propose(
            request=request,
            requester=requester,
            text=text,
            timezone=schedule.timezone,
            lang=lang or schedule.lang,
            channel=channel,
            card=card,
            extra={"notes": notes_to_json((*schedule.notes, *notes)), **said},
            series_end=series_end(schedule.series) if schedule.series is not None else None,
        )
        if self.later_overlaps is not None:
            self.later_overlaps.add(stored)
        return stored

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
        if stored.state is S.PROPOSED:
            return self.cancel_proposal(stored.id, user=user, card=card, where=where)
        return self.cancel_task(stored.id, user=user, where=where)

    def cancel_proposal(
        self, request_id: str, *, user: str, card: CardRef | None = None, where: str | None = None
    ) -> StoredRequest:
        """Cancel a request nobody confirmed yet (the requester, or someone with ``cancel_any``); no provider call."""
        self._may_cancel(request_id, user, where)
        if card is not None:
            self.store.set_card(request_id, card)
        why = Move(Event.CANCELLED, AuditAction.CANCEL, actor=user, detail="before confirming")
        settled = self.life.move(request_id, from_states={S.PROPOSED}, to=S.CANCELLED, why=why, settled_by=user)
        if settled is None:
            raise self._already_settled(request_id)
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
        why = Move(Event.CONFIRMED, AuditAction.CONFIRM, actor=user)
        settled = self.life.move(request_id, from_states={S.PROPOSED}, to=S.CONFIRMED, why=why, settled_by=user)
        if settled is None:
            raise self._already_settled(request_id)
        self._queue_submit(settled)
        return settled

    def resume_confirmed(self, *, older_than: datetime) -> list[StoredRequest]:
        """Queue the provider call of requests confirmed before ``older_than`` whose call never started because
        their process died first (``kill -9`` with calls still queued). Calls this process already queued are left
        alone; with several replicas only one can move each request on to ``submitting``."""
        waiting = self.store.list_requests(states={S.CONFIRMED}, limit=1000)
        with self._lock:
            stale = [s for s in waiting if s.updated_at < older_than and s.id not in self._queued]
        for stored in stale:
            log.warning("request %s was confirmed but never submitted (restart?): submitting it now", stored.id)
            self._queue_submit(stored)
        return stale

    def _queue_submit(self, confirmed: StoredRequest) -> None:
        with self._lock:
            self._queued.add(confirmed.id)
        self._run(self._submit, confirmed, about=confirmed.id)

    def retry(self, request_id: str, *, user: str) -> StoredRequest:
        """Retry a failed request once: one conditional move ``failed`` → ``retried`` names the new request, so any
        number of clicks, replays or replicas make at most one; the others get :class:`AlreadyRetried`."""
        old = self._owned(request_id, user)
        if old.state is S.RETRIED:
            raise AlreadyRetried(old.id, str(old.extra.get("retried_as", "")))
        if old.state is not S.FAILED:
            raise self._already_settled(request_id)
        fresh_id = new_request_id()
        why = Move(Event.RETRIED, AuditAction.RETRY, actor=user, detail=f"retried as {fresh_id}")
        extra = {**old.extra, "retried_as": fresh_id}
        if self.life.move(old.id, from_states={S.FAILED}, to=S.RETRIED, why=why, extra=extra) is None:
            now = self.store.get(old.id)
            raise AlreadyRetried(old.id, str((now.extra if now else {}).get("retried_as", "")))
        retried_extra = {k: v for k, v in old.extra.items() if k != "retried_as"} | {"retry_of": old.id}
        fresh = self.store.propose(
            request=old.request,
            requester=old.requester,
            text=old.text,
            timezone=old.timezone,
            lang=old.lang,
            channel=old.channel,
            card=old.card,
            extra=retried_extra,
            request_id=fresh_id,
            series_end=series_end(repeat) if (repeat := series_of(old)) is not None else None,
        )
        return self.confirm(fresh.id, user=user)

    def _submit(self, confirmed: StoredRequest) -> None:
        with self._lock:
            self._queued.discard(confirmed.id)
        hop = Move(event=None, action=None)
        stored = self.life.move(confirmed.id, from_states={S.CONFIRMED}, to=S.SUBMITTING, why=hop)
        if stored is None:  # cancelled or settled elsewhere while queued
            return
        try:
            provider = self.providers.get(stored.request.provider)
            if series_of(stored) is not None and self.series is not None:
                self.series.plan(stored)  # each occurrence is created ahead of its window by its own job
                return
            if not provider.keeps_window and stored.request.window is not None and self.windows is not None:
                self.windows.keep(stored)  # the bot's scheduler creates it when the window starts
                return
            result = provider.create(stored.request)
        except OutcomeUnknown as error:
            self._settle(stored, S.UNKNOWN, error=error)
        except ProviderError as error:
            self._settle(stored, S.FAILED, error=error)
        except BotError as error:  # validation after a restart, a configuration change, ...
            self._settle(stored, S.FAILED, error=error)
        except Exception as exc:
            # A bug on our side after (possibly) sending: never claim it failed when it may exist. Only the type is
            # logged: the message of an error raised inside a provider call may carry its URL or the provider's text.
            log.error("provider create crashed for request %s: %s", stored.id, type(exc).__name__)
            unknown = OutcomeUnknown.crashed(stored.request.provider, exc)
            self._settle(stored, S.UNKNOWN, error=unknown)
        else:
            self._settle(stored, S.SCHEDULED, result=result)

    def _settle(
        self,
        stored: StoredRequest,
        to: RequestState,
        *,
        result: TaskResult | None = None,
        error: BotError | None = None,
    ) -> None:
        event = {S.SCHEDULED: Event.SCHEDULED, S.FAILED: Event.FAILED}.get(to, Event.UNKNOWN)
        outcome = {S.SCHEDULED: AuditOutcome.OK, S.FAILED: AuditOutcome.FAILED}.get(to, AuditOutcome.UNKNOWN)
        changes: dict[str, Any] = error_changes(error)
        if result is not None:
            window = stored.request.window
            changes["task"] = NewTask(
                result.task_id, result.request_id, window.start if window else None, window.end if window else None
            )
        why = Move(event, AuditAction.CREATE, outcome, result=result, error=error)
        try:
            settled = self.life.move(stored.id, from_states={S.SUBMITTING}, to=to, why=why, **changes)
        except BotError as exc:
            # The provider answered but the database does not: leave it in ``submitting``. Restart reconciliation
            # settles it by look-up (or as unknown) and says the answer could not be saved.
            task = f" (TaskId {result.task_id})" if result is not None else ""
            log.error(
                "request %s: the provider answered %s%s but saving it failed %d times (%s); reconciliation will "
                "settle it", stored.id, to, task, SAVE_ATTEMPTS, type(exc.__cause__ or exc).__name__,
            )  # fmt: skip
            return
        if settled is not None and settled.state is S.SCHEDULED and self.windows is not None:
            self.windows.follow(settled)

    # --- stopping a scheduled or running task ---------------------------------------------------------------------

    def cancel_task(self, request_id: str, *, user: str, where: str | None = None) -> StoredRequest:
        """Cancel a scheduled task or stop a running one (Cancel task, Stop now). ``cancelling`` is saved before the
        provider's stop call, so a crash in the middle never loses it; the outcome arrives via the notifier. The
        requester may, and whoever has the ``cancel_any`` permission where they act (``where``)."""
        stored = self._may_cancel(request_id, user, where)
        if stored.state is S.SCHEDULED and not stored.task_id and self.windows is not None:
            waiting = self.windows.cancel_before_start(request_id, user=user)
            if waiting is not None:  # the scheduler had not created it yet: nothing to stop at the provider
                return waiting
            stored = self.store.get(request_id) or stored
        if stored.state is S.CANCELLING:
            raise RequestStateError("flow.cancel_in_progress")
        if stored.state not in ACTIVE_STATES or not stored.task_id:
            raise self._already_settled(request_id)
        cancelling = self.stopper.begin(stored, user=user)
        if cancelling is None:
            now = self.store.get(request_id)
            if now is not None and now.state is S.CANCELLING:
                raise RequestStateError("flow.cancel_in_progress")
            raise self._already_settled(request_id)
        self._run(self.stopper.finish, cancelling, about=cancelling.id)
        return cancelling

    def cancel_occurrence(
        self, reference: str, day: date, *, user: str, where: str | None = None
    ) -> tuple[StoredRequest, int]:
        """Cancel one occurrence of a series (``/record cancel <id> 2026-12-08``, Skip): the series and how many
        recordings are left. Its provider task, if created already, is stopped on the worker pool."""
        found = self.store.find(reference)
        if found is None or self.series is None:
            raise RequestStateError("flow.unknown_request", request=reference.strip())
        stored, occurrence, left = self.series.skip(self._may_cancel(found.id, user, where), day, user=user)
        self._run(self.series.stop_occurrence, stored, occurrence.start, user, about=stored.id)
        return stored, left

    # --- extending a scheduled or running window -------------------------------------------------------------------

    def extend(self, reference: str, by: timedelta, *, user: str, where: str | None = None) -> Extension:
        """Make the window of a scheduled or running request end ``by`` later (the requester, or whoever has
        ``cancel_any``): the stored end moves at once, the provider call runs on the worker pool and its outcome
        reaches the card's thread. ``reference`` is our id or a provider TaskId."""
        found = self.store.find(reference)
        if found is None:
            raise RequestStateError("flow.unknown_request", request=reference.strip())
        stored = self._may_cancel(found.id, user, where)
        extension = self.extender.claim(stored, by, user=user)
        self._run(self.extender.carry_out, extension, about=extension.request.id)
        return extension

    # --- plumbing -------------------------------------------------------------------------------------------------

    def reconcile(self) -> list[StoredRequest]:
        """Settle what a dead process left in ``submitting`` or ``cancelling``; returns the settled requests."""
        return self.reconciler.run()

    def _owned(self, request_id: str, user: str) -> StoredRequest:
        stored = self._stored(request_id)
        if stored.requester != user:
            raise PermissionDenied("flow.only_requester", requester=Mentions.of([stored.requester]))
        return stored

    def _may_cancel(self, request_id: str, user: str, where: str | None) -> StoredRequest:
        stored = self._stored(request_id)
        self.admission.check_cancel(user, stored, where=where)
        return stored

    def _stored(self, request_id: str) -> StoredRequest:
        if (stored := self.store.get(request_id)) is None:
            raise RequestStateError("flow.unknown_request", request=request_id)
        return stored

    def _already_settled(self, request_id: str) -> AlreadySettled:
        stored = self.store.get(request_id)
        return AlreadySettled(request_id, str(stored.state if stored else S.EXPIRED))

    def expire_cards(self) -> list[StoredRequest]:
        """Cards nobody answered within the card lifetime can no longer be confirmed: each becomes ``expired``."""
        return expire_cards(self.life, self.store, now=self.clock(), lifetime=self.card_lifetime)

    def later(self, job: Callable[[], None]) -> None:
        """Run ``job`` on the flow's workers: slow work (telling Slack) after a provider callback had its answer."""
        self._workers.run(job)

    def drain(self, timeout: float | None = None) -> None:
        """Wait until every provider call queued so far has finished (console, tests)."""
        self._workers.drain(timeout)

    def close(self) -> None:
        """Finish the queued provider calls and stop the worker pool (and the overlap reads)."""
        if self.later_overlaps is not None:
            self.later_overlaps.close()
        self._workers.close()
