"""The client-side rate limiter, on a fake clock (no timing in tests)."""

from __future__ import annotations

import pytest

from providers.ratelimit import DOCUMENTED_LIMITS, RateLimits, SlidingWindowLimiter


def test_sliding_window_limiter_waits_for_the_oldest_slot_to_leave_the_window() -> None:
    clock = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        clock[0] += seconds

    limiter = SlidingWindowLimiter(3, 1.1, monotonic=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        limiter.acquire()
    assert waits == []
    clock[0] += 0.5
    limiter.acquire()  # the 4th call must wait until the 1st is 1.1 s old
    assert waits == [0.6]
    assert clock[0] == pytest.approx(101.1)


def test_documented_limits_are_per_provider_and_action() -> None:
    assert DOCUMENTED_LIMITS[("volc", "CreatePullRecordTask")] == 50
    assert DOCUMENTED_LIMITS[("volc", "CreateRelaySourceV4")] == 10
    assert DOCUMENTED_LIMITS[("tencent", "CreateRecordTask")] == 20
    assert DOCUMENTED_LIMITS[("trro", "CreateCloudRecording")] == 20
    RateLimits().acquire("qcloud", "Live_Tape_Start")  # not limited: returns at once
