"""End to end through the real server: time zones and languages, help, dry runs, the form, mentions, permissions,
relays, list and cancel, and how the process starts (fixtures: :mod:`tests.fixtures_slack`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer, app_mention_body, slash_command_body
from tests.fixtures_slack import (
    NEW_YORKER,
    OTHER,
    REQUESTER,
    ROOT,
    card_start,
    click,
    command,
    schedule,
    thread_replies,
    unique,
)


def test_the_requesters_slack_time_zone_decides_what_15_00_means(bot_server: BotServer, slack_api: FakeSlack) -> None:
    shanghai = command(bot_server, slack_api, "live/tz1 tomorrow 15:00 to 15:30 on volc", user=REQUESTER)
    new_york = command(bot_server, slack_api, "live/tz1 tomorrow 15:00 to 15:30 on volc", user=NEW_YORKER)
    assert "(America/New_York)" in json.dumps(new_york)
    for card, zone in ((shanghai, "Asia/Shanghai"), (new_york, "America/New_York")):
        local = datetime.fromtimestamp(card_start(card), UTC).astimezone(ZoneInfo(zone))
        assert local.strftime("%H:%M") == "15:00"
    assert (card_start(new_york) - card_start(shanghai)) % 86400 == 13 * 3600


def test_chinese_locale_gets_a_chinese_card(bot_server: BotServer, slack_api: FakeSlack) -> None:
    card = command(bot_server, slack_api, "live/zh1 tomorrow 15:00 to 15:30 on volc", user="UZH")
    assert card["blocks"][0]["text"]["text"] == "在火山引擎录制 live/zh1？"


def test_not_understood_is_private_with_an_example(bot_server: BotServer, slack_api: FakeSlack) -> None:
    answer = command(bot_server, slack_api, "please record something nice")
    assert answer["response_type"] == "ephemeral"
    assert "/record live/stream001" in answer["text"]


def test_help_is_private_and_lists_examples(bot_server: BotServer, slack_api: FakeSlack) -> None:
    answer = command(bot_server, slack_api, "help")
    assert answer["response_type"] == "ephemeral"
    assert "`/record live/stream001" in answer["text"]


def test_dry_run_shows_the_request_with_secrets_masked_and_sends_nothing(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    answer = command(bot_server, slack_api, "live/dry1 tomorrow 15:00 to 15:30 on volc dry-run")
    text = json.dumps(answer)
    assert answer["response_type"] == "ephemeral"
    assert "CreatePullRecordTask" in text
    assert "Nothing was sent" in text
    assert TEST_CREDENTIALS["VOLCENGINE_SECRET_KEY"] not in text
    assert [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == "dry1"] == []


def test_record_without_text_opens_the_form(bot_server: BotServer, slack_api: FakeSlack) -> None:
    body = slash_command_body(
        command="/record",
        text="",
        user=REQUESTER,
        channel="CFORM",
        response_url=slack_api.response_url("form"),
        trigger_id="trigger-form",
    )
    assert bot_server.form(body).status_code == 200
    view = slack_api.wait_for("views.open", trigger_id="trigger-form")[0].params["view"]
    assert [b["block_id"] for b in view["blocks"]] == ["provider", "target", "start", "end", "options"]


def test_the_form_becomes_a_card_in_the_channel(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CFORMPOST")
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)
    values = {
        "provider": {"provider": {"type": "static_select", "selected_option": {"value": "volc"}}},
        "target": {"target": {"type": "plain_text_input", "value": "live/form1"}},
        "start": {"start": {"type": "datetimepicker", "selected_date_time": int(start.timestamp())}},
        "end": {"end": {"type": "datetimepicker", "selected_date_time": int((start + timedelta(hours=1)).timestamp())}},
        "options": {"options": {"type": "plain_text_input", "value": None}},
    }
    payload = {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": REQUESTER, "team_id": "T1"},
        "api_app_id": "A1",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "schedule_modal",
            "private_metadata": json.dumps({"kind": "record", "channel": channel}),
            "state": {"values": values},
        },
    }
    response = bot_server.form(urlencode({"payload": json.dumps(payload)}).encode())
    assert response.status_code == 200
    assert response.text in ("", "{}")  # closes the form
    card = slack_api.wait_for("chat.postMessage", channel=channel)[0].params
    assert "Record live/form1 on Volcengine?" in json.dumps(card)
    assert f"<!date^{int(start.timestamp())}^" in json.dumps(card)


def test_a_mention_answers_in_its_thread_once_even_when_slack_retries(
    bot_server: BotServer, slack_api: FakeSlack
) -> None:
    channel = unique("CMENTION")
    body = app_mention_body(
        event_id="Ev0001",
        user=REQUESTER,
        channel=channel,
        text="<@UBOT> record live/men1 tomorrow 15:00 to 15:30 on volc",
        ts="1800000010.000100",
        thread_ts="1800000009.000100",
    )
    assert bot_server.event(body).status_code == 200
    assert bot_server.event(body).status_code == 200  # Slack's retry of the same event
    card = slack_api.wait_for("chat.postMessage", channel=channel)[0]
    assert card.params["thread_ts"] == "1800000009.000100"
    assert "Record live/men1 on Volcengine?" in json.dumps(card.params)
    time.sleep(0.5)
    assert len(slack_api.calls_to("chat.postMessage", channel=channel)) == 1


def test_permission_rules_use_slack_user_groups(bot_server: BotServer, slack_api: FakeSlack) -> None:
    denied = command(bot_server, slack_api, "dev1/0 tomorrow 15:00 to 16:00 on trro", user=REQUESTER)
    assert denied["response_type"] == "ephemeral"
    assert "<!subteam^SROBOTS>" in denied["text"]
    allowed = command(bot_server, slack_api, "dev1/0 tomorrow 15:00 to 16:00 on trro", user=OTHER)
    assert allowed["response_type"] == "in_channel"
    assert "dev1/0" in allowed["blocks"][0]["text"]["text"]


def test_relay_gets_its_own_card(bot_server: BotServer, slack_api: FakeSlack) -> None:
    body = slash_command_body(
        command="/relay",
        text="live/relay1 from rtmp://src.example.com/live/x tomorrow 09:00 to 10:00 on volc",
        user=REQUESTER,
        channel="CRELAY",
        response_url=slack_api.response_url("relay"),
    )
    card = bot_server.form(body).json()
    assert card["response_type"] == "in_channel", card
    assert card["blocks"][0]["text"]["text"] == "Relay into live/relay1 on Volcengine?"
    assert "rtmp://src.example.com/live/x" in json.dumps(card)


def test_list_and_cancel_by_task_id_from_the_command(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream, channel, ts = unique("listed"), unique("CLIST"), "1800000013.000100"
    request_id = schedule(bot_server, slack_api, stream, channel)
    click(bot_server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts)
    thread_replies(slack_api, channel, ts)
    task_id = next(t for t, v in provider_fakes.volc.tasks.items() if v.get("Stream") == stream)
    listing = command(bot_server, slack_api, "list", channel=channel)
    assert listing["response_type"] == "ephemeral"
    assert request_id in listing["text"] and task_id in listing["text"]
    answer = command(bot_server, slack_api, f"cancel {task_id}", channel=channel)
    assert answer["response_type"] == "ephemeral"
    assert request_id in answer["text"]
    stopped = thread_replies(slack_api, channel, ts, 2)[1]
    assert f"cancelled TaskId `{task_id}`" in stopped.shown
    assert [c.params.get("TaskId") for c in provider_fakes.volc.calls_to("StopPullRecordTask")].count(task_id) == 1


def test_every_startup_problem_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text('[bot]\ntimezone = "Mars/Base"\n', encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_CONFIG": str(tmp_path / "bot.toml"),
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "PORT": "eighty",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 2
    for needle in ("SLACK_SIGNING_SECRET", "PORT", "timezone"):
        assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_without_a_subcommand_the_app_token_selects_socket_mode(tmp_path: Path, slack_api: FakeSlack) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_APP_TOKEN": "xapp-refused-by-the-fake",
        "SLACK_API_URL": slack_api.api_url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 2
    assert "SLACK_APP_TOKEN: Slack refused to open a Socket Mode connection" in result.stderr
    opened = [c for c in slack_api.calls if c.method == "apps.connections.open"]
    assert opened and opened[-1].headers["authorization"] == "Bearer xapp-refused-by-the-fake"
    assert "xapp-refused-by-the-fake" not in result.stderr + result.stdout


def test_a_command_written_in_chinese_gets_a_chinese_card(bot_server: BotServer, slack_api: FakeSlack) -> None:
    card = command(bot_server, slack_api, "live/zh2 明天下午3点到4点 on volc", user=REQUESTER)
    assert card["response_type"] == "in_channel"
    assert card["blocks"][0]["text"]["text"] == "在火山引擎录制 live/zh2？"
    assert "15:00 – 16:00（Asia/Shanghai）" in json.dumps(card, ensure_ascii=False)
