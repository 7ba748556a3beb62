"""Cards, thread replies and the Slack plumbing that needs no server: built from hand-made requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.core.model import Note, Options, Schedule, StreamTarget, TaskRequest, Window
from bot.errors import AlreadyRetried, AlreadySettled, BotError, OutcomeUnknown, ProviderError, Retry, TaskNotCreated
from bot.flow import Event, Outcome
from bot.flow.card import describe, format_duration
from bot.lifecycle import CardRef, RequestState, StoredRequest
from bot.recordings import RecordedFile
from bot.slack.app import retry_handlers
from bot.slack.cards import CANCEL, CONFIRM, EXTEND, RETRY, STOP, proposal_card
from bot.slack.mrkdwn import explain
from bot.slack.outcomes import status_card, thread_reply
from bot.slack.replies import SlackNotifier, SlackReplies
from bot.slack.settings import choose_mode, slack_problems
from bot.slack.users import UserDirectory
from providers.base import TaskResult
from tests.fakes.slack import FakeSlack, running_fake_slack

SHANGHAI_15 = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)  # 15:00 in Asia/Shanghai


def stored(state: RequestState = RequestState.PROPOSED, *, lang: str = "en", **changes: Any) -> StoredRequest:
    request = TaskRequest(
        kind="record",
        provider="volc",
        target=StreamTarget("live", "stream001"),
        window=Window(SHANGHAI_15, SHANGHAI_15 + timedelta(minutes=30)),
        options=Options(format="mp4"),
    )
    values: dict[str, Any] = {
        "id": "rabcdef",
        "state": state,
        "request": request,
        "requester": "U1",
        "text": "/record live/stream001 from 15:00 to 15:30 on volc as mp4",
        "timezone": "Asia/Shanghai",
        "lang": lang,
        "created_at": SHANGHAI_15,
        "updated_at": SHANGHAI_15,
        "channel": "C1",
        "card": CardRef(channel="C1", ts="1.2"),
    }
    values.update(changes)
    return StoredRequest(**values)


def all_text(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_proposal_card_shows_the_window_in_the_requesters_zone_and_for_every_viewer() -> None:
    card = proposal_card(stored(), [Note("card.window.permanent")])
    header = card["blocks"][0]
    assert header["type"] == "header"
    assert header["text"]["text"] == "Record live/stream001 on Volcengine?"
    body = all_text(card)
    assert "Sat 21 Nov 2026 15:00 – 15:30 (Asia/Shanghai)" in body
    assert f"<!date^{int(SHANGHAI_15.timestamp())}^" in body
    assert "30 min" in body
    assert "format mp4" in body
    assert "Requested by <@U1>" in body
    assert "permanent (until cancelled)" in body  # the note is shown
    assert card["text"].startswith("Record live/stream001 on Volcengine, Sat 21 Nov 2026 15:00")


def test_proposal_card_buttons_carry_the_request_id_and_only_confirm_is_primary() -> None:
    found = buttons(proposal_card(stored()))
    assert [b["action_id"] for b in found] == [CONFIRM, CANCEL]
    assert {b["value"] for b in found} == {"rabcdef"}
    assert found[0]["style"] == "primary"
    assert "style" not in found[1]


def test_card_speaks_chinese() -> None:
    card = proposal_card(stored(lang="zh-CN"))
    assert card["blocks"][0]["text"]["text"] == "在火山引擎录制 live/stream001？"
    assert "2026年11月21日 周六 15:00 – 15:30（Asia/Shanghai）" in all_text(card)
    assert [b["text"]["text"] for b in buttons(card)] == ["确认", "取消"]


def test_card_escapes_slack_control_characters() -> None:
    request = stored().request
    relay = TaskRequest(
        kind="relay", provider="volc", target=request.target, window=None, sources=("rtmp://a/b<@U9>&y",)
    )
    body = all_text(proposal_card(stored(request=relay)))
    assert "<@U9>" not in body
    assert "&lt;@U9&gt;&amp;y" in body
    assert "permanent" in body


def shown(message: dict[str, Any] | None) -> str:
    """The mrkdwn of a thread reply's first section (what people read in the thread)."""
    assert message is not None
    return str(message["blocks"][0]["text"]["text"])


