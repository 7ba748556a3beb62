"""A series end to end through signed Slack requests to the real ``serve`` process (SQLite) and the fake providers:
one card with the rule in words and the next three dates, one Confirm, each occurrence created by the bot's scheduler
and said in the card's thread, ``/record list`` showing one line with the next date, Skip for one date and a Cancel
series dialog that says how many."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.lifecycle import RequestState as S
from bot.store import SqlRequestStore, open_store
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
