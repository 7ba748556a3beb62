"""Overlaps with a series through signed Slack requests to the real ``serve`` process (SQLite) and the fake
providers: a card for a single window that meets the third occurrence of a confirmed weekday series names that
series and that occurrence's day, and — Volcengine holding one task per stream — offers Cancel only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.flow.card import format_day
from bot.flow.series_jobs import series_of
from bot.lifecycle import RequestState as S
from bot.store import SqlRequestStore, open_store
from tests.durable_support import (
    QUICK_BOT,
    buttons,
    dumps,
    press,
    request_id_of,
    server_env,
    slash,
    start_server,
    wait_state,
)
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import REQUESTER, unique

ZONE = ZoneInfo("Asia/Shanghai")  # REQUESTER's zone at the fake Slack


@pytest.fixture(scope="module")
def bot(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotServer, SqlRequestStore]]:
    home: Path = tmp_path_factory.mktemp("overlaps")
    server = start_server(server_env(home, slack_api, provider_fakes, QUICK_BOT), home)
    store = open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False)
    yield server, store
    server.stop()
    store.engine.dispose()


def test_a_card_on_the_third_occurrence_of_a_weekday_series_names_the_series_and_that_day(
    bot: tuple[BotServer, SqlRequestStore], slack_api: FakeSlack
) -> None:
    server, store = bot
    channel, stream = unique("COVERLAP"), unique("news").lower()
    series_card = slash(server, slack_api, f"live/{stream} every weekday 09:00 to 10:00 until 2027-01-29 on volc",
                        user=REQUESTER, channel=channel)  # fmt: skip
    series_id = request_id_of(series_card)
    press(server, slack_api, "request_confirm", series_id, user=REQUESTER, channel=channel)
    confirmed = wait_state(store, series_id, S.SCHEDULED)
    series = series_of(confirmed)
    assert series is not None
    third = series.occurrences()[2].start.astimezone(ZONE)

    token = unique("cmd")
    shown_first = slash(server, slack_api, f"live/{stream} {third.date()} 09:30 to 10:30 on volc", user=REQUESTER,
                        channel=channel, token=token)  # fmt: skip
    assert "already records" not in dumps(shown_first)  # read just after the acknowledgement; the card is redrawn
    card = slack_api.wait_for(f"response_url:{token}")[0].params
    shown = dumps(card)
    said = f"<@{REQUESTER}> already records `live/{stream}` {format_day(third, 'en')} 09:00–10:00 in a series"
    assert f"{said} (`{series_id}`)" in shown, shown
    assert "Volcengine allows 1 task(s) per stream at a time" in shown
    assert [action for action, _ in buttons(card)] == ["request_cancel"]  # no Confirm, and no extending a series
