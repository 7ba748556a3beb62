"""One owner for a request's life: every move is one conditional update, one audit row and one event, on SQLite and
PostgreSQL, with the real store and the real renderer (providers are in-memory doubles of another layer)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.model import Schedule, StreamTarget, TaskRequest, Window
from bot.errors import AlreadyRetried, ProviderError, RequestStateError, StoreRefused
from bot.flow import Event, RequestFlow
from bot.flow.life import NOT_SAVED
from bot.lifecycle import RequestState as S
from bot.lifecycle import TaskState
from bot.store import SqlRequestStore
from tests.fixtures_store import Posted, Providers, RecordingProvider


class LongIds(RecordingProvider):
    """A provider whose TaskIds are 300 characters long (longer than the old 128-character column)."""

    def create(self, request: TaskRequest):  # type: ignore[no-untyped-def]
        made = super().create(request)
        return type(made)(made.provider, made.action, "T" * 300, "R" * 300)


@pytest.fixture
def volc() -> RecordingProvider:
    return RecordingProvider("volc", keeps_window=True, can_look_up=True)


@pytest.fixture
def posted() -> Posted:
    return Posted()


@pytest.fixture
def flow(store: SqlRequestStore, volc: RecordingProvider, posted: Posted) -> Iterator[RequestFlow]:
    running = RequestFlow(
        store=store, providers=Providers(volc), notifier=posted, workers=4, jobs=store.jobs, audit=store.audit
    )
    yield running
    running.close()


def proposal(flow: RequestFlow, stream: str = "life") -> str:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    request = TaskRequest("record", "volc", StreamTarget("live", stream), Window(start, start + timedelta(minutes=30)))
    return flow.propose(Schedule(request, "Asia/Shanghai"), requester="U1", text=f"/record live/{stream}").id


def test_a_300_character_task_id_is_scheduled_on_both_databases(store: SqlRequestStore, posted: Posted) -> None:
    flow = RequestFlow(store=store, providers=Providers(LongIds("volc", keeps_window=True, can_look_up=True)),
                       notifier=posted, jobs=store.jobs, audit=store.audit)  # fmt: skip
    try:
        request_id = proposal(flow)
        flow.confirm(request_id, user="U1")
        flow.drain(timeout=30)
    finally:
        flow.close()
    stored = store.get(request_id)
    assert stored is not None and stored.state is S.SCHEDULED and stored.task_id == "T" * 300
    assert [t.task_id for t in store.tasks_of(request_id)] == ["T" * 300]
    assert posted.events(request_id) == [Event.CONFIRMED, Event.SCHEDULED]


def test_a_save_the_database_refuses_ends_unknown_and_is_said(
    store: SqlRequestStore, flow: RequestFlow, posted: Posted, monkeypatch: pytest.MonkeyPatch
) -> None:
    request_id = proposal(flow)
    real = store.transition

    def refusing(request_id: str, *, from_states, to, **changes):  # type: ignore[no-untyped-def]
        if to is S.SCHEDULED:
            raise StoreRefused()
        return real(request_id, from_states=from_states, to=to, **changes)

    monkeypatch.setattr(store, "transition", refusing)
    flow.confirm(request_id, user="U1")
    flow.drain(timeout=30)
    stored = store.get(request_id)
    assert stored is not None and (stored.state, stored.error_code) == (S.UNKNOWN, NOT_SAVED)
    assert posted.keys(request_id) == ["life.not_saved"]  # one definite, visible state; no loop of look-ups
    assert "could not save the answer" in posted.notes[-1][2]


def test_retry_moves_failed_to_retried_once_however_many_click(
    store: SqlRequestStore, flow: RequestFlow, volc: RecordingProvider, posted: Posted
) -> None:
    volc.create_error = ProviderError("volc", "InvalidParam", "bad", "req-1")
    request_id = proposal(flow)
    flow.confirm(request_id, user="U1")
    flow.drain(timeout=30)
    assert store.get(request_id).state is S.FAILED  # type: ignore[union-attr]
    volc.create_error = None

    def click(_: int) -> str:
        try:
            return flow.retry(request_id, user="U1").id
        except AlreadyRetried as refused:
            return f"refused:{refused.retried_as}"

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(click, range(10)))
    flow.drain(timeout=30)
    won = [a for a in answers if not a.startswith("refused:")]
    assert len(won) == 1 and answers.count(f"refused:{won[0]}") == 9
    old = store.get(request_id)
    assert old is not None and old.state is S.RETRIED and old.extra["retried_as"] == won[0]
    assert store.get(won[0]).state is S.SCHEDULED  # type: ignore[union-attr]
    assert len(volc.created) == 1  # one new task, not ten
    with pytest.raises(AlreadyRetried):
        flow.retry(request_id, user="U1")  # a click long after
    assert [e.action for e in store.audit.events(request_id=request_id)] == ["confirm", "create", "retry"]


def test_cancelling_is_saved_before_the_stop_and_every_task_is_stopped(
    store: SqlRequestStore, flow: RequestFlow, volc: RecordingProvider, posted: Posted
) -> None:
    request_id = proposal(flow)
    flow.confirm(request_id, user="U1")
    flow.drain(timeout=30)
    seen_when_stopping: list[S] = []
    real_cancel = volc.cancel

    def cancel(request: TaskRequest, task_id: str):  # type: ignore[no-untyped-def]
        seen_when_stopping.append(store.get(request_id).state)  # type: ignore[union-attr]
        return real_cancel(request, task_id)

    volc.cancel = cancel  # type: ignore[method-assign]
    flow.cancel_task(request_id, user="U1")
    with pytest.raises(RequestStateError):
        flow.cancel_task(request_id, user="U1")  # a second tap while it is under way, or after
    flow.drain(timeout=30)
    assert seen_when_stopping == [S.CANCELLING]
    assert store.get(request_id).state is S.CANCELLED  # type: ignore[union-attr]
    assert [t.state for t in store.tasks_of(request_id)] == [TaskState.STOPPED]
    assert posted.events(request_id)[-2:] == [Event.CANCELLING, Event.CANCELLED]


def test_a_refused_stop_goes_back_to_what_it_was_and_says_so(
    store: SqlRequestStore, flow: RequestFlow, volc: RecordingProvider, posted: Posted
) -> None:
    request_id = proposal(flow)
    flow.confirm(request_id, user="U1")
    flow.drain(timeout=30)
    volc.cancel_error = ProviderError("volc", "OperationDenied", "not now", "req-9")
    flow.cancel_task(request_id, user="U1")
    flow.drain(timeout=30)
    assert store.get(request_id).state is S.SCHEDULED  # type: ignore[union-attr]
    assert posted.events(request_id)[-1] is Event.CANCEL_FAILED
    assert "Cancelling did not work" in posted.notes[-1][2] and posted.notes[-1][2].endswith("<@U1>")
    assert [(e.action, e.outcome) for e in store.audit.events(request_id=request_id)][-2:] == [
        ("cancel", "requested"),
        ("cancel", "failed"),
    ]
