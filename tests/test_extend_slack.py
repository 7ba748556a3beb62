"""Extend end to end, through signed Slack requests to one real ``serve`` process (SQLite) and the fake providers: the
+15 min button and ``/record extend`` / ``延长`` give contiguous follow-on tasks, the card says "Extended to … by …",
the thread says how, and only the requester or someone with ``cancel_any`` may extend. A Volcengine recording extended
while it records gets its follow-on when it ends (one task per stream at a time)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.store import SqlRequestStore, open_store
from tests.durable_support import (
    QUICK_BOT,
    buttons,
    dumps,
    press,
    request_id_of,
    response_posts,
    server_env,
    slash,
    start_server,
    until,
    wait_thread,
)
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import OTHER, REQUESTER, unique

OPS = "UOPSDAVE"  # in user group SOPS, which may cancel (and so extend) anyone's requests
_stamps = itertools.count(1)


@dataclass
class Bot:
    server: BotServer
    store: SqlRequestStore


@pytest.fixture(scope="module")
def bot(slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    slack_api.set_user(OPS)
    slack_api.groups["SOPS"] = [OPS]
    home: Path = tmp_path_factory.mktemp("extend")
    env = server_env(home, slack_api, provider_fakes, QUICK_BOT + '[permissions]\ncancel_any = ["SOPS"]\n')
    server = start_server(env, home)
    store = open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False)
    yield Bot(server, store)
    server.stop()
    store.engine.dispose()


def local_end(bot: Bot, request_id: str) -> datetime:
    stored = bot.store.get(request_id)
    assert stored is not None and stored.request.window is not None
    return stored.request.window.end


def hhmm(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")


def test_the_button_and_the_command_extend_with_contiguous_follow_ons(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CEXT")
    card = slash(bot.server, slack_api, "live/ext1 tomorrow 15:00 to 15:30 on volc", user=REQUESTER, channel=channel)
    request_id, ts = request_id_of(card), f"18200000{next(_stamps):02d}.000100"
    token = press(bot.server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    wait_thread(slack_api, channel, ts, "TaskId")
    scheduled = until(lambda: [p for p in response_posts(slack_api, token) if "Scheduled" in dumps(p.params)],
                      what="the scheduled card")  # fmt: skip
    shown = [action for action, value in buttons(scheduled[-1].params) if value == request_id]
    assert shown == ["task_cancel", "task_extend_15", "task_extend_30", "task_extend_60"]
    first_end = local_end(bot, request_id)

    # +15 min: the clicker is told, the thread says how, the card says who and until when
    click = press(bot.server, slack_api, "task_extend_15", request_id, user=REQUESTER, channel=channel)
    said = dumps(slack_api.wait_for(f"response_url:{click}")[0].params)
    assert f"Extending request {request_id} to {hhmm(first_end + timedelta(minutes=15))}" in said
    line = wait_thread(slack_api, channel, ts, "follow-on task")
    assert f"extended it to {hhmm(first_end + timedelta(minutes=15))}" in line
    until(lambda: [p for p in response_posts(slack_api, token)
                   if f"Extended to {hhmm(first_end + timedelta(minutes=15))} by <@{REQUESTER}>" in dumps(p.params)],
          what="the card saying who extended it")  # fmt: skip

    # the command, in Chinese, by someone with cancel_any: the requester is mentioned
    answer = slash(bot.server, slack_api, f"延长 {request_id} 半小时", user=OPS, channel=channel)
    assert hhmm(first_end + timedelta(minutes=45)) in dumps(answer)
    until(lambda: local_end(bot, request_id) == first_end + timedelta(minutes=45), what="the new end")
    mention = wait_thread(slack_api, channel, ts, hhmm(first_end + timedelta(minutes=45)))
    assert f"<@{OPS}>" in mention and f"<@{REQUESTER}>" in mention

    creates = [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params["Stream"] == "ext1"]
    until(lambda: len([c for c in provider_fakes.volc.calls_to("CreatePullRecordTask")
                       if c.params["Stream"] == "ext1"]) == 3, what="three tasks")  # fmt: skip
    creates = [c for c in provider_fakes.volc.calls_to("CreatePullRecordTask") if c.params["Stream"] == "ext1"]
    spans = [
        (datetime.fromisoformat(c.params["StartTime"]), datetime.fromisoformat(c.params["EndTime"])) for c in creates
    ]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans)), spans  # no gap, no overlap
    assert spans[-1][1] == first_end + timedelta(minutes=45)


def test_only_the_requester_or_cancel_any_may_extend_and_bad_durations_get_an_example(
    bot: Bot, slack_api: FakeSlack
) -> None:
    channel = unique("CEXT")
    card = slash(bot.server, slack_api, "live/ext2 tomorrow 10:00 to 10:30 on volc", user=REQUESTER, channel=channel)
    request_id = request_id_of(card)
    press(bot.server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel)
    until(lambda: (bot.store.get(request_id) or card) and bot.store.get(request_id).task_id, what="a TaskId")  # type: ignore[union-attr]
    end = local_end(bot, request_id)
    refused = slash(bot.server, slack_api, f"extend {request_id} 30m", user=OTHER, channel=channel)
    assert f"<@{REQUESTER}>" in dumps(refused) and "<!subteam^SOPS>" in dumps(refused)
    click = press(bot.server, slack_api, "task_extend_60", request_id, user=OTHER, channel=channel)
    assert "<!subteam^SOPS>" in dumps(slack_api.wait_for(f"response_url:{click}")[0].params)
    assert local_end(bot, request_id) == end
    unclear = slash(bot.server, slack_api, f"extend {request_id} a bit", user=REQUESTER, channel=channel)
    assert "“a bit”" in dumps(unclear) and f"/record extend {request_id} 30m" in dumps(unclear)


def test_an_overlapping_volc_card_offers_extending_the_existing_one_and_its_button_does_it(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CEXT")
    card = slash(bot.server, slack_api, "live/ext3 tomorrow 11:00 to 11:30 on volc", user=REQUESTER, channel=channel)
    existing = request_id_of(card)
    press(bot.server, slack_api, "request_confirm", existing, user=REQUESTER, channel=channel)
    until(lambda: (bot.store.get(existing) or card) and bot.store.get(existing).task_id, what="a TaskId")  # type: ignore[union-attr]
    token = unique("cmd")
    shown = slash(bot.server, slack_api, "live/ext3 tomorrow 11:15 to 12:00 on volc", user=REQUESTER, channel=channel,
                  token=token)  # fmt: skip
    assert "already records" not in dumps(shown)  # read after the acknowledgement, then the card is redrawn
    redrawn = slack_api.wait_for(f"response_url:{token}")[0].params
    assert redrawn["replace_original"] is True
    assert f"<@{REQUESTER}> already records `live/ext3` 11:00–11:30 (`{existing}`)" in dumps(redrawn)
    second = {"blocks": redrawn["blocks"]}
    offered = [(a, v) for a, v in buttons(second)]
    assert [a for a, _ in offered] == ["overlap_extend", "request_cancel"]
    proposed = offered[1][1]
    click = press(bot.server, slack_api, "overlap_extend", offered[0][1], user=REQUESTER, channel=channel)
    until(lambda: [c for c in response_posts(slack_api, click) if f"Extending request {existing} to 12:00" in dumps(c.params)],
          what="the clicker told")  # fmt: skip
    until(lambda: hhmm(local_end(bot, existing)) == "12:00", what="the existing request extended")
    until(lambda: str(bot.store.get(proposed).state) == "cancelled", what="the proposal cancelled")  # type: ignore[union-attr]
    until(lambda: len([c for c in provider_fakes.volc.calls_to("CreatePullRecordTask")
                       if c.params["Stream"] == "ext3"]) == 2, what="the follow-on")  # fmt: skip


def test_extending_a_volc_recording_while_it_records_creates_the_follow_on_when_it_ends(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    channel = unique("CEXTEND")
    card = slash(bot.server, slack_api, "live/extnow in 2 seconds for 4 seconds on volc", user=REQUESTER,
                 channel=channel)  # fmt: skip
    request_id, ts = request_id_of(card), f"18200000{next(_stamps):02d}.000100"
    press(bot.server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    wait_thread(slack_api, channel, ts, "TaskId")
    end = local_end(bot, request_id)
    slash(bot.server, slack_api, f"extend {request_id} 15m", user=REQUESTER, channel=channel)
    said = wait_thread(slack_api, channel, ts, "when the current one ends")
    assert f"follow-on task at {hhmm(end)}" in said  # one task per stream at a time: not now, at the end

    def creates() -> list[dict[str, object]]:
        return [dict(c.params) | {"outcome": c.outcome} for c in provider_fakes.volc.calls_to("CreatePullRecordTask")
                if c.params["Stream"] == "extnow"]  # fmt: skip

    assert len(creates()) == 1
    created = wait_thread(slack_api, channel, ts, "Follow-on task")
    first, second = creates()
    task_ids = [t.task_id for t in bot.store.tasks_of(request_id)]
    assert len(task_ids) == 2 and task_ids[1] in created and second["outcome"] == "ok"
    assert str(second["StartTime"]) >= str(first["EndTime"]) and second["EndTime"] != first["EndTime"]