@pytest.mark.parametrize(
    ("state", "changes", "expected", "actions"),
    [
        (RequestState.CONFIRMED, {"settled_by": "U1"}, "Submitting… (<@U1>)", []),
        (
            RequestState.SCHEDULED,
            {"settled_by": "U1", "task_id": "T-9"},
            "Scheduled · TaskId `T-9` · by <@U1>",
            [STOP, *EXTEND],
        ),
        (RequestState.RUNNING, {"task_id": "T-9"}, "Recording now · since 15:00 · ends 15:30", [STOP, *EXTEND]),
        (RequestState.DONE, {"task_id": "T-9"}, "Finished 15:30", []),
        (RequestState.FAILED, {"error_code": "InvalidParam"}, "Failed · `InvalidParam`", []),
        (RequestState.CANCELLING, {"settled_by": "U2"}, "Cancelling… (<@U2>)", []),
        (RequestState.CANCELLED, {"settled_by": "U2"}, "Cancelled by <@U2>", []),
        (RequestState.RETRIED, {"extra": {"retried_as": "rnew234"}}, "retried as request `rnew234`", []),
    ],
)
def test_status_card_shows_the_state_in_words_with_the_buttons_it_allows(
    state: RequestState, changes: dict[str, Any], expected: str, actions: list[str]
) -> None:
    card = status_card(Outcome(Event.CONFIRMED, stored(state, **changes)))
    assert [b["action_id"] for b in buttons(card)] == actions
    assert expected in all_text(card)
    assert all("confirm" in b for b in buttons(card) if b["action_id"] == STOP)  # destructive: asks first
    assert card["text"]


def test_an_extended_card_says_until_when_and_by_whom_and_a_permanent_relay_has_no_extend_buttons() -> None:
    extended = stored(RequestState.RUNNING, task_id="T-9", extra={"extended_by": "U2"})
    card = status_card(Outcome(Event.EXTENDED, extended, actor="U2"))
    assert "Extended to 15:30 by <@U2>" in all_text(card)
    assert "Extended" not in all_text(status_card(Outcome(Event.STARTED, stored(RequestState.RUNNING))))
    chinese = status_card(
        Outcome(Event.EXTENDED, stored(RequestState.RUNNING, lang="zh-CN", extra={"extended_by": "U2"}))
    )
    assert "已由 <@U2> 延长到 15:30" in all_text(chinese)
    permanent = replace(stored().request, kind="relay", window=None, sources=("rtmp://a/b",))
    relay = status_card(Outcome(Event.STARTED, stored(RequestState.RUNNING, request=permanent, task_id="T-1")))
    assert [b["action_id"] for b in buttons(relay)] == [STOP]


def test_stop_now_and_cancel_task_ask_first_naming_what_stops() -> None:
    running = buttons(status_card(Outcome(Event.STARTED, stored(RequestState.RUNNING, task_id="T-9"))))
    scheduled = buttons(status_card(Outcome(Event.SCHEDULED, stored(RequestState.SCHEDULED, task_id="T-9"))))
    assert running[0]["text"]["text"] == "Stop now" and scheduled[0]["text"]["text"] == "Cancel task"
    for button, title in ((running[0], "Stop it now?"), (scheduled[0], "Cancel this task?")):
        dialog = button["confirm"]
        assert dialog["title"]["text"] == title
        assert "`live/stream001` on Volcengine" in dialog["text"]["text"]


def test_thread_reply_after_success_has_the_task_id_a_cancel_button_and_tells_the_requester() -> None:
    result = TaskResult("volc", "CreatePullRecordTask", "T-9", "req-1")
    reply = thread_reply(Outcome(Event.SCHEDULED, stored(RequestState.SCHEDULED, task_id="T-9"), result=result))
    assert reply is not None
    assert "TaskId `T-9`" in shown(reply) and "RequestId `req-1`" in shown(reply)
    assert shown(reply).endswith("<@U1>")
    assert reply["text"].startswith("Scheduled: live/stream001 on Volcengine, Sat 21 Nov 2026 15:00")
    assert "(TaskId T-9)" in reply["text"] and reply["text"].endswith("<@U1>")
    assert [(b["action_id"], b["value"]) for b in buttons(reply)] == [(a, "rabcdef") for a in (STOP, *EXTEND)]


