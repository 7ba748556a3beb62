"""The machinery shared by the fake provider servers in :mod:`tests.fakes.providers`.

A :class:`FakeProviderServer` listens on 127.0.0.1 (port 0) in a background thread, records every call, keeps the
tasks it created, enforces per-action rate limits (a :class:`TokenBucket` each) and injects :class:`Fault` s.
Subclasses say how to read a request (action, parameters, signature check) and how to answer (success and error
envelopes).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import urlsplit

#: The credentials every fake accepts (and :meth:`FakeProviders.env` exports).
TEST_CREDENTIALS: Mapping[str, str] = {
    "VOLCENGINE_ACCESS_KEY": "AKLTFAKEVOLC0001",
    "VOLCENGINE_SECRET_KEY": "fake-volc-secret-key==",
    "TENCENTCLOUD_SECRET_ID": "AKIDFAKETENCENT0001",
    "TENCENTCLOUD_SECRET_KEY": "fake-tencent-secret-key",
    "QCLOUD_LIVE_APPID": "1234",
    "QCLOUD_LIVE_API_KEY": "5d41402abc4b2a76b9719d911017c592",
    "TRRO_STORAGE_ACCESS_KEY": "fake-cos-access-key",
    "TRRO_STORAGE_SECRET_KEY": "fake-cos-secret-key",
}


def require(params: Mapping[str, Any], *names: str, code: str = "InvalidParam") -> None:
    """Raise :class:`ApiError` ``code`` naming every parameter that is missing or empty."""
    missing = [name for name in names if params.get(name) in (None, "", [])]
    if missing:
        raise ApiError(code, f"missing {', '.join(missing)}", 400)


class ApiError(Exception):
    """Raised by a fake's handlers: answer with the provider's error envelope for ``code``."""

    def __init__(self, code: str, message: str = "", status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.message = message or code
        self.status = status


@dataclass(frozen=True)
class Fault:
    """Something to go wrong on a call. Build with the class methods; ``acts`` = the fake still carries the call out."""

    kind: str
    seconds: float = 0.0
    status: int = 0
    code: str = ""
    message: str = ""
    acts: bool = False

    @classmethod
    def delay(cls, seconds: float, *, acts: bool = True) -> Fault:
        """Answer normally, but only after ``seconds`` (the call is carried out first unless ``acts=False``)."""
        return cls("delay", seconds=seconds, acts=acts)

    @classmethod
    def http_status(cls, status: int = 502, *, acts: bool = False) -> Fault:
        """A bare HTTP error page from a proxy (``502 Bad Gateway``, plain text, no JSON)."""
        return cls("status", status=status, acts=acts)

    @classmethod
    def html(cls, *, acts: bool = False) -> Fault:
        """HTTP 200 with an HTML page instead of JSON."""
        return cls("html", acts=acts)

    @classmethod
    def malformed_json(cls, *, acts: bool = False) -> Fault:
        """HTTP 200 with truncated JSON."""
        return cls("malformed", acts=acts)

    @classmethod
    def empty(cls, *, acts: bool = False) -> Fault:
        """HTTP 200 with an empty body."""
        return cls("empty", acts=acts)

    @classmethod
    def reset(cls, *, acts: bool = False) -> Fault:
        """Close the connection abruptly (TCP reset) without answering."""
        return cls("reset", acts=acts)

    @classmethod
    def rate_limited(cls) -> Fault:
        """The provider's own rate-limit answer (as if its limiter tripped)."""
        return cls("rate_limit")

    @classmethod
    def error(cls, code: str, message: str = "", status: int = 400, *, acts: bool = False) -> Fault:
        """The provider's error envelope with ``code``."""
        return cls("error", code=code, message=message or f"fake {code}", status=status, acts=acts)


@dataclass(frozen=True)
class RecordedCall:
    """One request the fake received. ``params`` is the parsed JSON body or the query parameters."""

    action: str
    params: Mapping[str, Any]
    headers: Mapping[str, str]  # lower-cased names
    method: str
    path: str
    body: bytes
    at: float  # time.monotonic() on arrival
    outcome: str = ""  # "ok", an error code, or a fault kind


