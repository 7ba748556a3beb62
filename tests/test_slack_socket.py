"""Socket Mode end to end: ``python -m bot socket`` connects to a fake Socket Mode endpoint, answers a slash command
envelope with the card, and a Confirm envelope leads to the provider call and the TaskId in the card's thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack, running_fake_slack
from tests.fakes.socket_mode import FakeSocketMode

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def socket_mode() -> Iterator[FakeSocketMode]:
    endpoint = FakeSocketMode()
    yield endpoint
    endpoint.close()


def test_socket_mode_answers_with_the_card_and_confirms(tmp_path: Path, socket_mode: FakeSocketMode) -> None:
    with running_fake_slack() as slack, FakeProviders() as providers:
        slack.set_user("UALICE", tz="Asia/Shanghai")
        slack.socket_url = socket_mode.url
        (tmp_path / "bot.toml").write_text(providers.toml(), encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "BOT_CONFIG": str(tmp_path / "bot.toml"),
            "BOT_DATA_DIR": str(tmp_path / "data"),
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_APP_TOKEN": "xapp-test",
            "SLACK_API_URL": slack.api_url,
            **providers.env(),
        }
        log = (tmp_path / "bot.log").open("w", encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "socket"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            assert socket_mode.connected.wait(30), "the bot never connected"
            card = send_command(socket_mode, slack)
            request_id = card["blocks"][-1]["elements"][0]["value"]
            confirm(socket_mode, slack, request_id)
            reply = slack.wait_for("chat.postMessage", channel="CSOCKET", thread_ts="1800000100.000100")[0]
            created = providers.volc.calls_to("CreatePullRecordTask")
            assert [c.params["Stream"] for c in created] == ["sock1"]
            assert f"TaskId `{next(iter(providers.volc.tasks))}`" in reply.shown
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()
        output = (tmp_path / "bot.log").read_text(encoding="utf-8")
        assert "xapp-test" not in output and "xoxb-test" not in output


def send_command(socket_mode: FakeSocketMode, slack: FakeSlack) -> dict[str, Any]:
    socket_mode.send(
        {
            "envelope_id": "env-command",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "token": "unused",
                "team_id": "T1",
                "channel_id": "CSOCKET",
                "user_id": "UALICE",
                "command": "/record",
                "text": "live/sock1 tomorrow 15:00 to 15:30 on volc",
                "api_app_id": "A1",
                "response_url": slack.response_url("socket-command"),
                "trigger_id": "trigger-socket",
            },
        }
    )
    ack = socket_mode.wait_for_ack("env-command")
    card: dict[str, Any] = ack["payload"]
    assert card["response_type"] == "in_channel"
    assert "Record live/sock1 on Volcengine?" in json.dumps(card)
    return card


def confirm(socket_mode: FakeSocketMode, slack: FakeSlack, request_id: str) -> None:
    socket_mode.send(
        {
            "envelope_id": "env-confirm",
            "type": "interactive",
            "accepts_response_payload": False,
            "payload": {
                "type": "block_actions",
                "user": {"id": "UALICE", "team_id": "T1"},
                "api_app_id": "A1",
                "team": {"id": "T1"},
                "container": {"type": "message", "message_ts": "1800000100.000100", "channel_id": "CSOCKET"},
                "channel": {"id": "CSOCKET"},
                "message": {"ts": "1800000100.000100"},
                "response_url": slack.response_url("socket-confirm"),
                "actions": [
                    {
                        "type": "button",
                        "action_id": "request_confirm",
                        "value": request_id,
                        "action_ts": f"{time.time()}",
                    }
                ],
            },
        }
    )
    socket_mode.wait_for_ack("env-confirm")
