"""Slack-side faults end to end through the real ``python -m bot serve`` process: Slack's Web API answering 429 or 5xx
while the bot reports an outcome, and requests whose payload misses fields or has them in the wrong type.

An outcome is never lost: a rate-limited or failing ``chat.postMessage`` is retried, and when Slack keeps failing the
thread reply goes through the click's ``response_url`` instead; a card update that cannot go through the
``response_url`` goes through ``chat.update``. A malformed request gets a 200 with an explanation or a clean 4xx —
never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.faults_support import leaked_lines, replayable_lines, start_server, submit, text_of
from tests.fixtures_slack import REQUESTER, unique

RECORD = "{stream} tomorrow 15:00 to 15:30 on volc"


@pytest.fixture(scope="module")
def server(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotServer]:
    bot = start_server(tmp_path_factory.mktemp("slack-faults"), slack_api, provider_fakes)
    yield bot
    bot.stop()
    assert leaked_lines(bot) == []
    assert replayable_lines(bot) == []


# --- Slack's Web API failing while the bot reports ---------------------------------------------------------------


def attempts(slack: FakeSlack, method: str, **match: Any) -> list[int]:
    """Status codes of every call of ``method`` (failed ones too) whose params include ``match``."""
    return [
        c.status
        for c in list(slack.calls)
        if c.method == method and all(c.params.get(k) == v for k, v in match.items())
    ]


def test_post_message_rate_limited_twice_is_retried_and_delivered(server: BotServer, slack_api: FakeSlack) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=1, times=2)
    submission = submit(server, slack_api, RECORD, stream=f"live/{unique('s429')}")
    reply = submission.thread(slack_api)[0]
    assert "TaskId" in text_of(reply)
    assert attempts(slack_api, "chat.postMessage", channel=submission.channel) == [429, 429, 200]


def test_post_message_server_error_is_retried_and_delivered(server: BotServer, slack_api: FakeSlack) -> None:
    slack_api.fail_next("chat.postMessage", status=503)
    submission = submit(server, slack_api, RECORD, stream=f"live/{unique('s503')}")
    assert "TaskId" in text_of(submission.thread(slack_api)[0])
    assert attempts(slack_api, "chat.postMessage", channel=submission.channel) == [503, 200]


def test_when_post_message_keeps_failing_the_reply_goes_through_the_response_url(
    server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    slack_api.fail_next("chat.postMessage", status=500, times=3)  # the first try and both retries
    submission = submit(server, slack_api, RECORD, stream=f"live/{unique('s500')}")
    replies = submission.thread(slack_api)
    assert len(replies) == 1
    assert replies[0].method.startswith("response_url:")
    assert replies[0].params["response_type"] == "in_channel"
    assert replies[0].params.get("replace_original") is False  # the card itself stays
    assert "TaskId" in text_of(replies[0])
    assert "Scheduled" in submission.final_state(slack_api)
    assert len([t for t in provider_fakes.volc.tasks.values() if t["Stream"] == submission.stream[5:]]) == 1


def test_when_the_response_url_fails_the_card_is_updated_with_chat_update(
    server: BotServer, slack_api: FakeSlack
) -> None:
    token = unique("rurl")
    slack_api.fail_next(f"response_url:{token}", status=500, times=12)  # every post to the click's response_url
    submission = submit(server, slack_api, RECORD, stream=f"live/{unique('rurl')}", token=token)
    assert "Scheduled" in submission.final_state(slack_api)
    assert slack_api.calls_to("chat.update", channel=submission.channel, ts=submission.card_ts)
    assert "TaskId" in text_of(submission.thread(slack_api)[0])
    assert [line for line in server.log if token in line] == []  # slack_sdk logs each retry's URL at INFO


# --- malformed requests ---------------------------------------------------------------------------------------------


def slash_form(**changes: Any) -> bytes:
    fields: dict[str, Any] = {
        "command": "/record", "text": "live/x tomorrow 15:00 to 15:30 on volc", "user_id": REQUESTER,
        "channel_id": "CMALFORMED", "response_url": "http://127.0.0.1:9/r", "trigger_id": "t", "team_id": "T1",
    }  # fmt: skip
    for key, value in changes.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    return urlencode(fields).encode()


def click_form(**changes: Any) -> bytes:
    payload: dict[str, Any] = {
        "type": "block_actions", "user": {"id": REQUESTER}, "channel": {"id": "CMALFORMED"},
        "container": {"message_ts": "1.2", "channel_id": "CMALFORMED"}, "response_url": "http://127.0.0.1:9/x",
        "trigger_id": "t", "actions": [{"action_id": "request_confirm", "value": "rabcdef", "type": "button"}],
    }  # fmt: skip
    for key, value in changes.items():
        if value is None:
            payload.pop(key, None)
        else:
            payload[key] = value
    return urlencode({"payload": json.dumps(payload)}).encode()


def event_json(event: dict[str, Any] | None, **changes: Any) -> bytes:
    body: dict[str, Any] = {"type": "event_callback", "event_id": unique("Ev"), "team_id": "T1", "api_app_id": "A1"}
    if event is not None:
        body["event"] = event
    body.update(changes)
    return json.dumps(body).encode()


MENTION = {"type": "app_mention", "user": REQUESTER, "channel": "CMALFORMED", "ts": "1.1", "text": "<@UBOT> help"}
FORMS = {
    "slash command without user_id": slash_form(user_id=None),
    "slash command without command": slash_form(command=None),
    "slash command without text": slash_form(text=None),
    "slash command without channel_id": slash_form(channel_id=None),
    "slash command without response_url": slash_form(response_url=None),
    "slash command with empty text and no trigger_id": slash_form(text="", trigger_id=None),
    "unknown slash command": slash_form(command="/nope"),
    "empty form": b"",
    "click without user": click_form(user=None),
    "click with user as a string": click_form(user=REQUESTER),
    "click without actions": click_form(actions=None),
    "click with empty actions": click_form(actions=[]),
    "click with actions as a string": click_form(actions="request_confirm"),
    "click with a number as value": click_form(actions=[{"action_id": "request_confirm", "value": 5}]),
    "click without value": click_form(actions=[{"action_id": "request_confirm"}]),
    "click without channel or container": click_form(channel=None, container=None),
    "click without type": click_form(type=None),
    "payload that is not JSON": urlencode({"payload": "{not json"}).encode(),
    "payload that is a JSON list": urlencode({"payload": "[1, 2]"}).encode(),
    "modal submission without state": urlencode(
        {"payload": json.dumps({"type": "view_submission", "user": {"id": REQUESTER}, "view": {"callback_id": "x"}})}
    ).encode(),
}
EVENTS = {
    "event callback without event": event_json(None),
    "mention without text": event_json({k: v for k, v in MENTION.items() if k != "text"}),
    "mention with a number as text": event_json({**MENTION, "text": 5}),
    "mention without user": event_json({k: v for k, v in MENTION.items() if k != "user"}),
    "JSON list": b"[1]",
    "not JSON": b"{nope",
}


@pytest.mark.parametrize("name", list(FORMS) + list(EVENTS))
def test_a_malformed_request_gets_200_or_a_clean_4xx_never_a_500(name: str, server: BotServer) -> None:
    answer = server.form(FORMS[name]) if name in FORMS else server.event(EVENTS[name])
    assert answer.status_code in (200, 400, 404), (answer.status_code, answer.text)
    assert "Internal Server Error" not in answer.text
    if answer.status_code == 200 and answer.text:
        body = json.loads(answer.text)  # an explanation or a card, never an HTML page
        assert isinstance(body, dict)
        assert body.get("text")


def test_bodies_bolt_cannot_read_are_a_clean_400(server: BotServer) -> None:
    for body in (FORMS["payload that is not JSON"], FORMS["payload that is a JSON list"]):
        answer = server.form(body)
        assert (answer.status_code, answer.text) == (400, "Bad Request")
    assert server.form(FORMS["slash command without user_id"]).status_code == 400
