"""Work that runs beside the adapters: the scheduler (request windows, bot-kept trro tasks), restart reconciliation
of requests left half-way, and expiry of unanswered cards. All of it is timed by the ``[bot]`` settings
``scheduler_interval_seconds``, ``reconcile_after_seconds`` and ``card_lifetime_hours``.

Every change of a request it makes goes through the flow (:class:`~bot.flow.life.RequestLife`), so cards and threads
are told exactly as after a click.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from bot.flow.requests import RequestFlow
from bot.flow.services import Services
from bot.scheduler import Scheduler

log = logging.getLogger(__name__)

#: Slack stops retrying an event within minutes; remembering event ids for a day is plenty.
SEEN_EVENTS_KEPT = timedelta(days=1)


class Background:
    """Owns the scheduler thread for ``flow`` (built by :meth:`Services.flow`, which gives it the job queue)."""

    def __init__(self, services: Services, flow: RequestFlow) -> None:
        if flow.windows is None:
            raise ValueError("the flow has no job queue: build it with Services.flow()")
        self.services = services
        self.flow = flow
        settings = services.config.bot
        self.interval = settings.scheduler_interval_seconds
        self.reconcile_after = timedelta(seconds=settings.reconcile_after_seconds)
        handlers = {**flow.windows.handlers(), **(flow.series.handlers() if flow.series is not None else {})}
        self.scheduler = Scheduler(services.store.jobs, handlers, clock=services.clock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def reconcile(self) -> None:
        """Settle requests a dead process left in ``submitting`` (look-up where possible, else "unknown") or
        ``cancelling`` (stop again), and submit those it left ``confirmed`` before their provider call started."""
        self.flow.reconcile()
        self.flow.resume_confirmed(older_than=self.services.clock() - self.reconcile_after)

    def expire(self) -> None:
        """Cards nobody answered within the card lifetime can no longer be confirmed; old event ids are dropped."""
        self.flow.expire_cards()
        self.services.store.seen.forget_older_than(self.services.clock() - SEEN_EVENTS_KEPT)

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