def test_started_is_said_without_a_mention_and_finished_with_one() -> None:
    started = thread_reply(Outcome(Event.STARTED, stored(RequestState.RUNNING, task_id="T-9")))
    finished = thread_reply(Outcome(Event.FINISHED, stored(RequestState.DONE, task_id="T-9")))
    assert "Recording now on Volcengine: live/stream001, until 15:30." in shown(started)
    assert "<@" not in all_text(started or {})
    assert "Finished: live/stream001 on Volcengine" in shown(finished) and shown(finished).endswith("<@U1>")


def test_thread_reply_offers_retry_only_when_the_provider_surely_did_not_act() -> None:
    limited = ProviderError("volc", "RequestLimitExceeded", "slow down", "req-2", retry=Retry.SAFE)
    refused = ProviderError("volc", "InvalidParam", "bad App", "req-3")
    unknown = OutcomeUnknown("volc", "Timeout", "no answer", None)
    safe = thread_reply(Outcome(Event.FAILED, stored(RequestState.FAILED), error=limited))
    assert [b["action_id"] for b in buttons(safe or {})] == [RETRY]
    assert "RequestLimitExceeded" in shown(safe) and "req-2" in shown(safe)
    assert buttons(thread_reply(Outcome(Event.FAILED, stored(RequestState.FAILED), error=refused)) or {}) == []
    assert buttons(thread_reply(Outcome(Event.UNKNOWN, stored(RequestState.UNKNOWN), error=unknown)) or {}) == []


def test_a_create_the_look_up_did_not_find_fails_with_one_retry_button_and_one_explanation() -> None:
    error = TaskNotCreated("volc", "Timeout", "no answer within 3 s", "req-1")
    outcome = Outcome(Event.FAILED, stored(RequestState.FAILED, error_code="Timeout"), error=error)
    reply = thread_reply(outcome)
    assert [b["action_id"] for b in buttons(reply or {})] == [RETRY]
    assert shown(reply).count("safe to try again") == 1 and "RequestId req-1" in shown(reply)
    assert "Failed · `Timeout`" in status_card(outcome)["text"]


@pytest.mark.parametrize(
    ("state", "event", "error", "card", "button"),
    [
        (RequestState.SCHEDULED, Event.SCHEDULED, None, "Scheduled · TaskId `T-R`", STOP),
        (RequestState.FAILED, Event.FAILED, TaskNotCreated("volc", "NotCreated"), "Failed · `NotCreated`", RETRY),
        (RequestState.UNKNOWN, Event.UNKNOWN, OutcomeUnknown("volc", "Restarted"), "Outcome unknown", None),
    ],
)
def test_after_restart_reconciliation_the_card_is_redrawn_and_the_thread_says_what_was_found(
    state: RequestState, event: Event, error: ProviderError | None, card: str, button: str | None
) -> None:
    said = Note("reconcile.found", (("task_id", "T-R"),))
    task_id = "T-R" if state is RequestState.SCHEDULED else None
    outcome = Outcome(
        event, stored(state, task_id=task_id, error_code=getattr(error, "code", None)), error=error, note=said
    )
    assert card in status_card(outcome)["text"]
    reply = thread_reply(outcome)
    assert shown(reply).startswith(
        "The bot restarted (or its database failed) before it could save Volcengine's answer"
    )
    assert "TaskId T-R" in shown(reply)
    extends = list(EXTEND) if button == STOP else []
    assert [b["action_id"] for b in buttons(reply or {})] == ([button, *extends] if button else [])


def test_durations_read_naturally() -> None:
    assert format_duration(timedelta(minutes=90), "en") == "1 h 30 min"
    assert format_duration(timedelta(days=2, hours=3), "zh-CN") == "2 天 3 小时"
    assert format_duration(timedelta(seconds=20), "en") == "0 min"


def test_card_content_from_a_schedule() -> None:
    schedule = Schedule(request=stored().request, timezone="America/New_York", notes=(), lang="en")
    content = describe(schedule.request, timezone=schedule.timezone, lang="en", requester="<@U1>")
    assert content.window == "Sat 21 Nov 2026 02:00 – 02:30 (America/New_York)"


