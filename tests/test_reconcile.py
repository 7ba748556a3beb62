"""Restart safety: requests left in ``submitting`` are looked up where the provider can, else marked unknown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.model import DeviceTarget, StreamTarget, TaskRequest, Window
from bot.errors import OutcomeUnknown, ProviderError, Retry, TaskNotCreated
from bot.flow.reconcile import reconciled_error
from bot.lifecycle import RequestState, StoredRequest
from bot.store import SqlRequestStore
from tests.fixtures_store import Posted, Providers, RecordingProvider
from tests.fixtures_store import reconcile as reconcile_submitting

S = RequestState
ROOT = Path(__file__).resolve().parent.parent
LATER = timedelta(minutes=5)


def submitting(
    store: SqlRequestStore, provider: str, target: StreamTarget | DeviceTarget, start_in: timedelta
) -> StoredRequest:
    start = datetime.now(UTC) + start_in
    request = TaskRequest("record", provider, target, Window(start, start + timedelta(hours=1)))
    stored = store.propose(request=request, requester="U1", text="/record …", timezone="Asia/Shanghai", lang="en")
    store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED, settled_by="U1")
    moved = store.transition(stored.id, from_states={S.CONFIRMED}, to=S.SUBMITTING)
    assert moved is not None
    return moved


@pytest.fixture
def volc() -> RecordingProvider:
    return RecordingProvider("volc", keeps_window=True, can_look_up=True)


@pytest.fixture
def trro() -> RecordingProvider:
    return RecordingProvider("trro", keeps_window=False, can_look_up=False)


def test_a_task_the_provider_has_is_adopted_with_its_task_id(store: SqlRequestStore, volc: RecordingProvider) -> None:
    future = submitting(store, "volc", StreamTarget("live", "a"), timedelta(hours=1))
    started = submitting(store, "volc", StreamTarget("live", "b"), -timedelta(minutes=5))
    volc.found = {"live/a": "T-A", "live/b": "T-B"}
    posted = Posted()
    settled = reconcile_submitting(store, Providers(volc), posted, now=datetime.now(UTC) + LATER)
    assert {(r.id, r.state, r.task_id) for r in settled} == {
        (future.id, S.SCHEDULED, "T-A"),
        (started.id, S.RUNNING, "T-B"),
    }
    assert volc.created == []  # never retried
    assert sorted(posted.keys()) == ["reconcile.found", "reconcile.found"]
    assert [e.action for e in store.audit.events(request_id=future.id)] == ["reconcile"]


def test_a_task_the_provider_does_not_have_failed_and_is_safe_to_try_again(
    store: SqlRequestStore, volc: RecordingProvider
) -> None:
    stored = submitting(store, "volc", StreamTarget("live", "a"), timedelta(hours=1))
    posted = Posted()
    (settled,) = reconcile_submitting(store, Providers(volc), posted, now=datetime.now(UTC) + LATER)
    assert (settled.id, settled.state, settled.error_code) == (stored.id, S.FAILED, "NotCreated")
    assert volc.created == []  # the person presses Retry; nothing is sent again by itself
    said = posted.notes[0][2]
    assert "the provider has no such task, so nothing was created; it is safe to try again" in said
    assert "Volcengine" in said  # the provider's name, not its key
    error = reconciled_error(settled)  # what the card shows: failed, with a Retry button
    assert isinstance(error, TaskNotCreated) and error.retry is Retry.SAFE and error.code == "NotCreated"


def test_what_reconciliation_settled_explains_itself_for_the_card(
    store: SqlRequestStore, volc: RecordingProvider
) -> None:
    found = submitting(store, "volc", StreamTarget("live", "f"), timedelta(hours=1))
    unsure = submitting(store, "tencent", StreamTarget("live", "u"), timedelta(hours=1))
    volc.found = {"live/f": "T-F"}
    settled = reconcile_submitting(store, Providers(volc), Posted(), now=datetime.now(UTC) + LATER)
    by_id = {r.id: r for r in settled}
    assert reconciled_error(by_id[found.id]) is None
    unknown = reconciled_error(by_id[unsure.id])
    assert isinstance(unknown, OutcomeUnknown) and unknown.code == "Restarted"


def test_without_a_look_up_the_request_is_unknown_and_the_thread_says_what_to_check(
    store: SqlRequestStore, trro: RecordingProvider
) -> None:
    stored = submitting(store, "trro", DeviceTarget("dev1", 2), timedelta(hours=1))
    posted = Posted()
    (settled,) = reconcile_submitting(store, Providers(trro), posted, now=datetime.now(UTC) + LATER)
    assert settled.state is S.UNKNOWN and trro.created == []
    assert posted.keys(stored.id) == ["reconcile.unknown"]
    assert "Check the Tencent TRRO console for dev1/2" in posted.notes[0][2]  # display name, not the key
    assert [(e.action, e.outcome) for e in store.audit.events(request_id=stored.id)] == [("reconcile", "unknown")]


def test_a_failing_look_up_leaves_it_unknown(store: SqlRequestStore, volc: RecordingProvider) -> None:
    submitting(store, "volc", StreamTarget("live", "a"), timedelta(hours=1))
    volc.find_error = ProviderError("volc", "InternalError", "try later", "req-3")
    posted = Posted()
    (settled,) = reconcile_submitting(store, Providers(volc), posted, now=datetime.now(UTC) + LATER)
    assert (settled.state, settled.error_code, settled.provider_request_id) == (S.UNKNOWN, "InternalError", "req-3")
    assert posted.keys() == ["reconcile.lookup_failed"]
    assert "looking the task up failed too (InternalError)" in posted.notes[0][2]


def test_a_request_another_replica_is_submitting_right_now_is_left_alone(
    store: SqlRequestStore, volc: RecordingProvider
) -> None:
    stored = submitting(store, "volc", StreamTarget("live", "a"), timedelta(hours=1))
    assert reconcile_submitting(store, Providers(volc), Posted()) == []
    assert store.get(stored.id) == stored


def test_an_unconfigured_provider_cannot_be_looked_up(store: SqlRequestStore) -> None:
    submitting(store, "tencent", StreamTarget("live", "a"), timedelta(hours=1))
    (settled,) = reconcile_submitting(store, Providers(), Posted(), now=datetime.now(UTC) + LATER)
    assert settled.state is S.UNKNOWN


# A bot process that dies (kill -9) in the middle of the provider call.
DIES_IN_SUBMITTING = """
import sys, time
from bot.lifecycle import RequestState as S
from bot.store import open_store
store = open_store(sys.argv[1], migrate=False)
assert store.transition(sys.argv[2], from_states={S.CONFIRMED}, to=S.SUBMITTING)
print("calling the provider", flush=True)
time.sleep(120)
"""


def test_after_kill_9_in_submitting_a_restart_reconciles_it(
    store: SqlRequestStore, store_url: str, volc: RecordingProvider, trro: RecordingProvider
) -> None:
    requests = []
    for provider, target in (("volc", StreamTarget("live", "k")), ("trro", DeviceTarget("dev9", 1))):
        start = datetime.now(UTC) + timedelta(hours=1)
        request = TaskRequest("record", provider, target, Window(start, start + timedelta(hours=1)))
        stored = store.propose(request=request, requester="U1", text="t", timezone="UTC", lang="zh-CN")
        store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED)
        requests.append(stored)
    for stored in requests:
        bot = subprocess.Popen(
            [sys.executable, "-c", DIES_IN_SUBMITTING, store_url, stored.id],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert bot.stdout is not None and bot.stdout.readline() == "calling the provider\n"
        os.kill(bot.pid, signal.SIGKILL)
        assert bot.wait(30) == -signal.SIGKILL
    volc.found = {"live/k": "T-K"}
    posted = Posted()
    settled = reconcile_submitting(store, Providers(volc, trro), posted, now=datetime.now(UTC) + LATER)
    states = {r.request.provider: (r.state, r.task_id) for r in settled}
    assert states == {"volc": (S.SCHEDULED, "T-K"), "trro": (S.UNKNOWN, None)}
    assert sorted(posted.keys()) == ["reconcile.found", "reconcile.unknown"]
    assert all("机器人重启" in text for _, _, text in posted.notes)  # in the requester's language
