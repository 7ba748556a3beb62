"""The HTTP front and start-up under abuse (issue 13), through the real ``serve`` process: malformed bodies get a
clean 400 (401 unsigned) without a traceback, stalled clients do not hold the bot, a deleted SQLite file fails
``/healthz`` and refuses new requests, and every start-up problem is named once with its key."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from bot.errors import BodyRejected
from bot.slack.routes import read_body
from tests.durable_support import request_id_of, server_env, slash, start_server
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import REQUESTER

FORM = "application/x-www-form-urlencoded"
NESTED = b"[" * 200_000 + b"]" * 200_000


@pytest.fixture(scope="module")
def server(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotServer, Path]]:
    home = tmp_path_factory.mktemp("front")
    bot = start_server(server_env(home, slack_api, provider_fakes, ""), home)
    yield bot, home
    bot.stop()


def test_malformed_bodies_get_a_clean_400_or_401_and_no_traceback(server: tuple[BotServer, Path]) -> None:
    bot, _ = server
    assert bot.post(NESTED, content_type="application/json", signed=False).status_code == 401
    assert bot.post(NESTED, content_type="application/json").status_code == 400
    assert bot.form(urlencode({"payload": NESTED.decode()}).encode()).status_code == 400
    assert bot.form(b"payload=%ff%fe").status_code == 400  # percent-escapes that are not UTF-8
    assert bot.form(b"command=/record&&&=").status_code == 400
    assert bot.form(b"payload=" + b"{not json").status_code == 400
    assert bot.post(b"command=/record", content_type="text/plain").status_code == 400
    assert bot.post(b"x" * 600_000, content_type=FORM, signed=False).status_code == 400
    assert bot.event(b"[1, 2]").status_code == 400
    assert not [line for line in bot.log if "Traceback" in line or "RecursionError" in line]


def test_a_hundred_stalled_clients_do_not_hold_a_command(server: tuple[BotServer, Path], slack_api: FakeSlack) -> None:
    bot, _ = server
    parts = urlsplit(bot.url)
    head = (f"POST /slack/events HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: {FORM}\r\n"
            "Content-Length: 1024\r\n\r\n").encode() + b"x" * 512  # fmt: skip
    held = []
    try:
        for _ in range(100):
            connection = socket.create_connection((parts.hostname, parts.port), timeout=5)
            connection.sendall(head)
            held.append(connection)
        card = slash(bot, slack_api, "live/stalled1 tomorrow 15:00 to 15:30 on volc", user=REQUESTER,
                     channel="CSTALL")  # fmt: skip
        assert request_id_of(card)
    finally:
        for connection in held:
            connection.close()


def test_a_body_not_sent_in_time_is_refused() -> None:
    async def stalled() -> dict[str, Any]:
        await asyncio.sleep(3600)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def read() -> None:
        await read_body(stalled, {"content-length": "10"}, timeout=0.05)

    with pytest.raises(BodyRejected) as refused:
        asyncio.run(read())
    assert refused.value.status == 408


def test_a_deleted_sqlite_file_fails_healthz_and_refuses_new_requests(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path: Path
) -> None:
    bot = start_server(server_env(tmp_path, slack_api, provider_fakes, ""), tmp_path)
    try:
        assert httpx.get(f"{bot.url}/healthz").text == "ok"
        for file in (tmp_path / "data").glob("bot.sqlite3*"):
            file.unlink()
        health = httpx.get(f"{bot.url}/healthz")
        assert health.status_code == 503 and "store: the SQLite database file is gone" in health.text
        answer = slash(bot, slack_api, "live/gone1 tomorrow 15:00 to 15:30 on volc", user=REQUESTER, channel="CGONE")
        assert answer["response_type"] == "ephemeral" and "database" in answer["text"]
    finally:
        bot.stop()


def start_up(env: dict[str, str], home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=home, capture_output=True, text=True,
                          timeout=60)  # fmt: skip


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"DATABASE_URL": "postgres://bot:hunter2secret@127.0.0.1:1/none"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://bot:hunter2secret@db:port/none"}, "DATABASE_URL"),
        ({"VOLC_LIVE_ENDPOINT": "http://[::1"}, "VOLC_LIVE_ENDPOINT"),
        ({"SLACK_API_URL": "http://127.0.0.1:1/api/"}, "SLACK_API_URL"),
    ],
)
def test_start_up_problems_are_named_once_without_a_traceback(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path: Path, override: dict[str, str], key: str
) -> None:
    env = {**server_env(tmp_path, slack_api, provider_fakes, ""), **override}
    result = start_up(env, tmp_path, "serve")
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert output.count(key) == 1, output
    assert "Traceback" not in output and "hunter2secret" not in output


def test_config_checks_the_database_and_names_what_each_provider_needs(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path: Path
) -> None:
    env = server_env(tmp_path, slack_api, provider_fakes, "")
    unreachable = start_up({**env, "DATABASE_URL": "postgres://bot:x@127.0.0.1:1/none"}, tmp_path, "config")
    assert unreachable.returncode == 2 and "DATABASE_URL" in unreachable.stderr
    assert "Configuration OK" not in unreachable.stdout
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    bare = {k: v for k, v in env.items() if k in ("PATH", "PYTHONPATH", "BOT_DATA_DIR")}
    nothing = start_up({**bare, "BOT_CONFIG": str(tmp_path / "empty.toml")}, tmp_path, "config")
    assert nothing.returncode == 2 and "Configuration OK" not in nothing.stdout
    assert "volc: not configured; needs" in nothing.stdout and "VOLCENGINE_SECRET_KEY" in nothing.stdout
    assert "no provider is configured" in nothing.stderr
    fine = start_up(env, tmp_path, "config")
    assert fine.returncode == 0 and "Configuration OK: the database answers" in fine.stdout
    json.loads(fine.stdout[: fine.stdout.rindex("}") + 1])
