"""Client-side rate limits per (provider, action), so a burst of confirmations never trips a provider's limiter.

Calls leave evenly spaced, a little below the documented rate: with a limit of N per second and a margin m, each call
departs at least ``(1 + m) / N`` seconds after the previous one. Counted on departure, no one-second window ever holds
more than N calls, and the pace never bunches (a burst of N at once, then a pause, would need the network to deliver
it exactly as sent). The margin absorbs what happens after departure: calls overtaking each other on the way, the
provider's clock running slightly fast. Thread-safe: the Slack app sends from a pool.

Replicas share the pace through a :class:`DepartureBook` (the bot keeps one in its database,
:mod:`bot.store.departures`): before each call a limiter books the first free departure for its (provider, action)
across every process, so two replicas together still stay under the provider's limit. If the book cannot be reached
the call goes at the local pace (the provider's own limit answer is retried), never failing a recording for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

log = logging.getLogger(__name__)

#: Documented limits in requests per second, per (provider, action). Actions not listed are not limited.
DOCUMENTED_LIMITS: Mapping[tuple[str, str], int] = {
    **{("volc", a): 50 for a in ("CreatePullRecordTask", "StopPullRecordTask", "ListPullRecordTask")},
    **{("volc", a): 10 for a in ("CreateRelaySourceV4", "DeleteRelaySourceV4", "ListRelaySourceV4")},
    **{("tencent", a): 20 for a in ("CreateRecordTask", "StopRecordTask", "DescribeRecordTask")},
    **{("trro", a): 20 for a in ("CreateCloudRecording", "DeleteCloudRecording")},
    # File look-ups: no documented limit was found; paced conservatively (the legacy one is slow by its own docs).
    ("volc", "DescribeRecordTaskFileHistory"): 10,
    ("volc", "DescribeLiveCallbackData"): 10,
    ("qcloud", "Live_Tape_GetFilelist"): 1,
}

#: How far below the documented rate calls are paced (0.03 = 3 % slower). Measured by bench/throughput_bench.py.
DEFAULT_MARGIN = 0.03


class DepartureBook(Protocol):
    """Departures shared between processes, in wall-clock seconds (``time.time()``)."""

    def book(self, key: str, interval: float, earliest: float) -> float:
        """Reserve and return the first departure for ``key`` at or after ``earliest`` that is at least ``interval``
        after the previous booking of ``key`` (by any process)."""
        ...


class PacedLimiter:
    """Lets calls depart one at a time, at least ``interval`` seconds apart; :meth:`acquire` waits for the next turn.

    A departure is stamped when the caller is let go (not when its turn was planned), so a thread that wakes late
    never leaves two calls closer together than ``interval``. With a ``book`` the book keeps the pace instead: each
    caller books a departure under ``key``, shared with other processes (``wall`` is the clock the book counts in),
    and waits for it; callers book one after another but wait side by side, so a slow booking never slows the pace.
    The local pace applies only while the book is out of reach.
    """

    def __init__(
        self,
        per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        book: DepartureBook | None = None,
        key: str = "",
        wall: Callable[[], float] = time.time,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._book, self._key, self._wall = book, key, wall
        self._next = float("-inf")
        # Waiting callers queue on this lock; only the one holding it sleeps until the next departure.
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if self._book is not None:
            with self._lock:  # one booking at a time per process; the waiting happens outside, so threads book ahead
                departure = self._booked_departure()
            if departure is not None:
                while (wait := departure - self._wall()) > 0:
                    self._sleep(wait)
                return
        with self._lock:
            now = self._monotonic()
            while now < self._next:
                self._sleep(self._next - now)
                now = self._monotonic()
            self._next = now + self.interval

    def _booked_departure(self) -> float | None:
        """The next shared departure, booked; None when the book is out of reach."""
        assert self._book is not None
        try:
            return self._book.book(self._key, self.interval, self._wall())
        except Exception as exc:  # keep the local pace rather than fail the call
            log.warning("shared pacing for %s unavailable, pacing locally: %s", self._key, type(exc).__name__)
            return None


class RateLimits:
    """One limiter per (provider, action) with a documented limit; shared by every provider of a registry, and with
    a ``book`` by every process that uses the same book."""

    def __init__(
        self,
        limits: Mapping[tuple[str, str], int] = DOCUMENTED_LIMITS,
        *,
        margin: float = DEFAULT_MARGIN,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        book: DepartureBook | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        if margin <= 0:
            raise ValueError("margin must be positive: pacing at exactly the limit leaves no room for jitter")
        self._limiters = {
            (provider, action): PacedLimiter(
                limit / (1.0 + margin),
                monotonic=monotonic,
                sleep=sleep,
                book=book,
                key=f"{provider}:{action}",
                wall=wall,
            )
            for (provider, action), limit in limits.items()
        }

    def acquire(self, provider: str, action: str) -> None:
        """Wait until a call of ``action`` on ``provider`` may start."""
        limiter = self._limiters.get((provider, action))
        if limiter is not None:
            limiter.acquire()
