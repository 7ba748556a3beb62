"""A series end to end through signed Slack requests to the real ``serve`` process (SQLite) and the fake providers:
one card with the rule in words and the next three dates, one Confirm, each occurrence created by the bot's scheduler
and said in the card's thread, ``/record list`` showing one line with the next date, Skip for one date and a Cancel
series dialog that says how many. A TRRO series (a provider that cannot hold a task ahead of its window): each
occurrence's task created at its start and deleted at its end, and cancelling the series deletes the running one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.lifecycle import RequestState as S
from bot.store import JobStatus, SqlRequestStore, open_store
from bot.store.tables import jobs
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
    wait_state,
    wait_thread,
)
from tests.fakes.provider_server import RecordedCall
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer, app_home_opened_body
from tests.fixtures_slack import REQUESTER, unique


@pytest.fixture(scope="module")
def bot(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotServer, SqlRequestStore]]:
    home: Path = tmp_path_factory.mktemp("series")
    server = start_server(server_env(home, slack_api, provider_fakes, QUICK_BOT), home)
    store = open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False)
    yield server, store
    server.stop()
    store.engine.dispose()


def test_a_weekday_series_from_chat_is_one_card_one_confirm_and_one_thread(
    bot: tuple[BotServer, SqlRequestStore], slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    server, store = bot
    channel, ts = unique("CSERIES"), "1830000001.000100"
    card = slash(server, slack_api, "live/news every weekday 09:00 to 10:00 until 2027-01-29 on volc", user=REQUESTER,
                 channel=channel)  # fmt: skip
    shown = dumps(card)
    assert "Repeats on weekdays, 09:00–10:00" in shown and "Next: " in shown and shown.count(" 09:00") >= 3
    request_id = request_id_of(card)
    token = press(server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    planned = wait_thread(slack_api, channel, ts, "Series confirmed")
    stored = wait_state(store, request_id, S.SCHEDULED)
    count = int(planned.split("Series confirmed: ")[1].split(" ")[0])
    creates = [j for j in store.jobs.list_jobs(request_id=request_id) if j.kind == "series.create"]
    assert len(creates) == count > 30
    # make the first two creates due now, as the scheduler would at their time
    with store.engine.begin() as connection:
        connection.execute(
            sa.update(jobs).where(jobs.c.key.in_([j.key for j in creates[:2]])).values(due_at=stored.created_at)
        )
    scheduled = wait_thread(slack_api, channel, ts, "TaskId")
    assert "Scheduled " in scheduled and f"<@{REQUESTER}>" not in scheduled  # no mention for a success
    until(lambda: len([c for c in provider_fakes.volc.calls_to("CreatePullRecordTask")
                       if c.params["Stream"] == "news"]) == 2, what="two occurrences created")  # fmt: skip

    assert server.event(app_home_opened_body(event_id=unique("EvSeries"), user=REQUESTER)).status_code == 200
    home = slack_api.wait_for("views.publish", user_id=REQUESTER)[-1].params["view"]
    assert "repeats on weekdays · next " in str(home)  # the Home tab shows the series as one line too
    listing = dumps(slash(server, slack_api, "list mine", user=REQUESTER, channel=channel))
    assert "requests (1)" in listing and "repeats on weekdays · next " in listing

    cards = until(lambda: [p for p in response_posts(slack_api, token) if "Repeating" in dumps(p.params)],
                  what="the series card")  # fmt: skip
    latest = cards[-1].params
    actions = buttons(latest)
    assert actions[0] == ("task_cancel", request_id) and [a for a, _ in actions[1:]] == ["occurrence_skip"] * 3
    dialog = next(e for b in latest["blocks"] if b["type"] == "actions" for e in b["elements"])["confirm"]
    assert (
        f"All {count} upcoming recordings" in dialog["text"]["text"] or "upcoming recordings" in dialog["text"]["text"]
    )
    skip_value = actions[2][1]
    click = press(server, slack_api, "occurrence_skip", skip_value, user=REQUESTER, channel=channel)
    said = until(lambda: [c for c in response_posts(slack_api, click) if "Cancelled the" in dumps(c.params)],
                 what="the skip answered")  # fmt: skip
    assert skip_value.split("|")[1] in dumps(said[0].params)
    wait_thread(slack_api, channel, ts, "left in the series")
    assert store.get(request_id).extra["skipped"] == [skip_value.split("|")[1]]  # type: ignore[union-attr]


def _due_now(store: SqlRequestStore, key: str, now: datetime) -> None:
    """Make one job due now, as the scheduler would find it at its time."""
    with store.engine.begin() as connection:
        connection.execute(sa.update(jobs).where(jobs.c.key == key).values(due_at=now))


def test_a_trro_series_from_chat_starts_and_stops_each_occurrence_and_cancel_deletes_the_running_one(
    bot: tuple[BotServer, SqlRequestStore], slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    server, store = bot
    trro, channel, ts = provider_fakes.trro, unique("CTRROSERIES"), "1830000002.000100"
    card = slash(server, slack_api, "seriesdev/0 every weekday 09:00 to 10:00 until 2027-01-29 on trro",
                 user=REQUESTER, channel=channel)  # fmt: skip
    assert "Repeats on weekdays, 09:00–10:00" in dumps(card) and "cannot repeat" not in dumps(card)
    request_id = request_id_of(card)
    press(server, slack_api, "request_confirm", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    assert "the bot starts each one when it begins" in wait_thread(slack_api, channel, ts, "Series confirmed")
    stored = wait_state(store, request_id, S.SCHEDULED)
    planned = store.jobs.list_jobs(request_id=request_id)
    starts = [j for j in planned if j.kind == "series.start"]
    stops = [j for j in planned if j.kind == "series.stop"]
    assert len(starts) == len(stops) > 30 and all(j.due_at > stored.created_at for j in starts)

    def creates() -> list[RecordedCall]:
        return [c for c in trro.calls_to("CreateCloudRecording") if c.params["DeviceId"] == "seriesdev"]

    def deletes() -> list[RecordedCall]:
        ours = {t.task_id for t in store.tasks_of(request_id)}
        return [c for c in trro.calls_to("DeleteCloudRecording") if c.params["TaskId"] in ours]

    assert creates() == []  # nothing exists at the provider ahead of an occurrence's start
    _due_now(store, starts[0].key, stored.created_at)  # the first occurrence's start comes
    first = wait_thread(slack_api, channel, ts, "Recording now")
    task = until(lambda: store.tasks_of(request_id), what="the first occurrence's task")[0]
    assert task.task_id in first and f"<@{REQUESTER}>" not in first and len(creates()) == 1 and deletes() == []
    _due_now(store, stops[0].key, stored.created_at)  # ... and its end
    finished = wait_thread(slack_api, channel, ts, "Finished on")
    assert task.task_id in finished and f"<@{REQUESTER}>" not in finished
    until(lambda: len(deletes()) == 1, what="the first occurrence deleted at its end")
    assert deletes()[0].params["TaskId"] == task.task_id and creates()[0].at < deletes()[0].at

    _due_now(store, starts[1].key, stored.created_at)  # the second starts, and the series is cancelled meanwhile
    until(lambda: len(store.tasks_of(request_id)) == 2, what="the second occurrence's task")
    second = next(t for t in store.tasks_of(request_id) if t.task_id != task.task_id)
    press(server, slack_api, "task_cancel", request_id, user=REQUESTER, channel=channel, message_ts=ts)
    wait_state(store, request_id, S.CANCELLED)
    assert [c.params["TaskId"] for c in deletes()] == [task.task_id, second.task_id] and len(creates()) == 2
    left = {j.status for j in store.jobs.list_jobs(request_id=request_id) if j.key not in (starts[0].key, stops[0].key, starts[1].key)}  # fmt: skip
    assert left == {JobStatus.CANCELLED}  # no later occurrence will start
