"""Two clicks, two threads, two processes: every request is settled by exactly one of them."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.model import StreamTarget, TaskRequest, Window
from bot.lifecycle import RequestState
from bot.store import SqlRequestStore, open_store

S = RequestState
ROOT = Path(__file__).resolve().parent.parent

# Each process tries to take every request from confirmed to submitting, as a Confirm handler does before it calls
# the provider; it prints the ids it won (the provider calls it would make).
RACER = """
import sys
from bot.lifecycle import RequestState as S
from bot.store import open_store
store = open_store(sys.argv[1], migrate=False)
ids = sys.argv[3].split(",")[:: int(sys.argv[4])]  # one process goes backwards, so they meet in the middle
store.get(ids[0])  # connected and warm
print("ready", flush=True)
sys.stdin.readline()  # both start together
for request_id in ids:
    if store.transition(request_id, from_states={S.CONFIRMED}, to=S.SUBMITTING, settled_by=sys.argv[2]):
        print("won", request_id, flush=True)
store.engine.dispose()
"""


def confirmed_requests(store: SqlRequestStore, count: int) -> list[str]:
    start = datetime.now(UTC) + timedelta(hours=1)
    request = TaskRequest("record", "volc", StreamTarget("live", "s"), Window(start, start + timedelta(minutes=5)))
    ids = []
    for _ in range(count):
        stored = store.propose(request=request, requester="U1", text="t", timezone="UTC", lang="en")
        assert store.transition(stored.id, from_states={S.PROPOSED}, to=S.CONFIRMED)
        ids.append(stored.id)
    return ids


def test_many_threads_confirming_the_same_requests_win_once_each(store: SqlRequestStore) -> None:
    ids = confirmed_requests(store, 25)
    wins: list[tuple[str, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def click(worker: str) -> None:
        barrier.wait()
        for request_id in ids:
            if store.transition(request_id, from_states={S.CONFIRMED}, to=S.SUBMITTING, settled_by=worker):
                with lock:
                    wins.append((request_id, worker))

    threads = [threading.Thread(target=click, args=(f"W{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(request_id for request_id, _ in wins) == Counter(ids)
    for request_id, worker in wins:
        final = store.get(request_id)
        assert final is not None and final.state is S.SUBMITTING and final.settled_by == worker


def test_two_processes_sharing_the_database_win_once_each(store: SqlRequestStore, store_url: str) -> None:
    ids = confirmed_requests(store, 40)
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, store_url, name, ",".join(ids), step],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name, step in (("P1", "1"), ("P2", "-1"))
    ]
    for racer in racers:
        assert racer.stdout is not None and racer.stdout.readline() == "ready\n"
    for racer in racers:
        assert racer.stdin is not None
        racer.stdin.write("go\n")
        racer.stdin.flush()
    outputs = [racer.communicate(timeout=90) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], [err for _, err in outputs]
    won = {
        name: [line.split()[1] for line in out.splitlines() if line.startswith("won ")]
        for name, (out, _) in zip(("P1", "P2"), outputs, strict=True)
    }
    assert Counter(won["P1"] + won["P2"]) == Counter(ids)
    for name, request_ids in won.items():
        for request_id in request_ids:
            final = store.get(request_id)
            assert final is not None and final.settled_by == name


def test_separate_store_objects_see_each_others_writes(store: SqlRequestStore, store_url: str) -> None:
    other = open_store(store_url, migrate=False)
    (request_id,) = confirmed_requests(store, 1)
    assert other.transition(request_id, from_states={S.CONFIRMED}, to=S.CANCELLED, settled_by="U9")
    assert store.transition(request_id, from_states={S.CONFIRMED}, to=S.SUBMITTING) is None
    final = store.get(request_id)
    assert final is not None and final.state is S.CANCELLED
    other.engine.dispose()
