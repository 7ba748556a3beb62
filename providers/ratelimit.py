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

A caller that must be on time (the bot's scheduler) states its deadline with :func:`departing`: with a
:class:`Departure` in force, a call books its departure so that a batch of calls due together leaves *before* the due
time, spread at the pace, and ending just ahead of it (a start must never be late); or, for ``early=False`` (a stop),
from the due time on. The caller waits for its booked departure inside :meth:`RateLimits.acquire`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
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


#: How long before its due time the last call of an early batch leaves: absorbs the trip to the provider.
EARLY_SLACK = 0.1


@dataclass(frozen=True)
class Departure:
    """When the calls made under :func:`departing` are due, in wall-clock seconds (``time.time()``).

    ``calls`` is how many calls the caller releases for the same due time (this one included): early calls book
    from ``due - (calls - 1) × interval - EARLY_SLACK`` so the whole batch has left by ``due``. ``early=False`` books
    from ``due`` itself (stopping a recording early would cut the show)."""

    due: float
    calls: int = 1
    early: bool = True

    def earliest(self, interval: float) -> float:
        """The first moment a call of this batch may leave, at ``interval`` seconds between calls."""
        if not self.early:
            return self.due
        return self.due - max(self.calls - 1, 0) * interval - EARLY_SLACK


_departure: ContextVar[Departure | None] = ContextVar("departure", default=None)


@contextlib.contextmanager
def departing(departure: Departure) -> Iterator[None]:
    """Calls made in this context (this thread) leave as ``departure`` says: not before their batch's turn."""
    token = _departure.set(departure)
    try:
        yield
    finally:
        _departure.reset(token)


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
        hint = _departure.get()
        earliest = None if hint is None else hint.earliest(self.interval)
        if self._book is not None:
            with self._lock:  # one booking at a time per process; the waiting happens outside, so threads book ahead
                departure = self._booked_departure(earliest)
            if departure is not None:
                self._wait_until(departure)
                return
        if earliest is not None:
            with self._lock:  # a scheduled call takes the first local turn at or after its earliest moment
                now = self._monotonic()
                turn = max(now, self._next, now + (earliest - self._wall()))
                self._next = turn + self.interval
            while (wait := turn - self._monotonic()) > 0:
                self._sleep(wait)
            return
        with self._lock:
            now = self._monotonic()
            while now < self._next:
                self._sleep(self._next - now)
                now = self._monotonic()
            self._next = now + self.interval

    def _wait_until(self, departure: float) -> None:
        while (wait := departure - self._wall()) > 0:
            self._sleep(wait)

    def _booked_departure(self, earliest: float | None) -> float | None:
        """The next shared departure at or after ``earliest`` (or now), booked; None when the book is out of reach."""
        assert self._book is not None
        now = self._wall()
        try:
            return self._book.book(self._key, self.interval, now if earliest is None else max(now, earliest))
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
        self._sleep, self._wall = sleep, wall
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
        """Wait until a call of ``action`` on ``provider`` may start (and, under :func:`departing`, until its turn)."""
        limiter = self._limiters.get((provider, action))
        if limiter is not None:
            limiter.acquire()
            return
        hint = _departure.get()
        if hint is not None:  # not limited, but still not before its time
            while (wait := hint.earliest(0.0) - self._wall()) > 0:
                self._sleep(wait)
