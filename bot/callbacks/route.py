"""The WSGI side of ``POST /callbacks/<provider>``: read at most a little more than any callback (413 beyond),
then hand headers and body to :meth:`~bot.callbacks.desk.CallbackDesk.answer_callback`."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

CALLBACKS_PREFIX = "/callbacks/"
#: Bodies beyond this are refused unread (the desk refuses anything over its own, smaller limit as well).
READ_LIMIT = 256 * 1024
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 413: "Content Too Large",
            503: "Service Unavailable"}  # fmt: skip


class CallbackAnswerer(Protocol):
    """What the route needs (:class:`bot.callbacks.desk.CallbackDesk` fits)."""

    def answer_callback(self, provider: str, headers: Mapping[str, str], body: bytes) -> tuple[int, str, bytes]: ...


def answer_callback_route(
    desk: CallbackAnswerer, provider: str, environ: WSGIEnvironment, start_response: StartResponse
) -> Iterable[bytes]:
    """Answer one callback request; never raises."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length > READ_LIMIT:
        status, content_type, body = 413, "text/plain; charset=utf-8", b"Content Too Large"
    elif length < 0:
        status, content_type, body = 400, "text/plain; charset=utf-8", b"Bad Request"
    else:
        try:
            raw = environ["wsgi.input"].read(length) if length else b""
            headers = {k[5:].replace("_", "-").title(): str(v) for k, v in environ.items() if k.startswith("HTTP_")}
            status, content_type, body = desk.answer_callback(provider.strip("/"), headers, raw)
        except Exception as exc:  # never a 500, never a traceback (it could show the body)
            log.error("callback route failed: %s", type(exc).__name__)
            status, content_type, body = 400, "text/plain; charset=utf-8", b"Bad Request"
    start_response(
        f"{status} {_REASONS.get(status, 'Error')}",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
    )
    return [body]
