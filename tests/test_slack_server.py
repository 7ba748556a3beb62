"""End to end through the real ``python -m bot serve`` process: the card in the ack, Confirm → one provider call →
TaskId in the card's thread, errors explained, settle-once under concurrent clicks, signatures, Slack's 429, and
acknowledgements that stay quick while slow provider calls are in flight (fixtures: :mod:`tests.fixtures_slack`)."""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.fakes.providers import FakeProviders, Fault
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer, slash_command_body
from tests.fixtures_slack import (
    OTHER,
    REQUESTER,
    card_start,
    click,
    command,
    request_id_of,
    schedule,
    thread_replies,
    unique,
)


def test_the_ack_carries_the_card(bot_server: BotServer, slack_api: FakeSlack) -> None:
    card = command(bot_server, slack_api, "live/stream001 tomorrow 15:00 to 15:30 on volc")
    assert card["response_type"] == "in_channel"
    text = json.dumps(card, ensure_ascii=False)
    assert card["blocks"][0]["text"]["text"] == "Record live/stream001 on Volcengine?"
    assert "15:00 – 15:30 (Asia/Shanghai)" in text
    assert "Requested by <@UALICE>" in text
    assert [e["text"]["text"] for e in card["blocks"][-1]["elements"]] == ["Confirm", "Cancel"]
    assert card["text"].startswith("Record live/stream001 on Volcengine")


