"""The client-side rate limiter and the fakes' token bucket, on a fake clock (no timing in tests)."""

from __future__ import annotations

import random

import pytest

from providers.ratelimit import (
    DEFAULT_MARGIN,
    DOCUMENTED_LIMITS,
    EARLY_SLACK,
    Departure,
    PacedLimiter,
    RateLimits,
    departing,
)
from tests.fakes.provider_server import TokenBucket


class FakeClock:
    """``monotonic`` and ``sleep`` for a limiter; every sleep overshoots by a random wake-up delay, as on a busy box."""

    def __init__(self, oversleep: float = 0.0, seed: int = 7) -> None:
        self.now = 100.0
        self.waits: list[float] = []
        self._oversleep = oversleep
        self._random = random.Random(seed)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds + self._random.uniform(0, self._oversleep)


def most_in_one_second(moments: list[float]) -> int:
    """The most moments within any half-open one-second window (how a provider counts)."""
    most, first = 0, 0
    for last, moment in enumerate(moments):
        while moment - moments[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def test_paced_limiter_spaces_departures_evenly() -> None:
    clock = FakeClock()
    limiter = PacedLimiter(4, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.acquire()  # the first call leaves at once
    assert clock.waits == []
    clock.now += 0.1
    limiter.acquire()  # the second waits until 0.25 s after the first
    limiter.acquire()
    assert clock.waits == [0.15, 0.25]
    assert clock.now == pytest.approx(100.5)


def test_paced_limiter_after_a_pause_lets_the_next_call_go_at_once() -> None:
    clock = FakeClock()
    limiter = PacedLimiter(10, monotonic=clock.monotonic, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 5.0
    limiter.acquire()
    assert clock.waits == []


@pytest.mark.parametrize("limit", [10, 20, 50])
@pytest.mark.parametrize("oversleep", [0.0, 0.002, 0.05])
def test_departures_never_exceed_the_documented_limit_in_any_second(limit: int, oversleep: float) -> None:
    clock = FakeClock(oversleep)
    limits = RateLimits({("p", "a"): limit}, monotonic=clock.monotonic, sleep=clock.sleep)
    departures = []
    for _ in range(10 * limit):
        limits.acquire("p", "a")
        departures.append(clock.now)
    assert most_in_one_second(departures) <= limit
    achieved = (len(departures) - 1) / (departures[-1] - departures[0])
    assert achieved <= limit / (1 + DEFAULT_MARGIN) + 1e-9
    if oversleep == 0.0:
        assert achieved == pytest.approx(limit / (1 + DEFAULT_MARGIN))  # and it uses what the margin leaves


def test_a_margin_of_zero_or_less_is_refused() -> None:
    with pytest.raises(ValueError, match="margin"):
        RateLimits(margin=0.0)
    assert 0 < DEFAULT_MARGIN <= 0.1


def test_documented_limits_are_per_provider_and_action() -> None:
    assert DOCUMENTED_LIMITS[("volc", "CreatePullRecordTask")] == 50
    assert DOCUMENTED_LIMITS[("volc", "CreateRelaySourceV4")] == 10
    assert DOCUMENTED_LIMITS[("tencent", "CreateRecordTask")] == 20
    assert DOCUMENTED_LIMITS[("trro", "CreateCloudRecording")] == 20
    RateLimits().acquire("qcloud", "Live_Tape_Start")  # not limited: returns at once


def test_the_fakes_token_bucket_allows_a_burst_of_n_then_n_per_second() -> None:
    bucket = TokenBucket(10, now=0.0)
    assert all(bucket.take(0.0) for _ in range(10))
    assert not bucket.take(0.0)  # the 11th at the same instant is refused
    assert not bucket.take(0.05)  # half a token refilled: still refused
    assert bucket.take(0.1)  # one token back after 1/10 s
    assert all(bucket.take(10.0) for _ in range(10))  # refilled, but never beyond N
    assert not bucket.take(10.0)


def test_the_fakes_token_bucket_absorbs_bunching_but_not_a_faster_pace() -> None:
    paced = TokenBucket(10, now=0.0)  # 9.7/s, arrivals bunched into groups of 5 by a busy machine
    assert all(paced.take(i / 9.7 // 0.5 * 0.5) for i in range(100))
    too_fast = TokenBucket(10, now=0.0)  # 12/s evenly: the bucket drains within seconds
    assert not all(too_fast.take(i / 12) for i in range(100))


def test_calls_of_a_batch_due_together_leave_early_at_the_pace_and_end_just_before_their_time() -> None:
    clock = FakeClock()
    limiter = PacedLimiter(20, monotonic=clock.monotonic, sleep=clock.sleep, wall=clock.monotonic)
    due = clock.now + 2.0
    left = []
    with departing(Departure(due=due, calls=5)):
        for _ in range(5):
            limiter.acquire()
            left.append(clock.now)
    assert left == pytest.approx([due - EARLY_SLACK - 0.05 * k for k in (4, 3, 2, 1, 0)])


def test_a_stop_leaves_at_its_time_and_an_unlimited_call_still_waits_for_it() -> None:
    clock = FakeClock()
    limits = RateLimits({("trro", "Delete"): 20}, monotonic=clock.monotonic, sleep=clock.sleep, wall=clock.monotonic)
    due = clock.now + 1.0
    with departing(Departure(due=due, calls=3, early=False)):
        limits.acquire("trro", "Delete")
        assert clock.now == pytest.approx(due)  # never before its time
        limits.acquire("trro", "Delete")
        assert clock.now == pytest.approx(due + (1 + DEFAULT_MARGIN) / 20)  # then at the pace
    later = clock.now + 1.0
    with departing(Departure(due=later)):
        limits.acquire("trro", "NotLimited")
    assert clock.now == pytest.approx(later - EARLY_SLACK)
    limits.acquire("trro", "NotLimited")  # outside the context: at once
    assert clock.now == pytest.approx(later - EARLY_SLACK)
