"""Whatever a provider puts in its fields (codes, messages, TaskIds, RequestIds) and whatever a person typed, nothing
the bot posts (blocks and ``text``) carries a broadcast, a foreign mention or a foreign link, and no value breaks out
of a code span: the renderer (:mod:`bot.slack.mrkdwn`, :mod:`bot.slack.outcomes`) makes every outside value inert."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.model import StreamTarget, TaskRequest, Window
from bot.errors import OutcomeUnknown, ProviderError, Retry
from bot.flow import Event, Outcome
from bot.lifecycle import CardRef, RequestState, StoredRequest
from bot.slack.cards import list_message, plain_message
from bot.slack.mrkdwn import explain, sentence
from bot.slack.outcomes import status_card, thread_reply
from providers.base import TaskResult

REQUESTER = "UREQ1"
START = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)
#: The pieces an attacker would reach for.
HOSTILE = st.sampled_from(
    ["<!channel>", "<!here>", "<!everyone>", "<@UEVIL>", "<!subteam^SEVIL>", "<https://evil.example|click>",
     "<mailto:x@evil.example>", "`", "```", "&lt;!channel&gt;", "&", "<", ">", "*", "_", "~", "|", "\n"]
)  # fmt: skip
FIELD = st.lists(st.one_of(HOSTILE, st.text(max_size=8)), max_size=6).map("".join)
#: Sequences only the bot's own renderer may produce, and only for the people it means.
FORBIDDEN = re.compile(r"<!(?:channel|here|everyone)|<!subteam|<@(?!UREQ1>|USTOP1>)|<(?:https?|mailto):(?!//fake)")


def stored(state: RequestState, **changes: Any) -> StoredRequest:
    request = TaskRequest("record", "volc", StreamTarget("live", "s1"), Window(START, START + timedelta(minutes=30)))
    values: dict[str, Any] = {
        "id": "rabcdef", "state": state, "request": request, "requester": REQUESTER, "text": "/record …",
        "timezone": "Asia/Shanghai", "lang": "en", "created_at": START, "updated_at": START, "channel": "C1",
        "card": CardRef(channel="C1", ts="1.1"), "settled_by": "USTOP1",
    }  # fmt: skip
    values.update(changes)
    return StoredRequest(**values)


def posted(message: dict[str, Any] | None) -> list[str]:
    """Every string Slack would render from ``message``: ``text`` and every text in its blocks."""
    if message is None:
        return []
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == "text" and isinstance(inner, str):
                    found.append(inner)
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(message)
    return found


def assert_inert(message: dict[str, Any] | None) -> None:
    for shown in posted(message):
        assert not FORBIDDEN.search(shown), shown
        assert shown.count("`") % 2 == 0, shown  # the bot's own code spans stay paired: no value closed one early


@settings(max_examples=150, deadline=None)
@given(code=FIELD, message=FIELD, task_id=FIELD, request_id=FIELD)
def test_provider_fields_never_become_mentions_links_or_broadcasts(
    code: str, message: str, task_id: str, request_id: str
) -> None:
    error = ProviderError("volc", code or "X", message, request_id or None, retry=Retry.SAFE)
    unclear = OutcomeUnknown("volc", code or "X", message, request_id or None)
    result = TaskResult("volc", "CreatePullRecordTask", task_id or "T", request_id or None)
    cases = [
        Outcome(Event.SCHEDULED, stored(RequestState.SCHEDULED, task_id=task_id or "T"), result=result),
        Outcome(Event.FAILED, stored(RequestState.FAILED, error_code=code), error=error),
        Outcome(Event.UNKNOWN, stored(RequestState.UNKNOWN, error_code=code), error=unclear),
        Outcome(Event.CANCEL_FAILED, stored(RequestState.RUNNING, task_id=task_id or "T"), error=error),
        Outcome(Event.CANCELLED, stored(RequestState.CANCELLED, task_id=task_id or "T"), result=result, actor="USTOP1"),
        Outcome(Event.FINISHED, stored(RequestState.DONE, task_id=task_id or "T")),
    ]
    for outcome in cases:
        assert_inert(status_card(outcome))
        assert_inert(thread_reply(outcome))
    assert_inert(plain_message(explain(error, "en")))
    listed = [stored(RequestState.FAILED, error_code=code, task_id=task_id or None)]
    assert_inert(list_message(listed, listed, heading="h", recent_heading="r", lang="en"))


@settings(max_examples=100, deadline=None)
@given(typed=FIELD)
def test_what_a_person_typed_is_echoed_inert(typed: str) -> None:
    assert_inert(plain_message(sentence("slack.not_understood", "en", reason=typed)))
