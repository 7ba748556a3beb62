"""The HTTP front of the bot, as a small ASGI application with a routing table.

    POST /slack/events   every Slack request (commands, interactions, events), handed to Bolt
    GET  /healthz        200 "ok", or 503 naming each failed check (the store, the scheduler's heartbeat)
    GET  /metrics        the Prometheus exposition (:mod:`bot.metrics`; ``METRICS_TOKEN`` asks for a bearer token)

A request to ``/slack/events`` is read in full by the event loop, within :data:`READ_TIMEOUT` seconds and at most
:data:`MAX_BODY` bytes, and its signature checked, before it takes one of the worker threads that run Bolt: slow or
stalled clients hold only a socket, never a worker. Anything malformed gets a clean 400 (401 when unsigned) and one
log line without a traceback, before any parsing beyond a bounded check.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.errors import BodyRejected
from bot.metrics import Metrics

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
#: Slack's own payloads stay far below this; a modal submission is the largest (tens of kB).
MAX_BODY = 512 * 1024
#: Seconds a client has to send a whole request body.
READ_TIMEOUT = 10.0
#: JSON deeper than this is not something Slack sends.
MAX_JSON_DEPTH = 64
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

Scope = Mapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Request:
    """One HTTP request, read in full."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @staticmethod
    def text(status: int, line: str) -> Response:
        return Response(status, line.encode("utf-8"), {"content-type": ["text/plain; charset=utf-8"]})


Handler = Callable[[Request], Awaitable[Response]]
#: A health check: None when healthy, else a short reason (no secrets, no tracebacks).
HealthCheck = Callable[[], str | None]


@dataclass(frozen=True)
class Route:
    """One row of the routing table. ``read_body``: read the body (bounded) before calling ``handler``."""

    path: str
    methods: frozenset[str]
    handler: Handler
    read_body: bool = True


class HttpFront:
    """The ASGI application: looks the path up in ``routes``; 404/405 otherwise."""

    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = {route.path: route for route in routes}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no lifespan events (the server runs with lifespan off), no websockets
            return
        route = self.routes.get(scope["path"])
        method = scope["method"]
        if route is None:
            await _send(send, Response.text(404, "Not Found"), method)
            return
        if method not in route.methods:
            await _send(send, Response.text(405, "Method Not Allowed"), method)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        try:
            body = await read_body(receive, headers) if route.read_body else b""
        except BodyRejected as rejected:
            log.warning("refused a request to %s: %s", scope["path"], rejected.reason)
            await _send(send, Response.text(rejected.status, "Bad Request"), method)
            return
        request = Request(method, scope["path"], scope.get("query_string", b"").decode("latin-1"), headers, body)
        await _send(send, await route.handler(request), method)


async def read_body(
    receive: Receive, headers: Mapping[str, str], *, limit: int = MAX_BODY, timeout: float = READ_TIMEOUT
) -> bytes:
    """The whole body within ``timeout`` seconds and ``limit`` bytes, else :class:`BodyRejected`."""
    declared = headers.get("content-length", "")
    if declared and (not declared.isdigit() or int(declared) > limit):
        raise BodyRejected(400, f"declared body length {declared[:20]!r} over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise BodyRejected(400, "the client went away mid-body")
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise BodyRejected(400, f"body over {limit} bytes")
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return b"".join(chunks)
    except TimeoutError:
        raise BodyRejected(408, f"body not received within {timeout:g} s") from None


async def _send(send: Send, response: Response, method: str) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, values in response.headers.items() for v in values]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else response.body})


# --- Slack ----------------------------------------------------------------------------------------------------------