def test_confirm_calls_the_provider_once_and_puts_the_task_id_in_the_thread(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream, channel, ts = unique("happy"), unique("CHAPPY"), "1800000001.000100"
    card = command(bot_server, slack_api, f"live/{stream} tomorrow 15:00 to 15:30 on volc", channel=channel)
    request_id = request_id_of(card)
    token = unique("confirm")
    assert (
        click(
            bot_server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts, response_token=token
        ).status_code
        == 200
    )

    reply = thread_replies(slack_api, channel, ts)[0]
    calls = [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream]
    assert len(calls) == 1
    params = calls[0].params
    assert (params["App"], params["Domain"]) == ("live", "push.example.com")
    assert params["StreamURL"] == f"http://pull.example.com/live/{stream}.flv"
    start = datetime.fromisoformat(params["StartTime"])
    assert int(start.timestamp()) == card_start(card)
    assert datetime.fromisoformat(params["EndTime"]) - start == timedelta(minutes=30)
    assert start.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M") == "15:00"
    task_id = next(iter(t for t, v in provider_fakes.volc.tasks.items() if v.get("Stream") == stream))
    assert f"TaskId `{task_id}`" in reply.shown
    updates = slack_api.wait_for(f"response_url:{token}", 2)
    assert "Submitting… (<@UALICE>)" in json.dumps(updates[0].params, ensure_ascii=False)
    final = json.dumps(updates[-1].params, ensure_ascii=False)
    assert f"Scheduled · TaskId `{task_id}` · by <@UALICE>" in final
    assert all(u.params["replace_original"] is True for u in updates)


def test_a_provider_error_is_explained_in_the_thread_with_code_and_request_id(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream, channel, ts = unique("broke"), unique("CBROKE"), "1800000002.000100"
    request_id = schedule(bot_server, slack_api, stream, channel)
    provider_fakes.volc.inject(
        Fault.error("RequestForbidden.BillingStatus", "account in arrears", status=403), action="CreatePullRecordTask"
    )
    click(bot_server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts)
    text = thread_replies(slack_api, channel, ts)[0].shown
    assert "RequestForbidden.BillingStatus" in text
    request_ids = re.findall(r"RequestId `?([^`)\s]+)", text)
    assert request_ids and request_ids[0] != "-"


def test_ten_concurrent_confirms_make_one_provider_call(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream, channel, ts = unique("tap"), unique("CTAP"), "1800000003.000100"
    request_id = schedule(bot_server, slack_api, stream, channel)
    with ThreadPoolExecutor(10) as pool:
        answers = list(
            pool.map(
                lambda _: click(bot_server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts),
                range(10),
            )
        )
    assert [a.status_code for a in answers] == [200] * 10
    thread_replies(slack_api, channel, ts)
    time.sleep(0.5)  # let any (wrong) second call arrive before counting
    assert (
        len([c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream]) == 1
    )
    assert len(slack_api.calls_to("chat.postMessage", channel=channel, thread_ts=ts)) == 1


def test_someone_elses_click_is_refused_privately(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream, channel, ts = unique("theirs"), unique("CTHEIRS"), "1800000004.000100"
    request_id = schedule(bot_server, slack_api, stream, channel)
    token = unique("bob")
    click(
        bot_server,
        slack_api,
        "request_confirm",
        request_id,
        user=OTHER,
        channel=channel,
        card_ts=ts,
        response_token=token,
    )
    refusal = slack_api.wait_for(f"response_url:{token}")[0].params
    assert refusal["response_type"] == "ephemeral"
    assert refusal["replace_original"] is False
    assert "Only <@UALICE> can confirm" in refusal["text"]
    assert [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream] == []


def test_cancel_before_confirming_replaces_the_card_and_calls_nobody(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream, channel, ts = unique("nah"), unique("CNAH"), "1800000005.000100"
    request_id = schedule(bot_server, slack_api, stream, channel)
    token = unique("cancel")
    click(bot_server, slack_api, "request_cancel", request_id, channel=channel, card_ts=ts, response_token=token)
    update = slack_api.wait_for(f"response_url:{token}")[0].params
    assert update["replace_original"] is True
    assert "Cancelled by <@UALICE>" in json.dumps(update, ensure_ascii=False)
    assert not any(b["type"] == "actions" for b in update["blocks"])
    click(
        bot_server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts
    )  # too late: nothing happens
    time.sleep(0.3)
    assert [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream] == []


def test_cancel_task_in_the_thread_stops_it_at_the_provider(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream, channel, ts = unique("stop"), unique("CSTOP"), "1800000006.000100"
    request_id = schedule(bot_server, slack_api, stream, channel)
    click(bot_server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts)
    reply = thread_replies(slack_api, channel, ts)[0]
    stop = next(e for b in reply.params["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert stop["action_id"] == "task_cancel"
    click(
        bot_server, slack_api, "task_cancel", stop["value"], channel=channel, card_ts="1800000006.000200", thread_ts=ts
    )
    second = thread_replies(slack_api, channel, ts, 2)[1]
    assert "cancelled TaskId" in second.shown
    assert len(provider_fakes.volc.calls_to("StopPullRecordTask")) >= 1


def test_unsigned_and_stale_requests_are_refused(bot_server: BotServer, slack_api: FakeSlack) -> None:
    body = slash_command_body(
        command="/record", text="help", user=REQUESTER, channel="CX", response_url=slack_api.response_url("x")
    )
    assert bot_server.form(body, signed=False).status_code == 401
    assert bot_server.form(body, timestamp=int(time.time()) - 6 * 60).status_code == 401
    assert bot_server.form(body).status_code == 200


def test_a_429_from_slack_is_retried(bot_server: BotServer, slack_api: FakeSlack) -> None:
    stream, channel, ts = unique("busy"), unique("CBUSY"), "1800000011.000100"
    request_id = schedule(bot_server, slack_api, stream, channel)
    slack_api.fail_next("chat.postMessage", status=429, retry_after=1)
    click(bot_server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts)
    thread_replies(slack_api, channel, ts)
    attempts = [c for c in slack_api.calls if c.method == "chat.postMessage" and c.params.get("channel") == channel]
    assert [c.status for c in attempts] == [429, 200]


def test_acks_stay_fast_while_twenty_slow_provider_calls_are_in_flight(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CSLOW")
    streams = [unique("slow") for _ in range(20)]
    ids = [schedule(bot_server, slack_api, stream, channel) for stream in streams]
    provider_fakes.volc.inject(Fault.delay(5), action="CreatePullRecordTask", times=20)
    cards = {request_id: f"18000001{i:02d}.000100" for i, request_id in enumerate(ids)}
    with ThreadPoolExecutor(20) as pool:
        clicks = list(
            pool.map(
                lambda rid: click(bot_server, slack_api, "request_confirm", rid, channel=channel, card_ts=cards[rid]),
                ids,
            )
        )
    assert [c.status_code for c in clicks] == [200] * 20
    # While the provider is still working on them, other people's commands are answered with their card.
    during = command(
        bot_server, slack_api, "live/other1 tomorrow 15:00 to 15:30 on volc", user=OTHER, channel=unique("COTHER")
    )
    finished = len(slack_api.calls_to("chat.postMessage", channel=channel))
    assert during["response_type"] == "in_channel"
    assert finished < 20, "the slow calls should still be in flight"
    replies = slack_api.wait_for("chat.postMessage", 20, channel=channel, timeout=60)
    assert all("TaskId" in r.shown for r in replies)


def test_in_a_channel_the_bot_is_not_in_the_thread_reply_goes_through_the_response_url(
    bot_server: BotServer, slack_api: FakeSlack
) -> None:
    stream, channel, ts = unique("priv"), unique("GPRIVATE"), "1800000012.000100"
    slack_api.not_in_channel.add(channel)
    request_id = schedule(bot_server, slack_api, stream, channel)
    token = unique("private")
    click(bot_server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts, response_token=token)
    posts = slack_api.wait_for(f"response_url:{token}", 3)
    in_thread = [p.params for p in posts if p.params.get("thread_ts") == ts]
    assert len(in_thread) == 1
    assert in_thread[0]["response_type"] == "in_channel"
    assert "TaskId" in in_thread[0]["text"]


def test_stopping_the_server_finishes_provider_calls_in_flight(
    bot_server: BotServer, slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path: Path
) -> None:
    env = {**bot_server.env, "BOT_DATA_DIR": str(tmp_path / "data")}
    second = BotServer(env, signing_secret=bot_server.signing_secret, cwd=str(tmp_path)).start()
    try:
        stream, channel, ts = unique("sigterm"), unique("CSIGTERM"), "1800000014.000100"
        request_id = schedule(second, slack_api, stream, channel)
        provider_fakes.volc.inject(Fault.delay(2), action="CreatePullRecordTask")
        click(second, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts)
        deadline = time.monotonic() + 20
        while not [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream]:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        second.stop()  # SIGTERM while the provider is still answering
    assert "TaskId" in thread_replies(slack_api, channel, ts)[0].shown