class TokenBucket:
    """A provider's "N requests per second", modelled the way API gateways enforce it: a bucket of N tokens,
    refilled continuously at N per second; each request takes a token, and a request finding none is refused.

    Gateways meter with buckets (Envoy's local rate limit, AWS API Gateway throttling, nginx ``limit_req`` with a
    burst), not with a strict sliding window over arrival times: requests reach them bunched by the network and by
    busy machines along the way, and a sliding window would refuse a client that sent them perfectly paced. The
    bucket still refuses any sustained rate above N (a client sending faster drains it within seconds) and any burst
    beyond N. The providers do not document their algorithm; this is the common reading of their limit.
    """

    def __init__(self, per_second: int, now: float) -> None:
        self.capacity = float(per_second)
        self.tokens = float(per_second)
        self.refilled_at = now

    def take(self, now: float) -> bool:
        """Take a token for a request arriving at ``now`` (monotonic seconds); ``False`` when none is left."""
        # Arrivals are stamped before the lock is taken, so ``now`` can be slightly older than ``refilled_at``.
        self.tokens = min(self.capacity, self.tokens + max(now - self.refilled_at, 0.0) * self.capacity)
        self.refilled_at = max(now, self.refilled_at)
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


@dataclass
class _Plan:
    fault: Fault
    action: str | None
    remaining: int


@dataclass
class _State:
    calls: list[RecordedCall] = field(default_factory=list)
    faults: list[_Plan] = field(default_factory=list)
    buckets: dict[str, TokenBucket] = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.fake.handle(self)

    def do_POST(self) -> None:
        self.server.fake.handle(self)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            super().finish()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeProviderServer


