"""Messages to Slack leave through one queue, paced per channel, so nobody who posts waits on Slack.

Slack takes about one message per second per channel, with short bursts (more answers 429 with ``Retry-After``).
:class:`SendQueue` keeps one lane per channel: messages of a lane leave one at a time, in the order they were
submitted, at most ``burst`` at once and then one every ``1 / per_second`` seconds (a little below Slack's pace, as
the provider limiter is). A 429 pauses the lane for ``Retry-After`` and sends the same message again first, so order
holds. Lanes do not wait on each other. :meth:`SendQueue.submit` returns at once with a future; :meth:`SendQueue.close`
sends what is queued (within a timeout) before the process exits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Slack's pace per channel (about 1 message a second); the queue sends ``PACE_MARGIN`` slower, and bursts of at most
#: ``BURST`` (Slack tolerates short bursts), so the network bunching messages on the way never trips Slack's limit.
SLACK_PER_SECOND = 1.0
PACE_MARGIN = 0.1
BURST = 2
#: A message refused this many times for the rate limit is given up (logged, its future fails). Replicas posting in
#: one channel share Slack's pace without knowing of each other: their 429s are expected, and waited out.
MAX_RATE_LIMITED = 30
#: Without a ``Retry-After``, a 429 pauses its lane this long.
DEFAULT_RETRY_AFTER = 1.0


def retry_after(error: Exception) -> float | None:
    """Seconds Slack asked to wait, when ``error`` is its rate-limit answer (429); else None."""
    if not isinstance(error, SlackApiError) or error.response is None or error.response.status_code != 429:
        return None
    headers = {str(k).lower(): v for k, v in (error.response.headers or {}).items()}
    raw = headers.get("retry-after")
    value = raw[0] if isinstance(raw, list) and raw else raw
    try:
        return max(float(str(value)), 0.0)
    except ValueError:
        return DEFAULT_RETRY_AFTER


@dataclass
class _Message(Generic[T]):
    send: Callable[[], T]
    future: Future[T]
    paced: bool
    refused: int = 0  # 429s so far


@dataclass
class _Lane:
    waiting: deque[_Message[object]] = field(default_factory=deque)
    tokens: float = 0.0
    filled_at: float = 0.0
    paused_until: float = 0.0  # Retry-After
    sending: bool = False


class SendQueue:
    """Per-channel lanes of messages to Slack (see the module), for a Slack taking ``per_second`` messages per
    channel. Thread-safe; its threads start with the first message."""

    def __init__(
        self,
        *,
        per_second: float = SLACK_PER_SECOND,
        burst: int = BURST,
        senders: int = 8,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("per_second must be positive and burst at least 1")
        self.per_second = per_second / (1.0 + PACE_MARGIN)  # what the queue sends at: a little below Slack's pace
        self.burst = burst
        self._monotonic = monotonic
        self._senders = senders
        self._lanes: dict[str, _Lane] = {}
        self._changed = threading.Condition()
        self._pool: ThreadPoolExecutor | None = None
        self._dispatcher: threading.Thread | None = None
        self._closing = False
        #: How many 429s Slack answered (for logs and tests).
        self.rate_limited = 0

    def submit(self, lane: str, send: Callable[[], T], *, paced: bool = True) -> Future[T]:
        """Queue ``send`` (one Slack call) behind the other messages of ``lane`` (the channel); returns at once.
        ``paced=False`` for calls that do not count against the channel's pace (e.g. a ``response_url``), which
        still keep their place in the lane's order. ``send`` raising Slack's 429 is sent again after
        ``Retry-After``."""
        future: Future[T] = Future()
        message = _Message(send, future, paced)
        with self._changed:
            if self._closing:
                future.set_exception(RuntimeError("the Slack send queue is closed"))
                return future
            self._start()
            state = self._lanes.get(lane)
            if state is None:
                state = self._lanes[lane] = _Lane(tokens=float(self.burst), filled_at=self._monotonic())
            state.waiting.append(message)  # type: ignore[arg-type]
            self._changed.notify_all()
        return future

    def close(self, timeout: float = 20.0) -> bool:
        """Send what is queued (for at most ``timeout`` seconds) and stop; True when everything was sent."""
        deadline = time.monotonic() + timeout
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            while self._pending() and (left := deadline - time.monotonic()) > 0:
                self._changed.wait(left)
            drained = not self._pending()
            for state in self._lanes.values():  # what could not be sent in time is dropped, and said so
                in_flight = [state.waiting.popleft()] if state.sending and state.waiting else []
                while state.waiting:
                    state.waiting.popleft().future.set_exception(RuntimeError("not sent before shutdown"))
                state.waiting.extend(in_flight)
            self._changed.notify_all()
        if not drained:
            log.warning("shutting down with Slack messages still queued")
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        return drained

    def _pending(self) -> bool:
        return any(state.waiting or state.sending for state in self._lanes.values())

    def _start(self) -> None:
        if self._dispatcher is None:  # started lazily: never before a fork, never in a process that sends nothing
            self._pool = ThreadPoolExecutor(max_workers=self._senders, thread_name_prefix="slack-send")
            self._dispatcher = threading.Thread(target=self._dispatch, name="slack-send-queue", daemon=True)
            self._dispatcher.start()

    def _dispatch(self) -> None:
        """Hand each lane's next message to a sender as soon as the lane may send; sleep until the next one may."""
        with self._changed:
            while True:
                now = self._monotonic()
                wake_in: float | None = None
                for name, state in list(self._lanes.items()):
                    ready_in = self._ready_in(state, now)
                    if ready_in == 0.0:
                        self._send_next(name, state)
                    elif ready_in is not None:
                        wake_in = ready_in if wake_in is None else min(wake_in, ready_in)
                    elif not state.waiting and not state.sending and state.tokens >= self.burst:
                        del self._lanes[name]  # idle and full again: forget it
                if self._closing and not self._pending():
                    return
                self._changed.wait(wake_in)

    def _ready_in(self, state: _Lane, now: float) -> float | None:
        """0 when the lane may send its next message now, seconds until it may, or None (empty, or one in flight)."""
        state.tokens = min(float(self.burst), state.tokens + (now - state.filled_at) * self.per_second)
        state.filled_at = now
        if state.sending or not state.waiting:
            return None
        waits = [state.paused_until - now]
        if state.waiting[0].paced:
            waits.append((1.0 - state.tokens) / self.per_second)
        longest = max(waits)
        return 0.0 if longest <= 0 else longest

    def _send_next(self, name: str, state: _Lane) -> None:
        message = state.waiting[0]
        if message.paced:
            state.tokens -= 1.0
        state.sending = True
        assert self._pool is not None
        self._pool.submit(self._send, name, state, message)

    def _send(self, name: str, state: _Lane, message: _Message[object]) -> None:
        result: object = None
        error: Exception | None = None
        try:
            result = message.send()
        except Exception as exc:  # handed to the future (or retried below); never kills a sender
            error = exc
        wait = None if error is None else retry_after(error)
        with self._changed:
            state.sending = False
            if wait is not None and message.refused + 1 < MAX_RATE_LIMITED:
                message.refused += 1
                self.rate_limited += 1
                state.paused_until = self._monotonic() + wait
                log.warning("Slack rate-limited channel %s; sending again in %.1f s", name, wait)
            else:
                state.waiting.popleft()
                if error is not None:
                    log.warning("a Slack message to %s failed: %s", name, type(error).__name__)
                    message.future.set_exception(error)
                else:
                    message.future.set_result(result)
            self._changed.notify_all()
