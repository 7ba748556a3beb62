"""The other direction: Slack sending signed requests to the bot, and the bot's HTTP server as a real subprocess.

Bodies are built the way Slack builds them (slash commands form-encoded, interactions as ``payload=<JSON>``, events
as JSON) and signed here, independently of Bolt: ``v0=`` + hex HMAC-SHA256 of ``v0:<timestamp>:<body>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.fakes.slack import BOT_USER_ID


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:<timestamp>:<body>`` (computed here, independently of Bolt)."""
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return "v0=" + digest


def signed_headers(secret: str, body: bytes, *, content_type: str, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, body),
    }


def slash_command_body(
    *, command: str, text: str, user: str, channel: str, response_url: str, trigger_id: str = "trigger-1"
) -> bytes:
    return urlencode(
        {
            "token": "legacy-token-unused",
            "team_id": "T1",
            "team_domain": "example",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    ).encode()


def block_action_body(
    *,
    action_id: str,
    value: str,
    user: str,
    channel: str,
    message_ts: str,
    response_url: str,
    thread_ts: str | None = None,
) -> bytes:
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": False,
    }
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "team": {"id": "T1", "domain": "example"},
        "container": container,
        "channel": {"id": channel, "name": "general"},
        "message": {"type": "message", "ts": message_ts, "text": "card"},
        "response_url": response_url,
        "trigger_id": "trigger-2",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": f"request:{value}",
                "value": value,
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def app_mention_body(
    *, event_id: str, user: str, channel: str, text: str, ts: str, thread_ts: str | None = None
) -> bytes:
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    body = {
        "token": "legacy-token-unused",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T1", "user_id": BOT_USER_ID, "is_bot": True}],
    }
    return json.dumps(body).encode()


def home_action_body(*, action_id: str, value: str, user: str) -> bytes:
    """A click on a button in the app's Home tab: a view container, no channel and no response_url."""
    payload = {
        "type": "block_actions", "user": {"id": user, "username": user.lower(), "team_id": "T1"}, "api_app_id": "A1",
        "team": {"id": "T1", "domain": "example"}, "container": {"type": "view", "view_id": "VHOME"},
        "view": {"id": "VHOME", "type": "home"}, "trigger_id": "trigger-home",
        "actions": [{"type": "button", "action_id": action_id, "block_id": f"home:{value}", "value": value,
                     "action_ts": f"{time.time():.6f}"}],
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)}).encode()


def app_home_opened_body(*, event_id: str, user: str, tab: str = "home") -> bytes:
    """A signed-ready ``app_home_opened`` event (the person opened the app's Home tab)."""
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D" + user,
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }
    body = {
        "token": "legacy-token-unused", "team_id": "T1", "api_app_id": "A1", "event": event, "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()),
        "authorizations": [{"team_id": "T1", "user_id": BOT_USER_ID, "is_bot": True}],
    }  # fmt: skip
    return json.dumps(body).encode()


class BotServer:
    """``python -m bot serve`` as a real subprocess on an ephemeral port, with signed-request helpers."""

    def __init__(self, env: dict[str, str], *, signing_secret: str, cwd: str, module: str = "bot") -> None:
        self.env = env
        self.module = module  # ``python -m MODULE serve`` (tests.serve_later: the same bot with a later clock)
        self.signing_secret = signing_secret
        self.cwd = cwd
        self.log: list[str] = []
        self.url = ""
        self._process: Any = None

    def start(self, timeout: float = 60.0) -> BotServer:
        self._process = subprocess.Popen(
            [sys.executable, "-m", self.module, "serve"],
            env=self.env,
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        found = threading.Event()

        def drain() -> None:
            assert self._process.stdout is not None
            for line in self._process.stdout:
                self.log.append(line.rstrip())
                match = re.search(r"Listening at: (http://[\d.]+:\d+)", line)
                if match:
                    self.url = match.group(1)
                    found.set()

        threading.Thread(target=drain, name="bot-server-log", daemon=True).start()
        deadline = time.monotonic() + timeout
        while not found.wait(0.05):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("bot server did not start:\n" + "\n".join(self.log))
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except Exception:
                self._process.kill()

    def post(self, body: bytes, *, content_type: str, signed: bool = True, timestamp: int | None = None) -> Any:
        headers = (
            signed_headers(self.signing_secret, body, content_type=content_type, timestamp=timestamp)
            if signed
            else {"Content-Type": content_type}
        )
        return httpx.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=30)

    def form(self, body: bytes, **kwargs: Any) -> Any:
        return self.post(body, content_type="application/x-www-form-urlencoded", **kwargs)

    def event(self, body: bytes) -> Any:
        return self.post(body, content_type="application/json")
