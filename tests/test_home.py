"""The App Home tab: views that validate with ``slack_sdk``'s models and stay within 100 blocks with 500 requests in the
store (SQLite and PostgreSQL), times in the person's zone, the same buttons as the cards, and end to end through the
real ``serve`` process: opened → published, a state change → republished (redraw policy: tests/test_home_redraw.py)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.core.model import StreamTarget, TaskRequest, Window
from bot.lifecycle import RequestState as S
from bot.recordings import RecordedFile
from bot.slack.home import MAX_BLOCKS, home_view
from bot.slack.users import Person
from bot.store import SqlRequestStore, open_store
from tests.durable_support import QUICK_BOT, press, request_id_of, server_env, slash, start_server, until
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer, app_home_opened_body, home_action_body
from tests.fixtures_slack import NEW_YORKER, REQUESTER, unique
from tests.home_support import as_if_published_long_ago, open_home, published, shows

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
_events = itertools.count(1)


def add(store: SqlRequestStore, user: str, state: S, *, hours: float = 5, stream: str = "home") -> str:
    start = NOW + timedelta(hours=hours)
    request = TaskRequest("record", "volc", StreamTarget("live", stream), Window(start, start + timedelta(minutes=30)))
    stored = store.propose(request=request, requester=user, text="/record …", timezone="Asia/Shanghai", lang="en")
    path = {S.SCHEDULED: [S.CONFIRMED, S.SUBMITTING, S.SCHEDULED], S.RUNNING: [S.CONFIRMED, S.SUBMITTING, S.RUNNING],
            S.CANCELLED: [S.CANCELLED], S.DONE: [S.CONFIRMED, S.SUBMITTING, S.RUNNING, S.DONE]}[state]  # fmt: skip
    current = S.PROPOSED
    for to in path:
        changes: dict[str, Any] = {"task_id": f"T-{stored.id}"} if to in (S.SCHEDULED, S.RUNNING) else {}
        assert store.transition(stored.id, from_states={current}, to=to, **changes) is not None
        current = to
    return stored.id


def test_a_full_store_stays_within_100_blocks_and_validates(store: SqlRequestStore) -> None:
    for n in range(500):
        add(store, "UFULL", (S.SCHEDULED, S.RUNNING, S.DONE, S.CANCELLED)[n % 4], hours=n / 10)
    view = home_view(store, Person("UFULL", "Asia/Shanghai", "en"), now=NOW)
    assert len(view["blocks"]) <= MAX_BLOCKS
    View(**view).validate_json()  # slack_sdk's own checks (block kinds, lengths, 100 blocks)
    last = view["blocks"][-1]["elements"][0]["text"]
    assert "more not shown here" in last and "/record list" in last
    shown = sum(1 for b in view["blocks"] if b["type"] == "section" and b["text"]["text"].startswith("`r"))
    assert f"{500 - shown} more" in last


def test_times_are_in_the_persons_zone_with_the_cards_buttons_and_everyone_only_with_cancel_any(
    store: SqlRequestStore,
) -> None:
    mine = add(store, "UNY", S.SCHEDULED, hours=5)  # 07:00 UTC = 02:00 in New York
    theirs = add(store, "UOTHER", S.RUNNING, hours=1)
    view = home_view(store, Person("UNY", "America/New_York", "en"), now=NOW)
    View(**view).validate_json()
    text = str(view)
    assert "02:00" in text and "America/New_York" in text and theirs not in text
    actions = [e["action_id"] for b in view["blocks"] if b.get("block_id") == f"home:{mine}" for e in b["elements"]]
    assert actions == ["task_cancel", "task_extend_15", "task_extend_30", "task_extend_60"]
    everyone = home_view(store, Person("UNY", "America/New_York", "zh-CN"), now=NOW, everyone=True)
    assert theirs in str(everyone) and "<@UOTHER>" in str(everyone) and "所有人" in str(everyone)


def publishes(slack_api: FakeSlack, user: str) -> int:
    return len(slack_api.calls_to("views.publish", user_id=user))


@dataclass
class Served:
    """One real ``serve`` process on SQLite, which a test may restart."""

    bot: BotServer
    store: SqlRequestStore
    env: dict[str, str]
    home: Path

    def restart(self) -> None:
        self.bot.stop()
        self.bot = start_server(self.env, self.home)


@pytest.fixture(scope="module")
def server(slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:  # fmt: skip
    home: Path = tmp_path_factory.mktemp("home")
    env = server_env(home, slack_api, provider_fakes, QUICK_BOT)
    running = Served(start_server(env, home), open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False),
                     env, home)  # fmt: skip
    yield running
    running.bot.stop()
    running.store.engine.dispose()


def test_opening_the_home_tab_publishes_it_and_a_state_change_republishes_it(
    server: Served, slack_api: FakeSlack
) -> None:
    bot, store = server.bot, server.store
    channel = unique("CHOME")
    request_id = request_id_of(slash(bot, slack_api, "live/home1 tomorrow 15:00 to 15:30 on volc", user=NEW_YORKER,
                                     channel=channel))  # fmt: skip
    press(bot, slack_api, "request_confirm", request_id, user=NEW_YORKER, channel=channel)
    until(lambda: (found := store.get(request_id)) is not None and found.state is S.SCHEDULED, what="scheduled")
    assert bot.event(app_home_opened_body(event_id=f"EvHome{next(_events)}", user=NEW_YORKER)).status_code == 200
    first = slack_api.wait_for("views.publish", user_id=NEW_YORKER)[0]
    view = first.params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    View(**view).validate_json()
    assert request_id in str(view) and "15:00 – 15:30 (America/New_York)" in str(view)
    assert publishes(slack_api, REQUESTER) == 0  # only people who opened it
    # a button in the tab works like the card's; the answer comes by DM (a Home tab has no channel)
    assert bot.form(home_action_body(action_id="task_extend_15", value=request_id, user=NEW_YORKER)).status_code == 200
    until(lambda: [c for c in slack_api.calls_to("chat.postMessage", channel=f"D{NEW_YORKER}")
                   if f"Extending request {request_id} to 15:45" in c.shown], what="the DM answer")  # fmt: skip
    press(bot, slack_api, "task_cancel", request_id, user=NEW_YORKER, channel=channel)
    until(lambda: publishes(slack_api, NEW_YORKER) >= 2, what="the Home tab republished")
    until(lambda: any(f"`{request_id}` · record live/home1 · Volcengine" in str(c.params["view"])
                      and "· cancelled" in str(c.params["view"]) for c in slack_api.calls_to("views.publish", user_id=NEW_YORKER)),
          what="the republished tab to show the cancel")  # fmt: skip


def test_recent_recordings_on_the_home_tab_carry_their_files_links(store: SqlRequestStore) -> None:
    done = add(store, "UFILES", S.DONE, hours=-3)
    store.files.add(done, RecordedFile("f1", "volc", "https://rec.example.com/live/home/f1.mp4", format="mp4"))
    person = Person("UFILES", "Asia/Shanghai", "en")
    with_links = json.dumps(home_view(store, person, now=NOW, files_of=store.files.files_of_many))
    assert "<https://rec.example.com/live/home/f1.mp4|f1.mp4>" in with_links
    assert "rec.example.com" not in json.dumps(home_view(store, person, now=NOW))  # without the look-up: no links


def test_after_a_restart_the_opener_is_still_redrawn(server: Served, slack_api: FakeSlack) -> None:
    user, channel = unique("UHOMESQ"), unique("CHOMESQ")
    request_id = request_id_of(slash(server.bot, slack_api, "live/home2 tomorrow 15:00 to 15:30 on volc", user=user,
                                     channel=channel))  # fmt: skip
    press(server.bot, slack_api, "request_confirm", request_id, user=user, channel=channel)
    until(lambda: (found := server.store.get(request_id)) is not None and found.state is S.SCHEDULED, what="scheduled")
    open_home(server.bot, user)
    until(lambda: len(published(slack_api, user)) == 1, what="the tab drawn on opening")
    server.restart()  # the new process has never seen the opening: the store remembers it
    as_if_published_long_ago(server.store, user)
    press(server.bot, slack_api, "task_cancel", request_id, user=user, channel=channel)
    until(lambda: any(shows(v, request_id, "cancelled") for v in published(slack_api, user)[1:]),
          what="the restarted process to redraw the tab")  # fmt: skip
