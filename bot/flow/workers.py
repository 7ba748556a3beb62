"""The flow's own bounded worker pool: provider calls (and the Slack work a callback leads to) run here, never on
the thread that answered a person, so a slow provider never delays an acknowledgement."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from bot.log_context import about_request

log = logging.getLogger(__name__)


def _about(request_id: str | None, job: Callable[..., None], *args: Any) -> None:
    with about_request(request_id):
        job(*args)


class Workers:
    """Runs jobs side by side; remembers the ones under way so they can be waited for."""

    def __init__(self, size: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="provider-call")
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()

    def run(self, job: Callable[..., None], *args: Any, about: str | None = None) -> None:
        """Start ``job(*args)`` on a worker; a job that fails is logged by its error's type (never its text). Its log
        lines carry the request id ``about``."""
        future = self._pool.submit(_about, about, job, *args)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)
        if not future.cancelled() and (error := future.exception()) is not None:  # else lost in the pool silently
            # Only the type: a database error's text carries the SQL and its parameters.
            log.error("a provider call job failed: %s", type(error).__name__)

    def drain(self, timeout: float | None = None) -> None:
        """Wait until every job started so far has finished."""
        with self._lock:
            pending = list(self._pending)
        wait(pending, timeout=timeout)

    def close(self) -> None:
        """Finish the jobs started and stop the pool."""
        self._pool.shutdown(wait=True)
