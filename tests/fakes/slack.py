"""A fake Slack Web API on 127.0.0.1 (port 0) that records every call.

Point ``SLACK_API_URL`` at :attr:`FakeSlack.api_url` and put :meth:`FakeSlack.response_url` into payloads. It answers
``auth.test``, ``chat.postMessage``, ``chat.update``, ``chat.postEphemeral``, ``users.info`` (time zone and locale
per user, configurable), ``usergroups.users.list``, ``views.open`` and posts to response URLs; :meth:`FakeSlack.fail_next` makes a method answer
429 with ``Retry-After`` (or any status) a number of times first.

Like Slack, it takes about one message per second per channel with a small burst: ``chat.postMessage``,
``chat.update`` and ``chat.postEphemeral`` share a bucket per channel (:attr:`FakeSlack.channel_pace`,
:class:`ChannelPace`; ``None`` turns it off) and answer 429 with ``Retry-After`` when it is empty.
:meth:`FakeSlack.rate_limited` lists those refusals.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "UBOT"


@dataclass
class Call:
    """One request the fake received: ``method`` is the Web API method or ``response_url:<token>``."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int
    ok: bool = True
    at: float = field(default_factory=time.monotonic)
    over_pace: bool = False  # refused (429) for the channel's pace

    @property
    def shown(self) -> str:
        """What a person sees of a message: its ``text`` (the notification) and every mrkdwn text in its blocks."""
        blocks = self.params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        parts = [str(self.params.get("text") or "")]
        for block in blocks or []:
            if isinstance(block.get("text"), dict):
                parts.append(str(block["text"].get("text", "")))
            parts += [str(f.get("text", "")) for f in block.get("fields", []) + block.get("elements", [])]
        return "\n".join(parts)


PACED_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})


@dataclass(frozen=True)
class ChannelPace:
    """Messages per second per channel, and how many may come at once (Slack: about 1, "short bursts")."""

    per_second: float = 1.0
    burst: int = 3


class _Bucket:
    def __init__(self, pace: ChannelPace, now: float) -> None:
        self.pace, self.tokens, self.filled_at = pace, float(pace.burst), now

    def take(self, now: float) -> float:
        """0 when a message may pass now (a token is taken), else the seconds until one may."""
        self.tokens = min(float(self.pace.burst), self.tokens + max(now - self.filled_at, 0.0) * self.pace.per_second)
        self.filled_at = max(now, self.filled_at)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.pace.per_second


@dataclass
class User:
    tz: str = "Asia/Shanghai"
    locale: str = "en-US"
    name: str = "someone"


