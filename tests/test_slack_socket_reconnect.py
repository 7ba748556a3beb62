"""Socket Mode survives a dropped connection: after a network cut or Slack's ``disconnect`` (refresh) envelope the
bot connects again, events sent afterwards are handled, and Slack's re-delivery of an event already handled is not
handled twice. The start-up output has no third-party noise (alembic, Bolt's unused-token notice)."""

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
from tests.fakes.slack_requests import app_mention_body
from tests.fakes.socket_mode import FakeSocketMode

ROOT = Path(__file__).resolve().parent.parent
NOISE = ("will be unused", "Context impl", "Will assume transactional DDL", "Running upgrade")


@pytest.fixture
def socket_mode() -> Iterator[FakeSocketMode]:
    endpoint = FakeSocketMode()
    yield endpoint
    endpoint.close()


def mention(socket_mode: FakeSocketMode, event_id: str, channel: str, stream: str, *, retry: int = 0) -> None:
    body = json.loads(
        app_mention_body(
            event_id=event_id,
            user="UALICE",
            channel=channel,
            text=f"<@UBOT> record live/{stream} tomorrow 15:00 to 15:30 on volc",
            ts="1800000010.000100",
        )
    )
    envelope_id = f"env-{event_id}-{retry}"
    socket_mode.send(
        {
            "envelope_id": envelope_id,
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": retry,
            "retry_reason": "timeout" if retry else "",
            "payload": body,
        }
    )
    socket_mode.wait_for_ack(envelope_id)


def cards(slack: FakeSlack, channel: str) -> list[Any]:
    return slack.calls_to("chat.postMessage", channel=channel)


def test_the_bot_reconnects_after_a_drop_and_a_refresh_and_handles_each_event_once(
    tmp_path: Path, socket_mode: FakeSocketMode
) -> None:
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
        log_path = tmp_path / "bot.log"
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "socket"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
            )
            try:
                socket_mode.wait_for_connections(1)
                mention(socket_mode, "EvBefore", "CDROP1", "before1")
                assert len(slack.wait_for("chat.postMessage", channel="CDROP1")) == 1

                socket_mode.drop()
                socket_mode.wait_for_connections(2)
                mention(socket_mode, "EvBefore", "CDROP1", "before1", retry=1)  # Slack re-delivers: not again
                mention(socket_mode, "EvAfterDrop", "CDROP2", "after2")
                assert len(slack.wait_for("chat.postMessage", channel="CDROP2")) == 1

                socket_mode.request_refresh()
                socket_mode.wait_for_connections(3)
                mention(socket_mode, "EvAfterRefresh", "CDROP3", "after3")
                assert len(slack.wait_for("chat.postMessage", channel="CDROP3")) == 1

                time.sleep(0.5)  # give a wrongly repeated handling the chance to show
                assert [len(cards(slack, c)) for c in ("CDROP1", "CDROP2", "CDROP3")] == [1, 1, 1]
            finally:
                process.terminate()
                process.wait(timeout=30)
        output = log_path.read_text(encoding="utf-8")
        assert not [line for line in output.splitlines() if any(noise in line for noise in NOISE)], output


def test_serve_and_migrate_start_without_third_party_noise(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "BOT_DATA_DIR": str(tmp_path / "data")}
    migrate = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60
    )
    assert migrate.returncode == 0
    assert migrate.stderr == "" and len(migrate.stdout.splitlines()) == 1
    # serve without Slack settings: it must say what is missing and nothing else (the SQLite file is migrated first)
    (tmp_path / "data2").mkdir()
    serve = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "BOT_DATA_DIR": str(tmp_path / "data2")},
        timeout=60,
    )
    assert serve.returncode == 2
    assert "SLACK_BOT_TOKEN" in serve.stderr
    assert not any(noise in serve.stderr for noise in NOISE), serve.stderr
    assert (tmp_path / "data2" / "bot.sqlite3").exists()
