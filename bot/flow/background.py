"""Work that runs beside the adapters: the scheduler (windows the provider cannot keep, e.g. trro) and restart
reconciliation of requests left in ``submitting``. Both come from :mod:`bot.scheduler` and :mod:`bot.store`."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from bot.flow.requests import RequestFlow
from bot.flow.services import Services
from bot.scheduler import Scheduler, WindowJobs
from bot.store.reconcile import Notify, reconcile_submitting

log = logging.getLogger(__name__)

#: A card nobody answered for this long can no longer be confirmed ("this request is already expired").
CARD_LIFETIME = timedelta(hours=24)


class Background:
    """Owns the scheduler thread. ``post_note`` posts a sentence in a request's thread (the adapter decides how)."""

    def __init__(self, services: Services, post_note: Notify, *, card_lifetime: timedelta = CARD_LIFETIME) -> None:
        self.services = services
        self.card_lifetime = card_lifetime
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
        """Settle requests a dead process left in ``submitting`` (look-up where possible, else "unknown")."""
        reconcile_submitting(self.services.store, self.services.providers, self.post_note)

    def expire(self) -> None:
        """Cards nobody answered within :data:`CARD_LIFETIME` can no longer be confirmed."""
        expired = self.services.store.expire_proposed(older_than=self.services.clock() - self.card_lifetime)
        for stored in expired:
            if self.flow is not None:
                self.flow.announce_expired(stored)

    def start(self, interval: float = 5.0) -> None:
        """Start the scheduler thread: due jobs, reconciliation and expiry every ``interval`` seconds."""
        if self._thread is None:
            self._thread = self.scheduler.start_thread(
                self._stop, interval=interval, also=(self.reconcile, self.expire)
            )

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