class FakeProviderServer:
    """Base class of the fakes. Use as a context manager, or call :meth:`start` / :meth:`stop`."""

    #: Requests per second per action (the documented limits, metered by a :class:`TokenBucket`); beyond them the fake
    #: answers its 429 code.
    rate_limits: ClassVar[Mapping[str, int]] = {}
    name: ClassVar[str] = "fake"

    def __init__(self) -> None:
        self._state = _State()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.tasks: dict[str, dict[str, Any]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------------------------

    def start(self) -> FakeProviderServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"fake-{self.name}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- the test-facing API --------------------------------------------------------------------------------------

    def inject(self, fault: Fault, *, action: str | None = None, times: int = 1) -> None:
        """Make the next ``times`` calls (of ``action``, or of any action) go wrong with ``fault``."""
        with self._lock:
            self._state.faults.append(_Plan(fault, action, times))

    @property
    def calls(self) -> list[RecordedCall]:
        """Every call received so far, oldest first."""
        with self._lock:
            return list(self._state.calls)

    def calls_to(self, action: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.action == action]

    def rate_limited_calls(self) -> list[RecordedCall]:
        """Calls the fake refused because its rate limit was exceeded."""
        return [call for call in self.calls if call.outcome == "rate_limited"]

    def reset(self) -> None:
        """Forget calls, tasks and pending faults."""
        with self._lock:
            self._state = _State()
            self.tasks.clear()

    def new_id(self, prefix: str = "task") -> str:
        return f"{prefix}-{next(self._ids):04d}"

    # --- for subclasses --------------------------------------------------------------------------------------------

    def read(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[str, dict[str, Any]]:
        """The action and parameters of a request; raise :class:`ApiError` for a bad signature or request."""
        raise NotImplementedError

    def perform(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        """Carry the action out; returns the result fields, or raises :class:`ApiError`. By default the subclass's
        ``_<Action>(params)`` method does it."""
        return getattr(self, f"_{action}")(params)  # type: ignore[no-any-return]

    def success(self, action: str, result: dict[str, Any], request_id: str) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def failure(self, action: str, error: ApiError, request_id: str) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    def rate_limit_error(self) -> ApiError:
        return ApiError("RequestLimitExceeded", "rate limit exceeded", 429)

    # --- request handling ------------------------------------------------------------------------------------------

    def _take_fault(self, action: str) -> Fault | None:
        with self._lock:
            for plan in self._state.faults:
                if plan.action in (None, action) and plan.remaining > 0:
                    plan.remaining -= 1
                    return plan.fault
        return None

    def _over_limit(self, action: str, now: float) -> bool:
        limit = self.rate_limits.get(action)
        if limit is None:
            return False
        with self._lock:
            bucket = self._state.buckets.setdefault(action, TokenBucket(limit, now))
            return not bucket.take(now)

    def _record(self, call: RecordedCall) -> None:
        with self._lock:
            self._state.calls.append(call)

    def handle(self, handler: _Handler) -> None:
        arrived = time.monotonic()
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        headers = {name.lower(): value for name, value in handler.headers.items()}
        request_id = f"req-{next(self._ids):06d}"
        action = "?"
        params: dict[str, Any] = {}
        limited = False
        try:
            action, params = self.read(handler.command, parts.path, parts.query, headers, body)
            limited = self._over_limit(action, arrived)
            if limited:
                raise self.rate_limit_error()
        except ApiError as error:
            # Tencent answers its limit with HTTP 200 and a code: the outcome says what happened, not the status.
            outcome = "rate_limited" if limited or error.status == 429 else error.code
            self._record(RecordedCall(action, params, headers, handler.command, parts.path, body, arrived, outcome))
            status, payload = self.failure(action, error, request_id)
            return self._send_json(handler, status, payload)
        fault = self._take_fault(action)
        result: dict[str, Any] | None = None
        error_: ApiError | None = None
        if fault is None or fault.acts:
            try:
                result = self.perform(action, params)
            except ApiError as exc:
                error_ = exc
        # the outcome says what the caller is answered: the fault, the fake's own refusal, or "ok"
        outcome = fault.kind if fault else (error_.code if error_ is not None else "ok")
        self._record(RecordedCall(action, params, headers, handler.command, parts.path, body, arrived, outcome))
        if fault is not None and fault.kind != "delay":
            return self._send_fault(handler, fault, action, request_id)
        if fault is not None:
            time.sleep(fault.seconds)
        if error_ is not None or result is None:
            status, payload = self.failure(action, error_ or ApiError("InternalError", "no result", 500), request_id)
        else:
            status, payload = self.success(action, result, request_id)
        self._send_json(handler, status, payload)
        return None

    def _send_fault(self, handler: _Handler, fault: Fault, action: str, request_id: str) -> None:
        if fault.kind == "reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
            handler.close_connection = True
            return None
        if fault.kind in ("error", "rate_limit"):
            error = (
                ApiError(fault.code, fault.message, fault.status) if fault.kind == "error" else self.rate_limit_error()
            )
            status, payload = self.failure(action, error, request_id)
            return self._send_json(handler, status, payload)
        bodies = {
            "status": (fault.status, "text/plain", f"{fault.status} Bad Gateway\n".encode()),
            "html": (200, "text/html", b"<html><body><h1>Service temporarily unavailable</h1></body></html>"),
            "malformed": (200, "application/json", b'{"Response": {"TaskId": "abc", "Reque'),
            "empty": (200, "application/json", b""),
        }
        status, content_type, raw = bodies[fault.kind]
        self._send_raw(handler, status, content_type, raw)
        return None

    def _send_json(self, handler: _Handler, status: int, payload: dict[str, Any]) -> None:
        self._send_raw(handler, status, "application/json", json.dumps(payload).encode())

    @staticmethod
    def _send_raw(handler: _Handler, status: int, content_type: str, raw: bytes) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(raw)))
            handler.end_headers()
            handler.wfile.write(raw)
        except OSError:
            pass  # the client gave up (timeout); nothing to do
