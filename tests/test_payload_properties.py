"""Property tests over what Slack can send, through the real ``python -m bot serve`` process: any command text, any
slash-command form, any interaction payload shape. The server never answers 500 and never crashes; a command always
gets a 200 with something to read (a card or an explanation).

The parser alone is covered by :mod:`tests.test_parse_property`; here the whole path is exercised, so example counts
are kept small (each example is an HTTP request).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer, slash_command_body
from tests.faults_support import leaked_lines, start_server
from tests.fixtures_slack import REQUESTER

SERVER_EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
CLEAN = (200, 400, 404)
ACTIONS = ("request_confirm", "request_cancel", "request_retry", "task_cancel", "list_cancel", "unknown_action")
WORDS = ("live/stream001", "from", "to", "15:00", "15:30", "now", "for", "45m", "on", "volc", "tencent", "qcloud",
         "trro", "tomorrow", "dry-run", "help", "list", "cancel", "明天", "下午3点", "到", "录制", "8888_x", "kdev/0")  # fmt: skip


@pytest.fixture(scope="module")
def server(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotServer]:
    bot = start_server(tmp_path_factory.mktemp("properties"), slack_api, provider_fakes)
    yield bot
    bot.stop()
    assert leaked_lines(bot) == []


def readable_answer(server: BotServer, text: str, slack: FakeSlack) -> dict[str, Any]:
    body = slash_command_body(command="/record", text=text, user=REQUESTER, channel="CPROP",
                              response_url=slack.response_url("prop"))  # fmt: skip
    response = server.form(body)
    assert response.status_code == 200, (text, response.status_code, response.text)
    answer: dict[str, Any] = response.json() if response.text else {}
    return answer


command_texts = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join),
)


@SERVER_EXAMPLES
@given(text=command_texts)
def test_any_command_text_gets_a_card_or_an_explanation(server: BotServer, slack_api: FakeSlack, text: str) -> None:
    answer = readable_answer(server, text, slack_api)
    if not text.strip():
        assert answer == {}  # no text: the form opens instead (views.open)
        return
    assert answer["response_type"] in ("in_channel", "ephemeral")
    assert answer["text"].strip()
    if answer["response_type"] == "in_channel":
        assert any(block["type"] == "actions" for block in answer["blocks"])  # a card with its buttons


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)
form_fields = st.dictionaries(
    st.sampled_from(("command", "text", "user_id", "channel_id", "response_url", "trigger_id", "team_id", "extra")),
    st.one_of(st.text(max_size=40), st.sampled_from(("/record", "/relay", REQUESTER, "CPROP", ""))),
)


@SERVER_EXAMPLES
@given(fields=form_fields)
def test_any_slash_command_form_gets_a_clean_answer(server: BotServer, fields: dict[str, str]) -> None:
    response = server.form(urlencode(fields).encode())
    assert response.status_code in CLEAN, (fields, response.status_code, response.text)


def maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``value`` usually, sometimes anything else (wrong type), sometimes missing (see :func:`drop_missing`)."""
    return st.one_of(value, value, json_values, st.just(MISSING))


MISSING = object()


def drop_missing(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if value is not MISSING}


action_shapes = st.fixed_dictionaries(
    {"action_id": maybe(st.sampled_from(ACTIONS)), "value": maybe(st.text(max_size=10)), "type": st.just("button")}
).map(drop_missing)
block_actions = st.fixed_dictionaries(
    {
        "type": maybe(st.just("block_actions")),
        "user": maybe(st.fixed_dictionaries({"id": maybe(st.sampled_from((REQUESTER, "UOTHER")))}).map(drop_missing)),
        "channel": maybe(st.fixed_dictionaries({"id": st.text(max_size=10)})),
        "container": maybe(
            st.fixed_dictionaries({"message_ts": st.text(max_size=10), "channel_id": st.text(max_size=10)})
        ),
        "actions": maybe(st.lists(maybe(action_shapes), max_size=2)),
        "response_url": maybe(st.just("http://127.0.0.1:9/unreachable")),
        "trigger_id": maybe(st.text(max_size=5)),
    }
).map(drop_missing)


@SERVER_EXAMPLES
@given(payload=block_actions)
def test_any_interaction_payload_shape_gets_a_clean_answer(server: BotServer, payload: dict[str, Any]) -> None:
    response = server.form(urlencode({"payload": json.dumps(drop_missing_deep(payload))}).encode())
    assert response.status_code in CLEAN, (payload, response.status_code, response.text)


@SERVER_EXAMPLES
@given(body=json_values)
def test_any_json_event_body_gets_a_clean_answer(server: BotServer, body: Any) -> None:
    response = server.event(json.dumps(body).encode())
    assert response.status_code in CLEAN, (body, response.status_code, response.text)


def drop_missing_deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: drop_missing_deep(v) for k, v in value.items() if v is not MISSING}
    if isinstance(value, list):
        return [drop_missing_deep(v) for v in value if v is not MISSING]
    return value