class FakeSlack:
    """Start with :func:`running_fake_slack` or :meth:`start` / :meth:`stop`."""

    def __init__(self, channel_pace: ChannelPace | None = ChannelPace()) -> None:
        self.calls: list[Call] = []
        self.channel_pace = channel_pace
        self._buckets: dict[str, _Bucket] = {}
        self.users: dict[str, User] = {}
        self.socket_url: str | None = None  # what apps.connections.open hands out (see FakeSocketMode)
        self.groups: dict[str, list[str]] = {}  # user group id -> member ids (usergroups.users.list)
        self.not_in_channel: set[str] = set()  # channels where chat.postMessage answers not_in_channel
        self.slow: dict[str, float] = {}  # method -> seconds to wait before answering (e.g. a slow users.info)
        self._failures: dict[str, list[tuple[int, int]]] = {}  # method -> [(status, retry_after)]
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-slack", daemon=True)

    # --- lifecycle ------------------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, token: str) -> str:
        return f"{self.base_url}/response/{token}"

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- configuration --------------------------------------------------------------------------------------------

    def set_user(self, user_id: str, *, tz: str = "Asia/Shanghai", locale: str = "en-US", name: str = "") -> None:
        self.users[user_id] = User(tz=tz, locale=locale, name=name or user_id.lower())

    def fail_next(self, method: str, *, status: int = 429, retry_after: int = 1, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` answer ``status`` (with ``Retry-After`` for 429)."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, retry_after)] * times)

    # --- inspection -----------------------------------------------------------------------------------------------

    def calls_to(self, method: str, **match: Any) -> list[Call]:
        """Successful (``ok``) calls of ``method`` (prefix match for ``response_url``) whose params include ``match``."""
        with self._lock:
            calls = list(self.calls)
        return [
            c
            for c in calls
            if (c.method == method or c.method.startswith(method + ":"))
            and c.ok
            and all(c.params.get(k) == v for k, v in match.items())
        ]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        *,
        timeout: float = 20.0,
        where: Callable[[Call], bool] | None = None,
        **match: Any,
    ) -> list[Call]:
        """Wait until at least ``count`` matching calls arrived; return them (raises AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_to(method, **match) if where is None or where(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} call(s) to {method} {match}, got {len(found)}: {self.calls}")
            time.sleep(0.02)

    def rate_limited(self, channel: str | None = None) -> list[Call]:
        """Messages refused for the per-channel pace (429), in ``channel`` or anywhere."""
        with self._lock:
            calls = list(self.calls)
        return [c for c in calls if c.over_pace and channel in (None, c.params.get("channel"))]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()
            self._buckets.clear()

    # --- answering ------------------------------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            queue = self._failures.get(method)
            failure = queue.pop(0) if queue else None
        wait = self._over_pace(method, params)
        if wait > 0:
            self._record(method, params, headers, 429, ok=False, over_pace=True)
            return 429, {"Retry-After": str(max(1, round(wait)))}, {"ok": False, "error": "ratelimited"}
        if failure is not None:
            status, retry_after = failure
            self._record(method, params, headers, status, ok=False)
            extra = {"Retry-After": str(retry_after)} if status == 429 else {}
            return status, extra, {"ok": False, "error": "ratelimited" if status == 429 else "fatal_error"}
        body = self._answer_ok(method, params, headers)
        self._record(method, params, headers, 200, ok=bool(body.get("ok")))
        return 200, {}, body

    def _over_pace(self, method: str, params: dict[str, Any]) -> float:
        """Seconds until the channel takes another message (0: this one passes)."""
        pace, channel = self.channel_pace, params.get("channel")
        if pace is None or method not in PACED_METHODS or not channel:
            return 0.0
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.setdefault(str(channel), _Bucket(pace, now))
            return bucket.take(now)

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        headers: dict[str, str],
        status: int,
        *,
        ok: bool,
        over_pace: bool = False,
    ) -> None:
        with self._lock:
            self.calls.append(Call(method, params, headers, status, ok, over_pace=over_pace))

    def _answer_ok(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        if method.startswith("response_url:"):
            return {"ok": True}
        if method == "apps.connections.open":
            authorized = headers.get("authorization", "").startswith("Bearer xapp-")
            if not authorized or self.socket_url is None:
                return {"ok": False, "error": "invalid_auth" if authorized else "not_authed"}
            return {"ok": True, "url": self.socket_url}
        if not headers.get("authorization", "").startswith("Bearer xoxb-"):
            return {"ok": False, "error": "not_authed"}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": "BBOT", "team_id": "T1", "user": "record-bot"}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {
                "ok": True,
                "user": {
                    "id": params["user"],
                    "name": user.name,
                    "tz": user.tz,
                    "tz_label": user.tz,
                    "locale": user.locale if str(params.get("include_locale")).lower() in {"1", "true"} else None,
                },
            }
        if method == "chat.postMessage":
            channel = str(params.get("channel"))
            if channel in self.not_in_channel:
                return {"ok": False, "error": "not_in_channel"}
            ts = f"{1_700_000_000 + next(self._ts)}.000100"
            return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, "text": params.get("text")}}
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1_700_000_000 + next(self._ts)}.000200"}
        if method == "usergroups.users.list":
            members = self.groups.get(str(params.get("usergroup")))
            if members is None:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": members}
        if method == "views.open":
            return {"ok": True, "view": {"id": "V1"}}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "VHOME", "type": "home"}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": f"D{params.get('users')}"}}
        if method == "chat.getPermalink":
            channel, ts = str(params.get("channel")), str(params.get("message_ts", ""))
            return {
                "ok": True,
                "channel": channel,
                "permalink": f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}",
            }
        return {"ok": False, "error": "unknown_method"}


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            params: dict[str, Any] = dict(parse_qsl(url.query))
            content_type = self.headers.get("Content-Type", "")
            if raw and "json" in content_type:
                params.update(json.loads(raw))
            elif raw:
                params.update(parse_qsl(raw.decode()))
            for key in ("blocks", "view"):
                if isinstance(params.get(key), str):
                    params[key] = json.loads(params[key])
            headers = {k.lower(): v for k, v in self.headers.items()}
            if url.path.startswith("/response/"):
                method = "response_url:" + url.path.removeprefix("/response/")
            else:
                method = url.path.removeprefix("/api/")
            if fake.slow.get(method):
                time.sleep(fake.slow[method])
            status, extra, body = fake.answer(method, params, headers)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = _serve
        do_POST = _serve

    return Handler


@contextmanager
def running_fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()
