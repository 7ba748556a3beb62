"""Serving Slack over HTTP in production: uvicorn (one process, one event loop) in front of Bolt's worker threads.

The event loop reads each request in full, within a bounded time and size, and checks its signature; only then
does the request take one of :data:`HTTP_THREADS` worker threads that run Bolt (see :mod:`bot.slack.routes`). Slow
or stalled clients therefore hold a socket each, never a worker.

The app is built (and its configuration checked) before the server starts, so a wrong setting stops startup with one
clear message.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import uvicorn
from slack_bolt import App

from bot.callbacks.route import CallbackAnswerer, callback_routes
from bot.metrics import Metrics
from bot.slack.routes import EVENTS_PATH, HEALTH_PATH, HealthCheck, HttpFront, slack_routes

__all__ = ["EVENTS_PATH", "HEALTH_PATH", "HTTP_THREADS", "serve"]

HTTP_THREADS = 32
#: Open connections beyond this are answered 503 at once (each slow client holds one until READ_TIMEOUT).
MAX_CONNECTIONS = 1000
GRACEFUL_SECONDS = 20

log = logging.getLogger(__name__)


def serve(
    app: App,
    *,
    host: str,
    port: int,
    signing_secret: str,
    health_checks: Sequence[tuple[str, HealthCheck]] = (),
    metrics: Metrics | None = None,
    metrics_token: str | None = None,
    callbacks: CallbackAnswerer | None = None,
    after_start: Callable[[], None] | None = None,
    before_exit: Callable[[], None] | None = None,
) -> None:
    """Serve ``app`` until stopped (SIGTERM/SIGINT). ``after_start`` runs once the socket is bound (start background
    threads there), ``before_exit`` after the server stopped taking requests (finish provider calls)."""
    listener = socket.create_server((host, port), backlog=2048)
    # The status line and the body go out as two writes: without this, Nagle holds the body back for the client's
    # delayed ACK (40 ms on every answer). Accepted connections inherit it.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    bound_host, bound_port = listener.getsockname()[:2]
    log.info("Listening at: http://%s:%d", bound_host, bound_port)  # tests and benchmarks read this line
    workers = ThreadPoolExecutor(max_workers=HTTP_THREADS, thread_name_prefix="http")
    routes = slack_routes(
        app,
        signing_secret=signing_secret,
        health_checks=health_checks,
        workers=workers,
        metrics=metrics,
        metrics_token=metrics_token,
    )
    if callbacks is not None:
        routes += callback_routes(callbacks, workers)
    front = HttpFront(routes)
    config = uvicorn.Config(
        front,
        log_config=None,  # keep the bot's own logging configuration
        access_log=False,
        lifespan="off",
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        server_header=False,
    )
    server = uvicorn.Server(config)
    if after_start is not None:
        after_start()
    # Everything built so far lives as long as the process: keep it out of the garbage collector's full passes
    # (about 40 ms each on this heap, a pause that would land on somebody's acknowledgement).
    gc.freeze()
    # uvicorn stops gracefully on SIGTERM/SIGINT, then raises the signal again for the handler found before it:
    # make that one a no-op, so the provider calls in flight still finish below.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, _stop_requested)
    try:
        asyncio.run(server.serve(sockets=[listener]))
    finally:
        workers.shutdown(wait=True)
        if before_exit is not None:
            before_exit()


def _stop_requested(signum: int, frame: object) -> None:
    log.info("stopping (signal %d): finishing the provider calls in flight", signum)
