"""Serving Slack over HTTP in production: gunicorn (threaded worker) running Bolt's WSGI handler.

    POST /slack/events   every Slack request (commands, interactions, events)
    GET  /healthz        200 "ok" for the platform's health checks
    POST /callbacks/<provider>   provider recording callbacks (:mod:`bot.callbacks`)

The app is built (and its configuration checked) in the master process before gunicorn starts, so a wrong setting
stops startup with one clear message instead of a worker crash loop.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.callbacks.route import CALLBACKS_PREFIX, CallbackAnswerer, answer_callback_route

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HTTP_THREADS = 32

log = logging.getLogger(__name__)


class SlackWsgi:
    """The WSGI application: health checks here, everything else to Bolt."""

    def __init__(self, app: App, callbacks: CallbackAnswerer | None = None) -> None:
        self._slack = SlackRequestHandler(app, path=EVENTS_PATH)
        self._callbacks = callbacks

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in {"GET", "HEAD"}:
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "2")])
            return [b"ok"]
        # --- provider callbacks (POST /callbacks/<provider>): bot.callbacks.desk answers them -----------------
        path = str(environ.get("PATH_INFO", ""))
        if (
            self._callbacks is not None
            and path.startswith(CALLBACKS_PREFIX)
            and environ.get("REQUEST_METHOD") == "POST"
        ):
            return answer_callback_route(self._callbacks, path[len(CALLBACKS_PREFIX) :], environ, start_response)
        # --- Slack -----------------------------------------------------------------------------------------------
        try:
            return self._slack(environ, start_response)
        except (ValueError, TypeError, AttributeError, LookupError) as exc:  # Bolt could not even read the body
            log.warning("unreadable request to %s: %s", environ.get("PATH_INFO"), type(exc).__name__)
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "11")])
            return [b"Bad Request"]


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured in code (no config file, no command-line parsing)."""

    def __init__(self, application: WSGIApplication, options: dict[str, Any]) -> None:
        self._application = application
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # skip settings this gunicorn version does not have
                self.cfg.set(key, value)

    def load(self) -> WSGIApplication:
        return self._application


def serve(
    app: App,
    *,
    callbacks: CallbackAnswerer | None = None,
    host: str,
    port: int,
    after_fork: Callable[[], None] | None = None,
    before_exit: Callable[[], None] | None = None,
) -> None:
    """Serve ``app`` until stopped (SIGTERM/SIGINT). One worker process with many threads. ``after_fork`` runs in
    the worker as it starts (start background threads there), ``before_exit`` as it stops (finish provider calls)."""

    def post_fork(server: Any, worker: Any) -> None:
        if after_fork is not None:
            after_fork()

    def worker_exit(server: Any, worker: Any) -> None:
        if before_exit is not None:
            before_exit()

    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": 1,  # one process: in-memory caches (users, event ids) are shared by every thread
        "worker_class": "gthread",
        "threads": HTTP_THREADS,
        "timeout": 0,  # threaded worker: no heartbeat kill while slow listeners run
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "post_fork": post_fork,
        "worker_exit": worker_exit,
        "proc_name": "live-record-bot",
        "control_socket_disable": True,  # gunicorn ≥ 25 would otherwise open a socket in $HOME
    }
    # Everything built so far lives as long as the process: keep it out of the garbage collector's full passes
    # (about 40 ms each on this heap, a pause that would land on somebody's acknowledgement), and let the worker
    # share these pages with the master instead of copying them.
    gc.freeze()
    GunicornServer(SlackWsgi(app, callbacks), options).run()
