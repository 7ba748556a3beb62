"""Slack end-to-end fixtures: a fake Slack Web API, the fake provider servers and the real ``python -m bot serve``
process (one of each per test module), plus helpers that send signed requests the way Slack does. Each test uses its
own channel and stream names, so tests in one module do not see each other's calls."""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders
from tests.fakes.slack import Call, ChannelPace, FakeSlack, running_fake_slack
from tests.fakes.slack_requests import BotServer, block_action_body, slash_command_body

ROOT = Path(__file__).resolve().parent.parent
SECRET = "test-signing-secret"
REQUESTER = "UALICE"
OTHER = "UBOB"
NEW_YORKER = "UNYC"
_names = itertools.count(1)
#: Slack's pace per channel, five times faster (the send-queue tests run at Slack's own pace).
QUICK_SLACK = ChannelPace(per_second=5.0, burst=3)


def serve_env(
    home: Path,
    slack: FakeSlack,
    fakes: FakeProviders,
    toml: str = "",
    *,
    provider_timeout: float = 10,
    **extra: str,
) -> dict[str, str]:
    """The environment of a ``python -m bot serve`` process talking to the fake Slack and fake providers. Its
    ``bot.toml`` (written into ``home``) is the fakes' provider settings plus ``toml``; ``extra`` adds variables."""
    (home / "bot.toml").write_text(fakes.toml(timeout_seconds=provider_timeout) + toml, encoding="utf-8")
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_CONFIG": str(home / "bot.toml"),
        "BOT_DATA_DIR": str(home / "data"),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "PORT": "0",
        "HOST": "127.0.0.1",
        **fakes.env(),
        **extra,
    }


@pytest.fixture(scope="module")
def slack_api() -> Iterator[FakeSlack]:
    with running_fake_slack() as fake:
        fake.set_user(REQUESTER, tz="Asia/Shanghai", locale="en-US")
        fake.set_user(OTHER, tz="Asia/Shanghai", locale="en-US")
        fake.set_user(NEW_YORKER, tz="America/New_York", locale="en-US")
        fake.set_user("UZH", tz="Asia/Shanghai", locale="zh-CN")
        fake.groups["SROBOTS"] = [OTHER]
        yield fake


@pytest.fixture(scope="module")
def provider_fakes() -> Iterator[FakeProviders]:
    with FakeProviders() as fakes:
        yield fakes


@pytest.fixture(scope="module")
def bot_server(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotServer]:
    home = tmp_path_factory.mktemp("bot")
    permissions = '[permissions.trro]\nrecord = ["SROBOTS"]\n'
    slack_api.channel_pace = QUICK_SLACK  # bursts of 20 outcomes in one channel: Slack and the bot, both faster
    env = serve_env(
        home, slack_api, provider_fakes, permissions, BOT_PROVIDER_WORKERS="24",
        SLACK_CHANNEL_PACE=str(QUICK_SLACK.per_second),
    )  # fmt: skip
    bot = BotServer(env, signing_secret=SECRET, cwd=str(home)).start()
    yield bot
    bot.stop()
    leaked = [line for line in bot.log if any(value in line for value in TEST_CREDENTIALS.values())]
    assert leaked == []


# --- helpers ------------------------------------------------------------------------------------------------------


def unique(prefix: str) -> str:
    return f"{prefix}{next(_names):03d}"


def command(
    bot_server: BotServer, slack_api: FakeSlack, text: str, *, user: str = REQUESTER, channel: str = "CGENERAL"
) -> dict[str, Any]:
    body = slash_command_body(
        command="/record", text=text, user=user, channel=channel, response_url=slack_api.response_url(unique("cmd"))
    )
    response = bot_server.form(body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def request_id_of(card: dict[str, Any]) -> str:
    values = {e["value"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert len(values) == 1
    return str(values.pop())


def click(
    bot_server: BotServer,
    slack_api: FakeSlack,
    action: str,
    request_id: str,
    *,
    user: str = REQUESTER,
    channel: str,
    card_ts: str,
    thread_ts: str | None = None,
    response_token: str | None = None,
) -> httpx.Response:
    body = block_action_body(
        action_id=action,
        value=request_id,
        user=user,
        channel=channel,
        message_ts=card_ts,
        response_url=slack_api.response_url(response_token or unique("click")),
        thread_ts=thread_ts,
    )
    return bot_server.form(body)  # type: ignore[no-any-return]


def thread_replies(slack_api: FakeSlack, channel: str, card_ts: str, count: int = 1) -> list[Call]:
    return slack_api.wait_for("chat.postMessage", count, channel=channel, thread_ts=card_ts)


def schedule(bot_server: BotServer, slack_api: FakeSlack, stream: str, channel: str, *, user: str = REQUESTER) -> str:
    card = command(bot_server, slack_api, f"live/{stream} tomorrow 15:00 to 15:30 on volc", user=user, channel=channel)
    assert card["response_type"] == "in_channel", card
    return request_id_of(card)


def card_start(card: dict[str, Any]) -> int:
    """The window's start as the card's ``<!date^…>`` token says (UNIX seconds)."""
    found = re.search(r"<!date\^(\d+)\^", json.dumps(card))
    assert found, card
    return int(found.group(1))
