"""Work that runs beside the adapters: the scheduler (request windows, bot-kept trro tasks), restart reconciliation
of requests left half-way, and expiry of unanswered cards. All of it is timed by the ``[bot]`` settings
``scheduler_interval_seconds``, ``reconcile_after_seconds`` and ``card_lifetime_hours``.

Every change of a request it makes goes through the flow (:class:`~bot.flow.life.RequestLife`), so cards and threads
are told exactly as after a click.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.callbacks.catch_up import CatchUp
from bot.callbacks.desk import open_desk
from bot.callbacks.intake import FileIntake
from bot.callbacks.settings import callback_keys
from bot.callbacks.watch import FileWatch
from bot.flow.requests import RequestFlow
from bot.flow.services import Services
from bot.scheduler import JobHandler, Scheduler

log = logging.getLogger(__name__)

#: Slack stops retrying an event within minutes; remembering event ids for a day is plenty.
SEEN_EVENTS_KEPT = timedelta(days=1)
#: Providers' raw callback bodies are kept in the audit log this long (the rows themselves stay).
RAW_BODIES_KEPT = timedelta(days=30)


class Background:
    """Owns the scheduler thread for ``flow`` (built by :meth:`Services.flow`, which gives it the job queue)."""

    def __init__(
        self,
        services: Services,
        flow: RequestFlow,
        *,
        handlers: Mapping[str, JobHandler] | None = None,
        upkeep: Sequence[Callable[[], object]] = (),
    ) -> None:
        """``handlers``: the adapter's own job kinds (the Home tab's redraws); ``upkeep``: more work for every pass
        beside reconciliation and expiry (forgetting old Home tab openers)."""
        if flow.windows is None:
            raise ValueError("the flow has no job queue: build it with Services.flow()")
        self.services = services
        self.flow = flow
        settings = services.config.bot
        self.interval = settings.scheduler_interval_seconds
        self.reconcile_after = timedelta(seconds=settings.reconcile_after_seconds)
        self.files = FileWatch(
            life=flow.life, store=services.store, jobs=services.store.jobs, providers=services.providers,
            files=FileIntake(flow.life, services.store.files, services.config.callbacks, later=flow.later),
            settings=services.config.callbacks, told_by_callbacks=callback_keys(os.environ).keys(),
        )  # fmt: skip
        flow.windows.on_follow.append(self.files.plan)
        #: Answers ``POST /callbacks/<provider>`` (the HTTP server routes to it); replays missed callbacks.
        self.desk = open_desk(services, flow, os.environ)
        self.catch_up = CatchUp(self.desk, services.store.jobs, services.providers)
        handlers = {
            **flow.windows.handlers(),
            **self.files.handlers(),
            **self.catch_up.handlers(),
            **(flow.series.handlers() if flow.series is not None else {}),
            **flow.extender.handlers(),
            **(handlers or {}),
        }
        self.upkeep = tuple(upkeep)
        early = flow.windows.EARLY | (flow.series.EARLY if flow.series is not None else frozenset())
        self.scheduler = Scheduler(services.store.jobs, handlers, clock=services.clock, early_kinds=early)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started_at: datetime | None = None

    def reconcile(self) -> None:
        """Settle requests a dead process left in ``submitting`` (look-up where possible, else "unknown") or
        ``cancelling`` (stop again), and submit those it left ``confirmed`` before their provider call started."""
        self.flow.reconcile()
        self.flow.resume_confirmed(older_than=self.services.clock() - self.reconcile_after)

    def expire(self) -> None:
        """Cards nobody answered within the card lifetime can no longer be confirmed; old event ids are dropped, and
        raw callback bodies older than :data:`RAW_BODIES_KEPT` are blanked."""
        self.flow.expire_cards()
        now = self.services.clock()
        self.services.store.seen.forget_older_than(now - SEEN_EVENTS_KEPT)
        self.services.store.audit.forget_raw_bodies(older_than=now - RAW_BODIES_KEPT)

    def start(self, interval: float | None = None) -> None:
        """Start the scheduler thread: due jobs, reconciliation and expiry every ``interval`` seconds (default: the
        configured ``scheduler_interval_seconds``)."""
        if self._thread is None:
            self._started_at = self.services.clock()
            self.catch_up.plan(self.services.clock())
            self._thread = self.scheduler.start_thread(
                self._stop, interval=interval or self.interval, also=(self.reconcile, self.expire, *self.upkeep)
            )

    def heartbeat_problem(self) -> str | None:
        """None while the scheduler completes its passes; else why not (for ``/healthz``): it has not completed one
        within three of its intervals (after a start-up grace of as long)."""
        limit = timedelta(seconds=3 * self.interval)
        now = self.services.clock()
        last = self.scheduler.last_pass_completed_at
        if last is None:
            started = self._started_at
            if started is None or now - started <= limit:
                return None if started is not None else "not started"
            return f"no pass completed in {limit.total_seconds():g} s since it started"
        if now - last > limit:
            return f"last pass completed {int((now - last).total_seconds())} s ago (limit {limit.total_seconds():g} s)"
        return None

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
