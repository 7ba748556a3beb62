"""``POST /callbacks/<provider>`` on the HTTP front: one route per provider, the body read in full (bounded) by the
front, then handed with its headers to :meth:`~bot.callbacks.desk.CallbackDesk.answer_callback` on a worker
thread. Never a 500 and never a traceback (either could show the body)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from bot.provider_info import PROVIDER_KEYS
from bot.slack.routes import Request, Response, Route

log = logging.getLogger(__name__)

CALLBACKS_PREFIX = "/callbacks/"


class CallbackAnswerer(Protocol):
    """What the route needs (:class:`bot.callbacks.desk.CallbackDesk` fits)."""

    def answer_callback(self, provider: str, headers: Mapping[str, str], body: bytes) -> tuple[int, str, bytes]: ...


class CallbackRoute:
    """Answers the callbacks of one provider."""

    def __init__(self, desk: CallbackAnswerer, provider: str, workers: ThreadPoolExecutor) -> None:
        self.desk = desk
        self.provider = provider
        self.workers = workers

    async def __call__(self, request: Request) -> Response:
        loop = asyncio.get_running_loop()
        try:
            status, content_type, body = await loop.run_in_executor(
                self.workers, self.desk.answer_callback, self.provider, request.headers, request.body
            )
        except Exception as exc:  # never a 500, never a traceback (it could show the body)
            log.error("callback route failed: %s", type(exc).__name__)
            return Response.text(400, "Bad Request")
        return Response(status, body, {"content-type": [content_type]})


def callback_routes(desk: CallbackAnswerer, workers: ThreadPoolExecutor) -> list[Route]:
    """A ``POST /callbacks/<provider>`` route for every provider (the desk answers 404 where no key is set)."""
    return [
        Route(f"{CALLBACKS_PREFIX}{key}", frozenset({"POST"}), CallbackRoute(desk, key, workers))
        for key in PROVIDER_KEYS
    ]
