"""The request store keeps requests across processes and settles each state change exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from bot.core.model import DeviceTarget, Options, StreamTarget, TaskRequest, Window
from bot.errors import ConfigError
from bot.lifecycle import ACTIVE_STATES, CardRef, RequestState, StoredRequest, looks_like_request_id
from bot.store import SqlRequestStore, database_url, normalize_url, open_store

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = RequestState


def a_request(stream: str = "stream001", provider: str = "volc", start_in: int = 60) -> TaskRequest:
    start = datetime.now(SHANGHAI).replace(microsecond=0) + timedelta(minutes=start_in)
    return TaskRequest(
        kind="record",
        provider=provider,
        target=StreamTarget("live", stream),
        window=Window(start, start + timedelta(minutes=30)),
        options=Options(format="mp4"),
    )


def propose(store: SqlRequestStore, *, requester: str = "U1", channel: str = "C1") -> StoredRequest:
    return store.propose(
        request=a_request(),
        requester=requester,
        text="/record live/stream001 from 15:00 to 15:30 on volc",
        timezone="Asia/Shanghai",
        lang="en",
        channel=channel,
    )


def test_propose_keeps_everything_and_gives_a_short_typeable_id(store: SqlRequestStore) -> None:
    request = a_request()
    stored = store.propose(
        request=request,
        requester="U1",
        text="/record x",
        timezone="Asia/Shanghai",
        lang="zh-CN",
        channel="C9",
        card=CardRef(channel="C9", response_url="https://hooks.slack.test/1"),
    )
    assert looks_like_request_id(stored.id) and len(stored.id) == 7
    assert stored.state is S.PROPOSED
    again = store.get(stored.id.upper())
    assert again == stored
    assert again.request == request
    assert again.request.window is not None and again.request.window.start.utcoffset() == timedelta(hours=8)
    assert again.created_at.tzinfo is not None
    assert (again.lang, again.channel, again.card.response_url) == ("zh-CN", "C9", "https://hooks.slack.test/1")


def test_ids_are_unique(store: SqlRequestStore) -> None:
    ids = {propose(store).id for _ in range(30)}
    assert len(ids) == 30


def test_device_targets_and_permanent_relays_round_trip(store: SqlRequestStore) -> None:
    trro = TaskRequest(kind="record", provider="trro", target=DeviceTarget("dev1", 2), window=a_request().window)
    relay = TaskRequest(
        kind="relay", provider="volc", target=StreamTarget("live", "s"), window=None, sources=("rtmp://a/b",)
    )
    for request in (trro, relay):
        stored = store.propose(request=request, requester="U1", text="t", timezone="UTC", lang="en")
        fetched = store.get(stored.id)
        assert fetched is not None and fetched.request == request


def test_transition_applies_changes_in_the_same_update(store: SqlRequestStore) -> None:
    stored = propose(store)
    confirmed = store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED, settled_by="U2")
    assert confirmed is not None and confirmed.state is S.CONFIRMED and confirmed.settled_by == "U2"
    assert confirmed.updated_at >= stored.updated_at
    store.transition(stored.id, from_states={S.CONFIRMED}, to=S.SUBMITTING)
    scheduled = store.transition(
        stored.id, from_states={S.SUBMITTING}, to=S.SCHEDULED, task_id="T-1", provider_request_id="REQ-1"
    )
    assert scheduled is not None and (scheduled.task_id, scheduled.provider_request_id) == ("T-1", "REQ-1")
    assert store.get(stored.id) == scheduled


def test_the_second_settler_gets_none_and_changes_nothing(store: SqlRequestStore) -> None:
    stored = propose(store)
    assert store.transition(stored.id, from_states={S.PROPOSED}, to=S.CANCELLED, settled_by="U1") is not None
    assert store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED, settled_by="U2") is None
    final = store.get(stored.id)
    assert final is not None and final.state is S.CANCELLED and final.settled_by == "U1"


def test_moves_the_state_machine_forbids_are_refused_before_touching_the_database(store: SqlRequestStore) -> None:
    stored = propose(store)
    with pytest.raises(ValueError, match="done"):
        store.transition(stored.id, from_states={S.DONE}, to=S.RUNNING)
    with pytest.raises(ValueError):
        store.transition(stored.id, from_states={S.PROPOSED}, to=S.SCHEDULED)
    with pytest.raises(TypeError, match="state"):
        store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED, state="done")
    assert store.get(stored.id) == stored


def test_unknown_ids_give_none(store: SqlRequestStore) -> None:
    assert store.get("rzzzzzz") is None
    assert store.transition("rzzzzzz", from_states={S.PROPOSED}, to=S.CONFIRMED) is None
    assert store.find_by_task_id("volc", "nope") is None


def test_find_by_task_id_and_by_either_reference(store: SqlRequestStore) -> None:
    stored = propose(store)
    for source, target in ((S.PROPOSED, S.CONFIRMED), (S.CONFIRMED, S.SUBMITTING)):
        store.transition(stored.id, from_states={source}, to=target)
    store.transition(stored.id, from_states={S.SUBMITTING}, to=S.SCHEDULED, task_id="task-42")
    found = store.find_by_task_id("volc", "task-42")
    assert found is not None and found.id == stored.id
    assert store.find_by_task_id("tencent", "task-42") is None
    by_id, by_task = store.find(f" {stored.id.upper()} "), store.find("task-42")
    assert by_id is not None and by_task is not None and by_id.id == by_task.id == stored.id


def test_set_card_remembers_where_the_card_is(store: SqlRequestStore) -> None:
    stored = propose(store)
    store.set_card(stored.id, CardRef(channel="C1", ts="1700000000.000100", thread_ts="1699999999.000001"))
    card = store.get(stored.id)
    assert card is not None and card.card == CardRef(
        channel="C1", ts="1700000000.000100", thread_ts="1699999999.000001"
    )


def test_list_requests_filters_and_puts_newest_first(store: SqlRequestStore) -> None:
    first = propose(store, requester="U1", channel="C1")
    second = propose(store, requester="U2", channel="C1")
    third = propose(store, requester="U1", channel="C2")
    store.transition(second.id, from_states={S.PROPOSED}, to=S.CANCELLED)
    assert [r.id for r in store.list_requests()] == [third.id, second.id, first.id]
    assert [r.id for r in store.list_requests(channel="C1")] == [second.id, first.id]
    assert [r.id for r in store.list_requests(requester="U1")] == [third.id, first.id]
    assert [r.id for r in store.list_requests(states={S.CANCELLED})] == [second.id]
    assert [r.id for r in store.list_requests(states=ACTIVE_STATES)] == []
    assert len(store.list_requests(limit=2)) == 2
    assert store.list_requests(since=datetime.now(UTC) + timedelta(minutes=1)) == []


def test_unanswered_cards_older_than_a_moment_are_found_and_counted(store_url: str) -> None:
    now = [datetime(2026, 11, 21, 8, 0, tzinfo=UTC)]
    store = open_store(store_url, migrate=True, clock=lambda: now[0])
    old, answered = propose(store), propose(store)
    store.transition(answered.id, from_states={S.PROPOSED}, to=S.CONFIRMED)
    now[0] += timedelta(hours=2)
    fresh = propose(store)
    cutoff = now[0] - timedelta(hours=1)
    assert [r.id for r in store.list_requests(states={S.PROPOSED}, before=cutoff)] == [old.id]
    assert {r.id for r in store.list_requests(states={S.PROPOSED})} == {old.id, fresh.id}
    assert store.count_requests(states={S.PROPOSED}) == 2 and store.count_requests() == 3
    assert store.count_requests(since=cutoff) == 1
    store.engine.dispose()


def test_open_store_refuses_an_unmigrated_postgres(postgres_url: str) -> None:
    with pytest.raises(ConfigError, match="python -m bot migrate"):
        open_store(postgres_url)
    store = open_store(postgres_url, migrate=True)
    assert propose(store).state is S.PROPOSED
    store.engine.dispose()
    open_store(postgres_url).engine.dispose()  # now current: opens without migrating


def test_sqlite_in_bot_data_dir_is_created_and_migrated(tmp_path: Path) -> None:
    data = tmp_path / "nested" / "data"
    store = open_store(env={"BOT_DATA_DIR": str(data)})
    assert (data / "bot.sqlite3").exists()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    assert propose(store).state is S.PROPOSED
    store.engine.dispose()


def test_in_memory_sqlite_works_for_quick_tests() -> None:
    store = open_store("sqlite://")
    assert store.get(propose(store).id) is not None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db.example:5432/d", "postgresql+psycopg://u:p@db.example:5432/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////var/bot.db", "sqlite:////var/bot.db"),
    ],
)
def test_database_url_accepts_heroku_postgres_scheme(given: str, expected: str) -> None:
    assert normalize_url(given) == expected
    assert database_url(env={"DATABASE_URL": given}) == expected


def test_database_url_refuses_unknown_schemes_with_an_example() -> None:
    with pytest.raises(ConfigError, match="postgres://"):
        database_url(env={"DATABASE_URL": "mysql://u@h/d"})


def test_naive_datetimes_are_refused(store: SqlRequestStore) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive"):
        store.list_requests(since=datetime(2026, 1, 1))


def test_a_taken_id_is_drawn_again(store: SqlRequestStore, monkeypatch: pytest.MonkeyPatch) -> None:
    taken = propose(store).id
    drawn = iter([taken, taken, "rfresh2"])
    monkeypatch.setattr("bot.store.requests.new_request_id", lambda: next(drawn))
    assert propose(store).id == "rfresh2"
