"""Helpers for the end-to-end tests of durable requests (tests/test_durable_*.py): starting real ``serve`` processes
with a given configuration, killing one hard, and reading what Slack and the store saw."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from bot.lifecycle import RequestState, StoredRequest
from bot.store import SqlRequestStore
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import Call, FakeSlack
from tests.fakes.slack_requests import BotServer, block_action_body, slash_command_body
from tests.fixtures_slack import SECRET, serve_env, unique

T = TypeVar("T")

#: ``[bot]`` settings that make the scheduler and restart reconciliation quick enough for tests.
QUICK_BOT = "[bot]\nscheduler_interval_seconds = 0.2\nreconcile_after_seconds = 3\n"


def server_env(
    home: Path, slack_api: FakeSlack, provider_fakes: FakeProviders, toml: str, **extra: str
) -> dict[str, str]:
    """The environment of a ``python -m bot serve`` process whose ``bot.toml`` is the fakes' providers + ``toml``."""
    extra.setdefault("BOT_PROVIDER_WORKERS", "16")
    return serve_env(home, slack_api, provider_fakes, toml, provider_timeout=10, **extra)


def start_server(env: dict[str, str], home: Path) -> BotServer:
    return BotServer(env, signing_secret=SECRET, cwd=str(home)).start()


def kill_hard(server: BotServer) -> None:
    """``kill -9`` the server process (and any worker it forked): nothing gets to clean up."""
    master = server._process  # the test started it
    workers = [int(m.group(1)) for line in server.log if (m := re.search(r"Booting worker with pid: (\d+)", line))]
    for pid in [master.pid, *workers]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    master.wait(timeout=30)
    for pid in workers:  # the worker is not our child: wait until it is gone
        until(partial(_gone, pid), what=f"worker {pid} to die")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return not Path(f"/proc/{pid}").exists() or "zombie" in _status(pid)


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return ""


def until(check: Callable[[], T | None], *, what: str, timeout: float = 30.0) -> T:
    """Poll ``check`` until it returns something truthy (returned); AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def slash(
    server: BotServer,
    slack_api: FakeSlack,
    text: str,
    *,
    user: str,
    channel: str,
    command: str = "/record",
    token: str | None = None,
) -> dict[str, Any]:
    """Send ``/record text`` (signed) and return the acknowledgement's JSON body."""
    body = slash_command_body(
        command=command,
        text=text,
        user=user,
        channel=channel,
        response_url=slack_api.response_url(token or unique("cmd")),
    )
    response = server.form(body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def press(
    server: BotServer,
    slack_api: FakeSlack,
    action: str,
    value: str,
    *,
    user: str,
    channel: str,
    message_ts: str = "1800000000.000001",
    token: str | None = None,
) -> str:
    """Click a button (signed ``block_actions``); returns the response_url token the bot may answer on."""
    token = token or unique("click")
    body = block_action_body(
        action_id=action,
        value=value,
        user=user,
        channel=channel,
        message_ts=message_ts,
        response_url=slack_api.response_url(token),
    )
    response = server.form(body)
    assert response.status_code == 200, response.text
    return token


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """Every button in a message as (action_id, value), in order."""
    found: list[tuple[str, str]] = []
    for block in message.get("blocks", []):
        elements = [block["accessory"]] if "accessory" in block else block.get("elements", [])
        found += [(e["action_id"], e["value"]) for e in elements if e.get("type") == "button"]
    return found


def request_id_of(card: dict[str, Any]) -> str:
    values = {value for action, value in buttons(card) if action == "request_confirm"}
    assert len(values) == 1, card
    return values.pop()


def thread_texts(slack_api: FakeSlack, channel: str, ts: str) -> list[str]:
    return [c.shown for c in slack_api.calls_to("chat.postMessage", channel=channel, thread_ts=ts)]


def wait_thread(slack_api: FakeSlack, channel: str, ts: str, needle: str, timeout: float = 30.0) -> str:
    """The first message in the card's thread containing ``needle`` (waits for it)."""
    return until(
        lambda: next((t for t in thread_texts(slack_api, channel, ts) if needle in t), None),
        what=f"{needle!r} in thread {ts} of {channel}",
        timeout=timeout,
    )


def response_posts(slack_api: FakeSlack, token: str) -> list[Call]:
    return slack_api.calls_to(f"response_url:{token}")


def wait_state(store: SqlRequestStore, request_id: str, state: RequestState, timeout: float = 30.0) -> StoredRequest:
    def reached() -> StoredRequest | None:
        found = store.get(request_id)
        return found if found is not None and found.state is state else None

    return until(reached, what=f"request {request_id} to be {state}", timeout=timeout)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def run_bot(env: dict[str, str], home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` with the server's environment (e.g. ``audit --json``)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, cwd=home, capture_output=True, text=True, timeout=60
    )