# --- settings and mode --------------------------------------------------------------------------------------------


def test_mode_is_chosen_by_the_tokens_present() -> None:
    assert choose_mode({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}) == "socket"
    assert choose_mode({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}) == "serve"
    assert choose_mode({"SLACK_SIGNING_SECRET": "s"}) == "console"
    assert choose_mode({}) == "console"


def test_every_slack_setting_problem_is_reported_at_once() -> None:
    settings, problems = slack_problems(
        {"SLACK_BOT_TOKEN": "xoxp-user", "PORT": "http", "SLACK_API_URL": "ftp:x"}, "serve"
    )
    assert settings is None
    joined = "\n".join(problems)
    for needle in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PORT", "SLACK_API_URL"):
        assert needle in joined
    assert "xoxp-user" not in joined


# --- against the fake Web API -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    with running_fake_slack() as server:
        yield server


def test_users_info_gives_zone_and_language_and_is_cached(fake: FakeSlack) -> None:
    fake.set_user("UZH", tz="Asia/Shanghai", locale="zh-CN")
    client = WebClient(token="xoxb-test", base_url=fake.api_url)
    users = UserDirectory(client, default_timezone="UTC")
    first = users.lookup("UZH")
    assert (first.timezone, first.lang, first.known) == ("Asia/Shanghai", "zh-CN", True)
    users.lookup("UZH")
    assert len(fake.calls_to("users.info", user="UZH")) == 1
    missing = users.lookup("UNOBODY")
    assert (missing.timezone, missing.known) == ("UTC", False)


