"""Durable requests end to end, through signed Slack requests to one real ``serve`` process (SQLite): list and cancel
on every provider, permissions, the unknown-zone note, notes that survive Confirm, card expiry, the bot's own
scheduler keeping a trro window, and the audit export afterwards."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.lifecycle import RequestState as S
from bot.store import JobStatus, SqlRequestStore, open_store
from bot.store.tables import requests
from tests.durable_support import (
    QUICK_BOT,
    buttons,
    dumps,
    press,
    request_id_of,
    response_posts,
    run_bot,
    server_env,
    slash,
    start_server,
    until,
    wait_state,
    wait_thread,
)
from tests.fakes.providers import FakeProviders, Fault
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import NEW_YORKER, OTHER, REQUESTER, unique

CAROL = "UCAROL"  # may relay permanently
DAVE = "UDAVE"  # in user group SOPS, which may cancel anyone's requests
PERMISSIONS = """
[permissions]
relay_permanent = ["UCAROL"]
cancel_any = ["SOPS"]

[permissions.trro]
record = ["SROBOTS", "UALICE"]
"""
_stamps = itertools.count(1)


@dataclass
class Bot:
    server: BotServer
    store: SqlRequestStore
    env: dict[str, str]
    home: Path


@pytest.fixture(scope="module")
def bot(slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    slack_api.set_user(CAROL)
    slack_api.set_user(DAVE)
    slack_api.groups["SOPS"] = [DAVE]
    home = tmp_path_factory.mktemp("durable")
    env = server_env(home, slack_api, provider_fakes, QUICK_BOT + PERMISSIONS)
    server = start_server(env, home)
    store = open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False)
    yield Bot(server, store, env, home)
    server.stop()
    store.engine.dispose()


def card_ts() -> str:
    return f"18100000{next(_stamps):02d}.000100"


def confirmed(
    bot: Bot, slack_api: FakeSlack, text: str, *, user: str = REQUESTER, channel: str, **kw: str
) -> tuple[str, str, str]:
    """Send a command, click Confirm; returns (request id, card ts, confirm's response token)."""
    card = slash(bot.server, slack_api, text, user=user, channel=channel, **kw)
    assert card["response_type"] == "in_channel", card
    request_id, ts = request_id_of(card), card_ts()
    token = press(bot.server, slack_api, "request_confirm", request_id, user=user, channel=channel, message_ts=ts)
    return request_id, ts, token


def task_of(bot: Bot, request_id: str) -> str:
    def task_id() -> str | None:
        stored = bot.store.get(request_id)
        return stored.task_id if stored is not None else None

    return until(task_id, what=f"a TaskId for {request_id}")


def test_an_unreadable_time_zone_is_named_on_the_card_and_kept_after_confirm(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CZONE")
    ghost = slash(bot.server, slack_api, "live/zone1 tomorrow 15:00 to 15:30 on volc", user="UGHOST", channel=channel)
    assert "couldn't read your Slack time zone, so times are in Asia/Shanghai" in dumps(ghost)
    slack_api.set_user("UMARS", tz="Mars/Olympus_Mons")  # a zone this machine does not know
    martian = slash(bot.server, slack_api, "live/zone3 tomorrow 15:00 to 15:30 on volc", user="UMARS", channel=channel)
    assert "couldn't read your Slack time zone, so times are in Asia/Shanghai" in dumps(martian)
    known = slash(bot.server, slack_api, "live/zone4 tomorrow 15:00 to 15:30 on volc", user=NEW_YORKER, channel=channel)
    assert "(America/New_York)" in dumps(known) and "couldn't read" not in dumps(known)
    # users.info slower than the acknowledgement allows: the card still comes, and says which zone it used
    slack_api.set_user("USLOW", tz="America/New_York")
    slack_api.slow["users.info"] = 2.5
    try:
        slow = slash(bot.server, slack_api, "live/zone2 now for 30m on volc", user="USLOW", channel=channel)
    finally:
        slack_api.slow.clear()
    assert "(Asia/Shanghai)" in dumps(slow) and "(America/New_York)" not in dumps(slow)
    assert "couldn't read your Slack time zone" in dumps(slow) and "Starts now" in dumps(slow)
    request_id, ts, token = confirmed_card(bot, slack_api, slow, user="USLOW", channel=channel)
    wait_thread(slack_api, channel, ts, "TaskId")
    final = until(lambda: [p for p in response_posts(slack_api, token) if "Scheduled" in dumps(p.params)], what="card")
    assert "Starts now" in dumps(final[-1].params)  # the notes survive Confirm
    assert "couldn't read your Slack time zone" in dumps(final[-1].params)
    wait_state(bot.store, request_id, S.RUNNING)  # it starts now: the card follows the window


def confirmed_card(
    bot: Bot, slack_api: FakeSlack, card: dict[str, object], *, user: str, channel: str
) -> tuple[str, str, str]:
    request_id, ts = request_id_of(card), card_ts()
    token = press(bot.server, slack_api, "request_confirm", request_id, user=user, channel=channel, message_ts=ts)
    return request_id, ts, token


def test_list_shows_the_channel_mine_and_failures_and_its_cancel_buttons_work(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel, elsewhere = unique("CLIST"), unique("CELSE")
    scheduled, ts, _ = confirmed(bot, slack_api, "live/l1 tomorrow 15:00 to 15:30 on volc", channel=channel)
    task_id = task_of(bot, scheduled)
    bobs_token = unique("bobcmd")
    bobs = request_id_of(slash(bot.server, slack_api, "live/l2 tomorrow 16:00 to 16:30 on volc", user=OTHER,
                               channel=channel, token=bobs_token))  # fmt: skip
    provider_fakes.volc.inject(Fault.error("InvalidParam.StartTime", status=400), action="CreatePullRecordTask")
    failed, _, _ = confirmed(bot, slack_api, "live/l3 tomorrow 17:00 to 17:30 on volc", channel=channel)
    wait_state(bot.store, failed, S.FAILED)
    mine_elsewhere = request_id_of(slash(bot.server, slack_api, "live/l4 tomorrow 9:00 to 9:30 on volc",
                                         user=REQUESTER, channel=elsewhere))  # fmt: skip

    listing = slash(bot.server, slack_api, "list", user=REQUESTER, channel=channel)
    assert listing["response_type"] == "ephemeral"
    assert buttons(listing) == [("list_cancel", bobs), ("list_cancel", scheduled)]  # newest first; failures: none
    shown = dumps(listing)
    assert f"TaskId `{task_id}`" in shown and "Recent outcomes, last 24 h (1)" in shown and failed in shown
    assert mine_elsewhere not in shown
    mine = slash(bot.server, slack_api, "list mine", user=REQUESTER, channel=channel)
    assert [value for _, value in buttons(mine)] == [mine_elsewhere, scheduled]
    assert bobs not in dumps(mine)

    # Cancel from the list: the requester may; the provider task is stopped and the thread says so
    token = press(bot.server, slack_api, "list_cancel", scheduled, user=REQUESTER, channel=channel)
    assert f"Cancelling {scheduled}" in dumps(slack_api.wait_for(f"response_url:{token}")[0].params)
    assert f"cancelled TaskId `{task_id}`" in wait_thread(slack_api, channel, ts, "cancelled")
    wait_state(bot.store, scheduled, S.CANCELLED)
    stops = [c for c in provider_fakes.volc.calls_to("StopPullRecordTask") if c.params.get("TaskId") == task_id]
    assert len(stops) == 1

    # someone else's card: refused privately, naming who can help; someone with cancel_any (via SOPS) may
    token = press(bot.server, slack_api, "list_cancel", bobs, user=REQUESTER, channel=channel)
    refusal = slack_api.wait_for(f"response_url:{token}")[0].params
    assert refusal["response_type"] == "ephemeral"
    assert "<@UBOB>" in refusal["text"] and "<!subteam^SOPS>" in refusal["text"]
    assert bot.store.get(bobs).state is S.PROPOSED  # type: ignore[union-attr]
    token = press(bot.server, slack_api, "list_cancel", bobs, user=DAVE, channel=channel)
    assert f"Cancelled {bobs}" in dumps(slack_api.wait_for(f"response_url:{token}")[0].params)
    bobs_card = slack_api.wait_for(f"response_url:{bobs_token}")[-1].params
    assert "Cancelled by <@UDAVE>" in dumps(bobs_card) and bobs_card["replace_original"] is True


def test_cancel_stops_the_task_on_every_provider_and_reports_in_the_thread(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CSTOP")
    cases = [  # (command, text, fake, stop action, how it is cancelled)
        ("/record", "live/c1 tomorrow 15:00 to 15:30 on volc", provider_fakes.volc, "StopPullRecordTask", "task"),
        ("/relay", "live/c2 from rtmp://src.example.com/live/in tomorrow 9am to 11am", provider_fakes.volc,
         "DeleteRelaySourceV4", "id"),
        ("/record", "live/c3 tomorrow 9am to 11am on tencent", provider_fakes.tencent, "StopRecordTask", "task"),
        ("/record", "8888_c4 tomorrow 8pm-10pm on qcloud", provider_fakes.qcloud, "Live_Tape_Stop", "id"),
        ("/record", "dev4/0 now for 30m on trro", provider_fakes.trro, "DeleteCloudRecording", "button"),
    ]  # fmt: skip
    started = []
    for command, text, fake, action, how in cases:
        request_id, ts, _ = confirmed(bot, slack_api, text, channel=channel, command=command)
        started.append((request_id, ts, fake, action, how))
    trro_id, trro_ts = started[-1][:2]
    assert "Recording started" in wait_thread(slack_api, channel, trro_ts, "Recording started")
    for request_id, ts, fake, action, how in started:
        task_id = task_of(bot, request_id)
        if how == "button":  # Cancel in the thread, next to the TaskId
            press(bot.server, slack_api, "task_cancel", request_id, user=REQUESTER, channel=channel, message_ts=ts)
        else:
            answer = slash(bot.server, slack_api, f"cancel {task_id if how == 'task' else request_id.upper()}",
                           user=REQUESTER, channel=channel)  # fmt: skip
            assert answer["response_type"] == "ephemeral" and f"Cancelling {request_id}" in answer["text"]
        assert f"cancelled TaskId `{task_id}`" in wait_thread(slack_api, channel, ts, "cancelled")
        wait_state(bot.store, request_id, S.CANCELLED)
        key = '"c2"' if action == "DeleteRelaySourceV4" else task_id  # a relay is deleted by its stream
        stops = [c for c in fake.calls_to(action) if key in json.dumps(c.params)]
        assert len(stops) == 1, (action, fake.calls_to(action))
    jobs = bot.store.jobs.list_jobs(request_id=trro_id)
    assert {(j.kind, j.status) for j in jobs} == {
        ("window.start", JobStatus.DONE),
        ("window.stop", JobStatus.CANCELLED),
    }
    again = slash(bot.server, slack_api, f"cancel {trro_id}", user=REQUESTER, channel=channel)
    assert "already cancelled" in again["text"]


def test_permission_rules_and_help_show_only_what_the_person_may_do(bot: Bot, slack_api: FakeSlack) -> None:
    channel = unique("CPERM")
    forever = "live/p1 from rtmp://src.example.com/live/in permanent"
    refused = slash(bot.server, slack_api, forever, user=REQUESTER, channel=channel, command="/relay")
    assert refused["response_type"] == "ephemeral" and "<@UCAROL>" in refused["text"]
    allowed = slash(bot.server, slack_api, forever, user=CAROL, channel=channel, command="/relay")
    assert allowed["response_type"] == "in_channel"
    assert "permanent" in slash(bot.server, slack_api, "help", user=CAROL, channel=channel, command="/relay")["text"]
    assert (
        "permanent"
        not in slash(bot.server, slack_api, "help", user=REQUESTER, channel=channel, command="/relay")["text"]
    )
    by_group = slash(bot.server, slack_api, "dev7/0 tomorrow 15:00 to 16:00 on trro", user=OTHER, channel=channel)
    assert by_group["response_type"] == "in_channel"  # UBOB is in SROBOTS
    denied = slash(bot.server, slack_api, "dev7/0 tomorrow 15:00 to 16:00 on trro", user=DAVE, channel=channel)
    assert denied["response_type"] == "ephemeral"
    assert "<!subteam^SROBOTS>" in denied["text"] and "<@UALICE>" in denied["text"]
    assert slack_api.calls_to("chat.postMessage", channel=channel) == []  # denials never reach the channel


def test_the_bots_scheduler_starts_and_stops_a_trro_window_and_says_so(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CWIN")
    request_id, ts, _ = confirmed(bot, slack_api, "dev8/0 in 3 seconds for 3 seconds on trro", channel=channel)
    assert "the bot will start the task when the window begins" in wait_thread(slack_api, channel, ts, "window")
    started = wait_thread(slack_api, channel, ts, "Recording started")
    finished = wait_thread(slack_api, channel, ts, "Finished:")
    task_id = bot.store.get(request_id).task_id  # type: ignore[union-attr]
    assert task_id and task_id in started and task_id in finished and "late" not in started
    wait_state(bot.store, request_id, S.DONE)
    creates = [c for c in provider_fakes.trro.calls_to("CreateCloudRecording") if "dev8" in json.dumps(c.params)]
    deletes = [c for c in provider_fakes.trro.calls_to("DeleteCloudRecording") if task_id in json.dumps(c.params)]
    assert (len(creates), len(deletes)) == (1, 1)


def test_a_card_nobody_confirms_expires_and_says_after_how_long(bot: Bot, slack_api: FakeSlack) -> None:
    channel, token = unique("CEXP"), unique("expcmd")
    card = slash(bot.server, slack_api, "live/e1 tomorrow 15:00 to 15:30 on volc", user=REQUESTER, channel=channel,
                 token=token)  # fmt: skip
    request_id = request_id_of(card)
    with bot.store.engine.begin() as connection:  # the card was shown 25 hours ago
        old = bot.store.clock() - timedelta(hours=25)
        connection.execute(sa.update(requests).where(requests.c.id == request_id).values(created_at=old))
    update = until(lambda: [p for p in response_posts(slack_api, token) if "Expired" in dumps(p.params)], what="expiry")
    assert "nobody confirmed within 24 h" in dumps(update[0].params)
    assert update[0].params["replace_original"] is True
    wait_state(bot.store, request_id, S.EXPIRED)
    refusal_token = press(bot.server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel)
    assert "already expired" in dumps(slack_api.wait_for(f"response_url:{refusal_token}")[0].params)


def test_the_audit_export_shows_every_create_cancel_failure_and_denial(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CAUDIT")
    request_id, _, _ = confirmed(bot, slack_api, "live/a1 tomorrow 15:00 to 15:30 on volc", channel=channel)
    task_id = task_of(bot, request_id)
    slash(bot.server, slack_api, f"cancel {task_id}", user=REQUESTER, channel=channel)
    wait_state(bot.store, request_id, S.CANCELLED)
    provider_fakes.volc.inject(Fault.error("InvalidParam.StartTime", status=400), action="CreatePullRecordTask")
    failed, _, _ = confirmed(bot, slack_api, "live/a2 tomorrow 15:00 to 15:30 on volc", channel=channel)
    wait_state(bot.store, failed, S.FAILED)
    slash(bot.server, slack_api, "dev9/0 tomorrow 15:00 to 16:00 on trro", user=DAVE, channel=channel)
    exported = run_bot(bot.env, bot.home, "audit", "--json")
    assert exported.returncode == 0, exported.stderr
    events = [json.loads(line) for line in exported.stdout.splitlines()]
    mine = [e for e in events if e["request_id"] == request_id]
    assert [(e["action"], e["outcome"], e["actor"]) for e in mine] == [
        ("confirm", "ok", REQUESTER),
        ("create", "ok", REQUESTER),
        ("cancel", "requested", REQUESTER),
        ("cancel", "ok", REQUESTER),
    ]
    create = mine[1]
    assert create["channel"] == channel and create["provider"] == "volc" and create["task_id"] == task_id
    assert create["provider_request_id"] and create["raw_text"] == "/record live/a1 tomorrow 15:00 to 15:30 on volc"
    assert create["request"]["target"] == {"app": "live", "stream": "a1"} and create["at"]
    (failure,) = [e for e in events if e["request_id"] == failed and e["action"] == "create"]
    assert (failure["action"], failure["outcome"], failure["actor"]) == ("create", "failed", REQUESTER)
    assert "InvalidParam.StartTime" in failure["detail"] and failure["provider_request_id"]
    denied = [e for e in events if e["action"] == "denied" and e["channel"] == channel]
    assert [(d["actor"], d["provider"]) for d in denied] == [(DAVE, "trro")]
    table = run_bot(bot.env, bot.home, "audit", "--csv")
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert {"at", "actor", "channel", "raw_text", "request", "provider", "action", "task_id", "outcome"} <= set(rows[0])
    assert any(r["request_id"] == request_id and r["action"] == "cancel" for r in rows)
