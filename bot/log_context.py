"""Which request the current thread is working on, for the logs: every line logged inside :func:`about_request`
carries that request's id (``BOT_LOG_FORMAT=json`` writes it as ``request_id``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

CURRENT_REQUEST: ContextVar[str | None] = ContextVar("current_request", default=None)


@contextlib.contextmanager
def about_request(request_id: str | None) -> Iterator[None]:
    """Log lines inside this block are about ``request_id`` (nothing changes when it is None)."""
    if request_id is None:
        yield
        return
    token = CURRENT_REQUEST.set(request_id)
    try:
        yield
    finally:
        CURRENT_REQUEST.reset(token)
