"""Staying flat as the data grows (not a test): the store's hot paths at 1k / 100k / 1M stored requests (and twice as
many audit events, a tenth as many finished jobs), on SQLite and PostgreSQL, plus the memory of ``audit --csv``.

Run from the project root:  .venv/bin/python bench/growth_bench.py [--sizes 1000,100000,1000000] [--rounds 50]
(PostgreSQL from TEST_DATABASE_URL, default postgresql://bot:bot@127.0.0.1:5432/bot_test; --databases sqlite for one.)

Each operation is what the bot does for it, through the real store: ``list`` = the channel's upcoming requests and
its last day's failures (two queries, as ``/record list``), ``list mine`` = the same by requester, ``cancel <id>`` and
``cancel <unknown TaskId>`` = the look-up ``/record cancel`` makes, ``new /record`` = storing a proposal (the write
before the ack), ``scheduler pass`` = claiming due jobs, expiring unanswered cards, forgetting old event ids.
Medians and p95 over ``--rounds`` runs after a warm-up; the last column is the median against the smallest size.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.model import StreamTarget, TaskRequest, Window
from bot.flow.overlaps import HOLDING_STATES
from bot.lifecycle import RequestState
from bot.store import SqlRequestStore, open_store
from tests.fixtures_store import fresh_postgres_schema
from tests.growth_rows import CHANNELS, PEOPLE, fill, measured_bot

ROOT = Path(__file__).resolve().parent.parent
UPCOMING = {RequestState.PROPOSED, RequestState.CONFIRMED, RequestState.SUBMITTING, RequestState.SCHEDULED}
UPCOMING |= {RequestState.RUNNING}
FAILED = {RequestState.FAILED, RequestState.UNKNOWN, RequestState.MISSED}


def operations(store: SqlRequestStore, now: datetime) -> dict[str, Callable[[], object]]:
    start = now + timedelta(hours=2)
    proposal = TaskRequest("record", "volc", StreamTarget("live", "bench"), Window(start, start + timedelta(hours=1)))

    def listing(channel: str | None = None, requester: str | None = None) -> None:
        store.list_requests(states=UPCOMING, channel=channel, requester=requester, limit=20)
        since = now - timedelta(days=1)
        store.list_requests(states=FAILED, channel=channel, requester=requester, limit=10, since=since)

    def scheduler_pass() -> None:
        store.jobs.claim_due("bench", now=now, lease=timedelta(minutes=5))
        store.list_requests(states={RequestState.PROPOSED}, limit=1000, before=now - timedelta(hours=24))
        store.seen.forget_older_than(now - timedelta(days=1))

    def propose() -> None:  # what a new card reads and writes: the overlapping requests on its stream, then the row
        store.overlapping(proposal, HOLDING_STATES)
        store.propose(request=proposal, requester=PEOPLE[1], text="/record", timezone="UTC", lang="en", channel="CB")

    return {
        "list": lambda: listing(channel=CHANNELS[5]),
        "list mine": lambda: listing(requester=PEOPLE[9]),
        "cancel <id>": lambda: store.find("g0000500"),
        "cancel <unknown TaskId>": lambda: store.find("4a7c0000-no-such-task"),
        "new /record (overlaps + store write)": propose,
        "scheduler pass": scheduler_pass,
    }


def timed(run: Callable[[], object], rounds: int) -> tuple[float, float]:
    for _ in range(3):
        run()
    took = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        took.append((time.perf_counter() - began) * 1000)
    took.sort()
    return statistics.median(took), took[max(0, int(len(took) * 0.95) - 1)]


def audit_memory_mb(url: str, since: str) -> float:
    """Peak memory (VmHWM) of ``python -m bot audit --since SINCE --csv``, its output thrown away."""
    with tempfile.TemporaryDirectory() as folder, open(os.devnull, "w") as sink:
        report = f"{folder}/peak"
        command = measured_bot(["audit", "--since", since, "--csv"], report)
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run(command, stdout=sink, stderr=subprocess.DEVNULL, cwd=ROOT, env=env, check=True)
        return int(Path(report).read_text()) / 1024


@contextlib.contextmanager
def database(engine_name: str) -> Iterator[str]:
    if engine_name == "postgresql":
        with fresh_postgres_schema("growth_") as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bot.sqlite3"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000", help="stored requests, comma-separated")
    parser.add_argument("--rounds", type=int, default=50, help="timed runs per operation")
    parser.add_argument("--databases", default="sqlite,postgresql", help="which: sqlite, postgresql or both")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    now = datetime.now(UTC)
    engines = [name.strip() for name in args.databases.split(",")]
    print("| database | requests / audit events | operation | median | p95 | × at the smallest size |")
    print("|---|---|---|---|---|---|")
    for engine_name in engines:
        baseline: dict[str, float] = {}
        for size in sizes:
            with database(engine_name) as url:
                store = open_store(url, migrate=True)
                began = time.monotonic()
                fill(store.engine, request_count=size, audit_count=2 * size, job_count=size // 10, now=now)
                filled = time.monotonic() - began
                label = f"{size:,} / {2 * size:,}"
                for name, run in operations(store, now).items():
                    median, p95 = timed(run, args.rounds)
                    baseline.setdefault(name, median)
                    ratio = median / baseline[name]
                    print(f"| {engine_name} | {label} | {name} | {median:.2f} ms | {p95:.2f} ms | {ratio:.2f} |")
                store.engine.dispose()
                for since in ("30d", "400d"):
                    peak = audit_memory_mb(url, since)
                    print(f"| {engine_name} | {label} | audit --since {since} --csv: peak RSS | {peak:.0f} MB | | |")
                print(f"<!-- {engine_name} {size:,}: filled in {filled:.0f} s -->", file=sys.stderr)
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
