"""When the App Home tab is published: on ``app_home_opened``, and again when something it shows changes state — by
whichever replica makes the change, for the people who opened it (kept in the store, :mod:`bot.store.home_views`).

- A person's tab is published at most once every :data:`REDRAW_EVERY` seconds *across replicas*: a publication first
  claims its slot in the store (one conditional update), so of two replicas reacting at once only one publishes.
- A change inside that quiet interval is drawn when it ends: a durable ``home.redraw`` job (one per slot, whichever
  replica plans it first) claims the next slot unless someone published since, and publishes — so the last change is
  always shown, even if the replica that saw it stops.
- Publications leave at most :data:`PUBLISH_PER_MINUTE` a minute for the whole workspace (``views.publish`` is a
  Tier 4 method), paced through the departure book every replica shares.
- People who have not opened their tab for :data:`OPENERS_KEPT` are forgotten.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Protocol

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.lifecycle import RequestStore
from bot.scheduler import Due, JobHandler
from bot.slack.home import FilesOf, home_view
from bot.slack.users import Person
from bot.store import HomeViews, JobStore
from providers.ratelimit import DEFAULT_MARGIN, DepartureBook, PacedLimiter

log = logging.getLogger(__name__)

REDRAW_EVERY = 3.0  # seconds between two publications of one person's tab, across replicas
#: Slack's Tier 4 floor for ``views.publish``, per workspace.
PUBLISH_PER_MINUTE = 100
#: The departure book's key for that pace.
PACE_KEY = "slack:views.publish"
#: People who have not opened their tab for this long are no longer redrawn.
OPENERS_KEPT = timedelta(days=30)
#: Finished ``home.redraw`` jobs are deleted after this long.
FINISHED_REDRAWS_KEPT = timedelta(days=1)
#: How often a replica forgets old openers and finished redraw jobs.
FORGET_EVERY = timedelta(hours=1)


class Pace(Protocol):
    """Waits for the next turn to call Slack (:class:`providers.ratelimit.PacedLimiter`)."""

    def acquire(self) -> None: ...


def publish_pace(
    book: DepartureBook | None, *, wall: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep
) -> PacedLimiter:
    """The workspace's pace for ``views.publish``, shared by every replica through ``book`` (``store.departures``);
    ``wall`` and ``sleep`` are the clock it counts in and how it waits."""
    per_second = PUBLISH_PER_MINUTE / 60 / (1 + DEFAULT_MARGIN)
    return PacedLimiter(per_second, book=book, key=PACE_KEY, wall=wall, monotonic=wall, sleep=sleep)


class HomeTab:
    """Publishes Home tabs: when opened, and again (throttled across replicas) when something a tab shows changes."""

    KIND = "home.redraw"

    def __init__(
        self,
        store: RequestStore,
        client: WebClient,
        *,
        views: HomeViews,
        jobs: JobStore,
        lookup: Callable[[str], Person],
        may_see_everyone: Callable[[str], bool],
        clock: Callable[[], datetime],
        pace: Pace | None = None,
        redraw_every: float = REDRAW_EVERY,
        start: Callable[[Callable[[], None]], None] | None = None,
        files_of: FilesOf | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.views = views
        self.jobs = jobs
        self.lookup = lookup
        self.may_see_everyone = may_see_everyone
        self.clock = clock
        self.pace = pace or publish_pace(None)
        self.quiet = timedelta(seconds=redraw_every)
        self.start = start or _one_worker()  # runs redraws away from the caller's thread (a click, a scheduler job)
        self.files_of = files_of  # recent recordings' files (``store.files.files_of_many``)
        self._forgotten_at: datetime | None = None
        self._forget_lock = threading.Lock()

    def handlers(self) -> dict[str, JobHandler]:
        """The scheduler's handler for trailing redraws."""
        return {self.KIND: self.redraw}

    def opened(self, user: str) -> None:
        """``app_home_opened``: remember the opener and draw their tab now."""
        self.views.opened(user, sees_everyone=self.may_see_everyone(user))
        self._publish(user)

    def changed(self, requester: str) -> None:
        """A request of ``requester`` changed state: redraw the tabs that show it (the requester's, and those of people
        who see the whole workspace), in the background."""
        self.start(lambda: self._changed(requester))

    def redraw(self, due: Due) -> None:
        """The ``home.redraw`` job: publish unless someone published since the slot it was planned after."""
        user, after = str(due.job.payload["user"]), int(due.job.payload["after"])
        if self.views.claim_after(user, after) is not None:
            self.start(lambda: self._publish(user))  # its wait for the pace must not hold a scheduler worker

    def forget_old(self) -> None:
        """Forget openers unseen for :data:`OPENERS_KEPT` and finished redraw jobs (at most every
        :data:`FORGET_EVERY`; the scheduler's upkeep calls it every pass)."""
        now = self.clock()
        with self._forget_lock:
            if self._forgotten_at is not None and now - self._forgotten_at < FORGET_EVERY:
                return
            self._forgotten_at = now
        self.views.forget_older_than(now - OPENERS_KEPT)
        self.jobs.forget_finished(self.KIND, before=now - FINISHED_REDRAWS_KEPT)

    def _changed(self, requester: str) -> None:
        try:
            for user in self.views.showing(requester):
                if self.views.claim(user, quiet=self.quiet) is not None:
                    self._publish(user)
                else:
                    self._plan_trailing(user)
        except Exception as exc:  # the tab is a convenience: a redraw must never break anything else
            log.error("redrawing Home tabs failed: %s", type(exc).__name__)

    def _plan_trailing(self, user: str) -> None:
        """Published within the quiet interval: one redraw when it ends, shared by every change (and replica) that
        finds the same last slot."""
        slot = self.views.slot(user)
        if slot is None or slot.published_at is None:
            return
        self.jobs.schedule(
            key=f"{self.KIND}:{user}:{slot.publications}",
            kind=self.KIND,
            due_at=slot.published_at + self.quiet,
            payload={"user": user, "after": slot.publications},
        )

    def _publish(self, user: str) -> None:
        try:
            self.pace.acquire()
            person = self.lookup(user)
            everyone = self.may_see_everyone(user)
            view = home_view(self.store, person, now=self.clock(), everyone=everyone, files_of=self.files_of)
            self.client.views_publish(user_id=user, view=view)
        except (SlackApiError, OSError) as exc:
            error = str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("views.publish failed: %s", error)
        except Exception as exc:  # the tab is a convenience: it must never break a request's outcome
            log.error("drawing the Home tab failed: %s", type(exc).__name__)


def _one_worker() -> Callable[[Callable[[], None]], None]:
    """Runs work one piece after another on one thread: publications share one pace, so more threads would only wait
    side by side (and a burst of changes would start a thread each)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="home-tab")

    def start(work: Callable[[], None]) -> None:
        pool.submit(work)

    return start


def register(app: App, home: HomeTab) -> None:
    """``app_home_opened`` on the Home tab draws it (Bolt acknowledges events before listeners run)."""

    @app.event("app_home_opened")
    def opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            home.opened(str(event["user"]))