def malformed(content_type: str, body: bytes) -> str | None:
    """Why a signed body cannot be a Slack request, or None. Bounded work: no recursion, one pass."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == JSON:
        return _json_problem(text)
    if kind == FORM:
        try:
            fields = dict(parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict"))
        except (ValueError, UnicodeDecodeError):
            return "broken form encoding"
        payload = fields.get("payload")
        return _json_problem(payload) if payload is not None else None
    return f"content type {kind[:40]!r} is not what Slack sends"


def _json_problem(text: str) -> str | None:
    depth, deepest, in_string, escaped = 0, 0, False, False
    for char in text:  # the nesting depth, before json.loads could recurse into it
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    if deepest > MAX_JSON_DEPTH:
        return f"JSON nested deeper than {MAX_JSON_DEPTH}"
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return "not JSON"
    return None if isinstance(data, dict) else "the JSON is not an object"


class SlackEvents:
    """``POST /slack/events``: signature first, then a bounded shape check, then Bolt on a worker thread."""

    def __init__(
        self, app: App, signing_secret: str, workers: ThreadPoolExecutor, metrics: Metrics | None = None
    ) -> None:
        self.app = app
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.workers = workers
        self.metrics = metrics

    async def __call__(self, request: Request) -> Response:
        headers = request.headers
        if self.verifier is not None and not self.verifier.is_valid(
            request.body, headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature")
        ):
            log.warning("refused an unsigned or wrongly signed request (%d bytes)", len(request.body))
            return Response.text(401, "Unauthorized")
        problem = malformed(headers.get("content-type", ""), request.body)
        if problem is not None:
            log.warning("refused a signed but malformed request: %s", problem)
            return Response.text(400, "Bad Request")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.workers, self.dispatch, request)

    def dispatch(self, request: Request) -> Response:
        started = time.monotonic()
        try:
            bolt = BoltRequest(  # reads the payload's fields already (team, user, channel …)
                body=request.body.decode("utf-8"),
                query=request.query,
                headers={name: [value] for name, value in request.headers.items()},
            )
            answer: BoltResponse = self.app.dispatch(bolt)
        except (ValueError, TypeError, AttributeError, LookupError) as exc:  # Bolt could not read it after all
            log.warning("unreadable request: %s", type(exc).__name__)
            return Response.text(400, "Bad Request")
        if self.metrics is not None:
            self.metrics.slack_ack_seconds.labels(kind_of(bolt.body)).observe(time.monotonic() - started)
        body = answer.body.encode("utf-8") if isinstance(answer.body, str) else bytes(answer.body or b"")
        headers = {k: list(v) for k, v in answer.headers.items() if k.lower() != "content-length"}
        return Response(answer.status, body, headers)


def kind_of(payload: Mapping[str, Any]) -> str:
    """What a Slack request is, for the ack histogram: command, action, view or event."""
    if "command" in payload:
        return "command"
    kind = str(payload.get("type", ""))
    if kind.startswith("view_"):
        return "view"
    return "action" if kind in {"block_actions", "interactive_message", "block_suggestion"} else "event"


class MetricsRoute:
    """``GET /metrics``: the exposition (read off the event loop: the requests gauge asks the store)."""

    def __init__(self, metrics: Metrics, token: str | None, workers: ThreadPoolExecutor) -> None:
        self.metrics = metrics
        self.token = token
        self.workers = workers

    async def __call__(self, request: Request) -> Response:
        loop = asyncio.get_running_loop()
        authorization = request.headers.get("authorization")
        scrape = await loop.run_in_executor(
            self.workers, partial(self.metrics.scrape, authorization=authorization, token=self.token)
        )
        return Response(scrape.status, scrape.body, {"content-type": [scrape.content_type]})


class Health:
    """``GET /healthz``: every check runs (off the event loop); 503 lists the failed ones by name."""

    def __init__(self, checks: Sequence[tuple[str, HealthCheck]], workers: ThreadPoolExecutor) -> None:
        self.checks = tuple(checks)
        self.workers = workers

    async def __call__(self, request: Request) -> Response:
        loop = asyncio.get_running_loop()
        failed = await loop.run_in_executor(self.workers, self.failures)
        if failed:
            return Response.text(503, "\n".join(failed))
        return Response.text(200, "ok")

    def failures(self) -> list[str]:
        found = []
        for name, check in self.checks:
            try:
                reason = check()
            except Exception as exc:  # a check that crashes has failed
                reason = f"the check failed ({type(exc).__name__})"
            if reason is not None:
                found.append(f"{name}: {reason}")
        return found


def slack_routes(
    app: App,
    *,
    signing_secret: str,
    health_checks: Sequence[tuple[str, HealthCheck]],
    workers: ThreadPoolExecutor,
    metrics: Metrics | None = None,
    metrics_token: str | None = None,
) -> list[Route]:
    """The bot's routing table. More routes (``/callbacks/<provider>``) are more rows."""
    routes = [
        Route(EVENTS_PATH, frozenset({"POST"}), SlackEvents(app, signing_secret, workers, metrics)),
        Route(HEALTH_PATH, frozenset({"GET", "HEAD"}), Health(health_checks, workers), read_body=False),
    ]
    if metrics is not None:
        routes.append(
            Route(METRICS_PATH, frozenset({"GET"}), MetricsRoute(metrics, metrics_token, workers), read_body=False)
        )
    return routes