def test_a_429_from_slack_is_retried_after_retry_after(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    replies = SlackReplies(WebClient(token="xoxb-test", base_url=fake.api_url, retry_handlers=retry_handlers()))
    ts = replies.post("C429", {"text": "hello"})
    assert ts is not None
    attempts = [c for c in fake.calls if c.method == "chat.postMessage" and c.params.get("channel") == "C429"]
    assert [c.status for c in attempts] == [429, 200]


def test_channels_the_bot_is_not_in_are_reached_through_the_response_url(fake: FakeSlack) -> None:
    fake.not_in_channel.add("CPRIVATE")
    replies = SlackReplies(WebClient(token="xoxb-test", base_url=fake.api_url))
    replies.reply_in_thread(
        CardRef(channel="CPRIVATE", ts="5.5", response_url=fake.response_url("private")), {"text": "TaskId X"}
    )
    posted = fake.wait_for("response_url:private")[0].params
    assert posted["thread_ts"] == "5.5"
    assert posted["replace_original"] is False
    assert posted["response_type"] == "in_channel"


def test_the_form_reads_as_the_same_command_text_in_the_persons_zone() -> None:
    from bot.slack.modal import command_from_form

    def values(**extra: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "provider": {"provider": {"selected_option": {"value": "volc"}}},
            "target": {"target": {"value": " live/form1 "}},
            "start": {"start": {"selected_date_time": int(SHANGHAI_15.timestamp())}},
            "end": {"end": {"selected_date_time": int(SHANGHAI_15.timestamp()) + 3600}},
            "options": {"options": {"value": "as mp4"}},
        }
        base.update(extra)
        return base

    typed, problems = command_from_form(values(), "Asia/Shanghai")
    assert (typed, problems) == ("live/form1 from 2026-11-21 15:00 to 2026-11-21 16:00 on volc as mp4", {})
    typed, _ = command_from_form(values(), "Europe/London")
    assert "from 2026-11-21 07:00 to 2026-11-21 08:00" in typed
    relay, _ = command_from_form(values(sources={"sources": {"value": "rtmp://a/live/x"}}), "Asia/Shanghai")
    assert relay.startswith("live/form1 from rtmp://a/live/x 2026-11-21 15:00 to")
    _, missing = command_from_form(values(end={"end": {"selected_date_time": None}}), "Asia/Shanghai")
    assert missing == {"end": "slack.modal.missing_time"}


@pytest.mark.parametrize("error", [AlreadySettled("rabcdef", "expired"), AlreadyRetried("rabcdef", "rnew234")])
def test_every_refusal_renders_for_slack_with_values_made_inert(error: BotError) -> None:
    assert "rabcdef" in explain(error, "en") and "`" not in error.params["request"]
    poisoned = ProviderError("volc", "X`<!channel>`", "see <https://evil.example|here> & `", "req`1")
    shown = explain(poisoned, "en")
    assert "<!channel>" not in shown and "<https://evil" not in shown and "&lt;!channel&gt;" in shown
    assert "`<" not in shown and "X`" not in shown  # a backtick from outside never closes a code span


def test_outcomes_reach_the_requester_by_dm_where_the_channel_cannot_be_reached(fake: FakeSlack) -> None:
    fake.not_in_channel.add("CGONE")
    token = "expired-url"
    fake.fail_next(f"response_url:{token}", status=404, times=3)  # past its 30 minutes / 5 uses
    notifier = SlackNotifier(SlackReplies(WebClient(token="xoxb-test", base_url=fake.api_url)))
    card = CardRef(channel="CGONE", ts="7.7", response_url=fake.response_url(token))
    result = TaskResult("volc", "CreatePullRecordTask", "T-DM", "req-dm")
    request = stored(RequestState.SCHEDULED, task_id="T-DM", requester="UDM", card=card)
    notifier.notify(Outcome(Event.SCHEDULED, request, result=result))  # queued: the caller never waits on Slack
    (opened,) = fake.wait_for("conversations.open")
    fake.wait_for("chat.postMessage", channel="DUDM")
    assert opened.params["users"] == "UDM"
    dms = fake.calls_to("chat.postMessage", channel="DUDM")
    assert len(dms) == 1 and "TaskId `T-DM`" in dms[0].shown and "<@UDM>" in dms[0].shown
    said = fake.wait_for("chat.update", 2, where=lambda c: c.params.get("channel") == "CGONE")
    assert "reaches <@UDM> by direct message" in said[-1].shown  # the card says so, once
    notifier._card_says_dm(Outcome(Event.FINISHED, request))  # a later fallback for the same request
    notifier.replies.queue.close()  # sends whatever was queued
    redraws = [c for c in fake.calls if c.method in ("chat.update", f"response_url:{token}") and c.ok]
    assert sum("by direct message" in c.shown for c in redraws) == 1  # said once


def test_a_relay_sources_query_and_credentials_never_reach_the_card() -> None:
    request = stored().request
    relay = TaskRequest(
        kind="relay", provider="volc", target=request.target, window=None,
        sources=("rtmp://src.example.com/live/x?txSecret=abc123&txTime=5f",),
    )  # fmt: skip
    for message in (proposal_card(stored(request=relay)), status_card(Outcome(Event.CONFIRMED, stored(
            RequestState.CONFIRMED, request=relay)))):  # fmt: skip
        shown = all_text(message)
        assert "rtmp://src.example.com/live/x?…" in shown and "abc123" not in shown and "txTime" not in shown


class KeptFiles:
    """A notice book double: where "Recording ready" lives, and the files the store keeps for a request."""

    def __init__(self, files: list[RecordedFile]) -> None:
        self.files = files

    def notice_ts(self, request_id: str) -> str | None:
        return None

    def claim_notice(self, request_id: str) -> bool:
        return True

    def set_notice_ts(self, request_id: str, ts: str | None) -> None:
        return None

    def files_of(self, request_id: str) -> list[RecordedFile]:
        return self.files


def test_a_card_redrawn_when_the_window_ends_still_counts_files_that_came_before(fake: FakeSlack) -> None:
    kept = [RecordedFile(f"f{n}", "volc", None) for n in range(2)]  # split files that arrived while it ran
    notifier = SlackNotifier(SlackReplies(WebClient(token="xoxb-test", base_url=fake.api_url)), KeptFiles(kept))
    card = CardRef(channel="CENDS", ts="8.8")
    notifier.notify(Outcome(Event.FINISHED, stored(RequestState.DONE, task_id="T-E", card=card)))
    notifier.replies.queue.close()
    (redrawn,) = [c for c in fake.calls_to("chat.update") if c.params.get("channel") == "CENDS"]
    assert "Finished 15:30 · 2 files" in redrawn.shown
