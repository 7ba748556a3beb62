"""Client-side rate limits per (provider, action), so a burst of confirmations never trips a provider's limiter.

A sliding window: at most ``per_second`` calls start in any window of one second plus a small safety margin (the
provider counts arrivals, which can bunch up a little after we send). Thread-safe: the Slack app sends from a pool.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

#: Documented limits in requests per second, per (provider, action). Actions not listed are not limited.
DOCUMENTED_LIMITS: Mapping[tuple[str, str], int] = {
    **{("volc", a): 50 for a in ("CreatePullRecordTask", "StopPullRecordTask", "ListPullRecordTask")},
    **{("volc", a): 10 for a in ("CreateRelaySourceV4", "DeleteRelaySourceV4", "ListRelaySourceV4")},
    **{("tencent", a): 20 for a in ("CreateRecordTask", "StopRecordTask", "DescribeRecordTask")},
    **{("trro", a): 20 for a in ("CreateCloudRecording", "DeleteCloudRecording")},
}


class SlidingWindowLimiter:
    """Allows at most ``limit`` acquisitions in any ``window`` seconds; :meth:`acquire` waits for a free slot."""

    def __init__(
        self,
        limit: int,
        window: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._monotonic = monotonic
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._monotonic()
                while self._starts and self._starts[0] <= now - self.window:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    return
                wait = self._starts[0] + self.window - now
            self._sleep(max(wait, 0.001))


class RateLimits:
    """One limiter per (provider, action) with a documented limit; shared by every provider of a registry."""

    def __init__(self, limits: Mapping[tuple[str, str], int] = DOCUMENTED_LIMITS, *, margin: float = 0.1) -> None:
        self._limiters = {key: SlidingWindowLimiter(limit, 1.0 + margin) for key, limit in limits.items()}

    def acquire(self, provider: str, action: str) -> None:
        """Wait until a call of ``action`` on ``provider`` may start."""
        limiter = self._limiters.get((provider, action))
        if limiter is not None:
            limiter.acquire()
