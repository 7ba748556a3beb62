"""Work that runs beside the adapters: the scheduler (windows the provider cannot keep, e.g. trro), restart
reconciliation of requests left in ``submitting``, and expiry of unanswered cards. All of it is timed by the ``[bot]``
settings ``scheduler_interval_seconds``, ``reconcile_after_seconds`` and ``card_lifetime_hours``."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from bot.core.model import Note
from bot.flow.requests import RequestFlow
from bot.flow.services import Services
from bot.lifecycle import StoredRequest
from bot.scheduler import Scheduler, WindowJobs
from bot.store.reconcile import Notify, reconcile_submitting, reconciled_error

log = logging.getLogger(__name__)

#: Slack stops retrying an event within minutes; remembering event ids for a day is plenty.
SEEN_EVENTS_KEPT = timedelta(days=1)


class Background:
    """Owns the scheduler thread. ``post_note`` posts a sentence in a request's thread (the adapter decides how)."""

    def __init__(self, services: Services, post_note: Notify, *, card_lifetime: timedelta | None = None) -> None:
        self.services = services
        settings = services.config.bot
        self.card_lifetime = card_lifetime or timedelta(hours=settings.card_lifetime_hours)
        self.interval = settings.scheduler_interval_seconds
        self.reconcile_after = timedelta(seconds=settings.reconcile_after_seconds)
        self.post_note = post_note
        self.window_jobs = WindowJobs(services.store, services.providers, post_note)
        self.scheduler = Scheduler(services.store.jobs, self.window_jobs.handlers(), clock=services.clock)
        self.flow: RequestFlow | None = None  # set by attach(): told about expired cards
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def attach(self, flow: RequestFlow) -> None:
        """The flow that announces expired cards (it is built after this, with :attr:`window_jobs` as its keeper)."""
        self.flow = flow

    def reconcile(self) -> None:
        """Settle requests a dead process left in ``submitting`` (look-up where possible, else "unknown"), and submit
        those it left ``confirmed`` before their provider call started (they never reached the provider)."""
        reconcile_submitting(
            self.services.store, self.services.providers, self._announce_reconciled, stale_after=self.reconcile_after
        )
        if self.flow is not None:
            self.flow.resume_confirmed(older_than=self.services.clock() - self.reconcile_after)

    def _announce_reconciled(self, stored: StoredRequest, note: Note) -> None:
        """The card is redrawn through the flow's notifier (as after a provider call); the thread gets ``note``."""
        if self.flow is None:
            self.post_note(stored, note)
        else:
            self.flow.announce_reconciled(stored, note, reconciled_error(stored))

    def expire(self) -> None:
        """Cards nobody answered within the card lifetime can no longer be confirmed; old event ids are dropped."""
        store, now = self.services.store, self.services.clock()
        for stored in store.expire_proposed(older_than=now - self.card_lifetime):
            if self.flow is not None:
                self.flow.announce_expired(stored)
        store.seen.forget_older_than(now - SEEN_EVENTS_KEPT)

    def start(self, interval: float | None = None) -> None:
        """Start the scheduler thread: due jobs, reconciliation and expiry every ``interval`` seconds (default: the
        configured ``scheduler_interval_seconds``)."""
        if self._thread is None:
            self._thread = self.scheduler.start_thread(
                self._stop, interval=interval or self.interval, also=(self.reconcile, self.expire)
            )

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
