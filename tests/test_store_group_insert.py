"""Group commit of new requests (:mod:`bot.store.group_insert`), on SQLite and PostgreSQL: rows that arrive together
share a transaction, every caller returns only once its own row is committed, and failures stay with their rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.store import SqlRequestStore
from bot.store.group_insert import GroupInsert
from bot.store.tables import requests

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
REQUEST = {"kind": "record", "provider": "volc", "target": {"app": "live", "stream": "s"}}


def row(request_id: str, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": request_id, "state": "proposed", "kind": "record", "provider": "volc", "request": REQUEST,
        "window_start": None, "window_end": None, "requester": "U1", "text": "t", "timezone": "UTC", "lang": "en",
        "channel": "C1", "card_channel": None, "card_ts": None, "card_response_url": None, "card_thread_ts": None,
        "task_id": None, "provider_request_id": None, "error_code": None, "error_message": None, "settled_by": None,
        "extra": {}, "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip
    values.update(changes)
    return values


def stored_ids(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(sa.select(requests.c.id)).scalars())


def count_commits(engine: sa.Engine) -> list[int]:
    commits: list[int] = []
    sa.event.listen(engine, "commit", lambda _connection: commits.append(1))
    return commits


def in_threads(group: GroupInsert, rows: list[dict[str, Any]]) -> dict[str, BaseException | None]:
    """Insert each row from its own thread; what each caller got (None: stored)."""
    outcome: dict[str, BaseException | None] = {}

    def insert(values: dict[str, Any]) -> None:
        try:
            group.insert(values)
        except BaseException as exc:
            outcome[values["id"]] = exc
        else:
            outcome[values["id"]] = None

    threads = [threading.Thread(target=insert, args=(values,)) for values in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcome


def hold_first_write(engine: sa.Engine, group: GroupInsert, waiting: int) -> Callable[[], None]:
    """Keep the first batch's transaction open until ``waiting`` more callers are queued behind it, so the batches
    are decided by the test, not by thread timing. Returns a function that removes the hook."""
    held = threading.Event()

    def before_execute(*_args: Any) -> None:
        if held.is_set():
            return
        held.set()
        deadline = time.monotonic() + 20
        while len(group._queue) < waiting and time.monotonic() < deadline:
            time.sleep(0.001)

    sa.event.listen(engine, "before_execute", before_execute)
    return lambda: sa.event.remove(engine, "before_execute", before_execute)


def test_callers_arriving_together_share_one_commit(store: SqlRequestStore) -> None:
    group = GroupInsert(store.engine, requests)
    release = hold_first_write(store.engine, group, waiting=19)
    commits = count_commits(store.engine)
    outcome = in_threads(group, [row(f"rg{i:04d}") for i in range(20)])
    release()
    assert outcome == {f"rg{i:04d}": None for i in range(20)}
    assert stored_ids(store.engine) == set(outcome)
    assert len(commits) == 2  # the first caller's row alone, then the nineteen that queued behind it


def test_a_caller_returns_only_once_its_row_is_readable_elsewhere(store: SqlRequestStore) -> None:
    """Leader and followers alike: the followers' batch holds its commit for a moment; any follower that returned
    before it would look for its row while it is not yet there."""
    group = GroupInsert(store.engine, requests)
    other = sa.create_engine(store.engine.url)
    seen: dict[str, bool] = {}
    commits: list[int] = []

    def slow_second_commit(_connection: Any) -> None:
        commits.append(1)
        if len(commits) == 2:
            time.sleep(0.5)

    def insert_and_look(values: dict[str, Any]) -> None:
        group.insert(values)
        seen[values["id"]] = values["id"] in stored_ids(other)

    release = hold_first_write(store.engine, group, waiting=4)
    sa.event.listen(store.engine, "commit", slow_second_commit)
    threads = [threading.Thread(target=insert_and_look, args=(row(f"rv{i}"),)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    release()
    other.dispose()
    assert len(commits) == 2  # the leader's row, then the four followers' together
    assert seen == {f"rv{i}": True for i in range(5)}


def test_a_duplicate_key_fails_only_its_own_caller(store: SqlRequestStore) -> None:
    GroupInsert(store.engine, requests).insert(row("rtaken"))
    group = GroupInsert(store.engine, requests)
    release = hold_first_write(store.engine, group, waiting=4)
    outcome = in_threads(group, [row("rfirst"), row("rtaken"), *(row(f"rok{i}") for i in range(3))])
    release()
    assert isinstance(outcome.pop("rtaken"), sa.exc.IntegrityError)
    assert outcome == {"rfirst": None, "rok0": None, "rok1": None, "rok2": None}
    assert stored_ids(store.engine) == {"rtaken", "rfirst", "rok0", "rok1", "rok2"}


def test_any_other_failure_reaches_every_caller_of_the_batch_and_stores_none_of_it(store: SqlRequestStore) -> None:
    group = GroupInsert(store.engine, requests)
    release = hold_first_write(store.engine, group, waiting=3)
    naive = datetime(2026, 11, 21, 12, 0)  # refused by the column type: not an IntegrityError
    outcome = in_threads(group, [row("rlead"), row("rbad", created_at=naive), row("rgood1"), row("rgood2")])
    release()
    assert outcome["rlead"] is None
    for request_id in ("rbad", "rgood1", "rgood2"):
        assert isinstance(outcome[request_id], sa.exc.StatementError), request_id
    assert stored_ids(store.engine) == {"rlead"}
    group.insert(row("rafter"))  # the failed batch released the lead: the next caller writes
    assert stored_ids(store.engine) == {"rlead", "rafter"}


def test_an_interrupted_leader_leaves_no_caller_thinking_it_was_stored(store: SqlRequestStore) -> None:
    group = GroupInsert(store.engine, requests)
    release = hold_first_write(store.engine, group, waiting=2)  # the second batch: two callers, one leads
    executions: list[int] = []

    def interrupt_second_batch(*_args: Any) -> None:
        executions.append(1)
        if len(executions) == 2:
            raise KeyboardInterrupt

    sa.event.listen(store.engine, "before_execute", interrupt_second_batch)
    outcome = in_threads(group, [row("rfirst"), row("rtwo"), row("rthree")])
    sa.event.remove(store.engine, "before_execute", interrupt_second_batch)
    release()
    assert outcome.pop("rfirst") is None
    assert sorted(type(error).__name__ for error in outcome.values()) == ["KeyboardInterrupt", "KeyboardInterrupt"]
    group.insert(row("rnext"))
    assert stored_ids(store.engine) == {"rfirst", "rnext"}


def test_a_burst_of_proposals_all_land_with_distinct_ids(store: SqlRequestStore) -> None:
    from tests.test_store import propose

    proposed: list[str] = []
    barrier = threading.Barrier(30)

    def one() -> None:
        barrier.wait()
        proposed.append(propose(store).id)

    threads = [threading.Thread(target=one) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(set(proposed)) == 30
    assert {request.id for request in store.list_requests(limit=100)} == set(proposed)
