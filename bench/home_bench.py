"""App Home publication time (not a test): build the Home tab and ``views.publish`` it to the fake Slack through a real
``WebClient``, with 10 000 requests stored (SQLite, or PostgreSQL with ``--database-url``).

Run from the project root:  .venv/bin/python bench/home_bench.py [--requests 10000] [--rounds 20]
Target: p99 ≤ 250 ms for one person's tab, and for the whole workspace's (``cancel_any``); and for the redraw after a
change (:class:`bot.slack.home_tab.HomeTab`: the opener read from the store, the publication slot claimed, the shared
pace booked — its deliberate wait skipped — then the tab built and published).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_sdk import WebClient  # noqa: E402

from bench.harness import Figure, print_table  # noqa: E402
from bot.core.model import StreamTarget, TaskRequest, Window, request_to_dict  # noqa: E402
from bot.lifecycle import RequestState  # noqa: E402
from bot.slack.home import home_view  # noqa: E402
from bot.slack.home_tab import HomeTab, publish_pace  # noqa: E402
from bot.slack.users import Person  # noqa: E402
from bot.store import HomeViews, JobStore, SqlRequestStore, open_store  # noqa: E402
from bot.store.tables import requests  # noqa: E402
from tests.fakes.slack import running_fake_slack  # noqa: E402

TARGET = 0.250
STATES = (RequestState.SCHEDULED, RequestState.RUNNING, RequestState.DONE, RequestState.CANCELLED, RequestState.FAILED)


def fill(store: SqlRequestStore, count: int, people: int = 50) -> None:
    """``count`` requests over ``people`` requesters and every common state, in one transaction."""
    now = datetime.now(UTC).replace(microsecond=0)
    rows = []
    for n in range(count):
        start = now + timedelta(minutes=10 * (n % 1000) - 2000)
        request = TaskRequest(
            "record", "volc", StreamTarget("live", f"s{n % 97}"), Window(start, start + timedelta(minutes=30))
        )
        rows.append({
            "id": f"rb{n:05d}", "state": STATES[n % len(STATES)].value, "kind": "record", "provider": "volc",
            "request": request_to_dict(request), "window_start": start, "window_end": start + timedelta(minutes=30),
            "requester": f"U{n % people:04d}", "text": "/record …", "timezone": "Asia/Shanghai", "lang": "en",
            "channel": "CBENCH", "extra": {}, "created_at": now - timedelta(seconds=n), "updated_at": now,
            "card_channel": None, "card_ts": None, "card_response_url": None, "card_thread_ts": None,
            "task_id": f"T{n}", "provider_request_id": None, "error_code": None, "error_message": None,
            "settled_by": None,
        })  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(requests.insert(), rows)


def run(count: int = 10_000, rounds: int = 20, database_url: str | None = None) -> list[Figure]:
    with tempfile.TemporaryDirectory() as home, running_fake_slack() as slack:
        store = open_store(database_url or f"sqlite:///{home}/bench.sqlite3")
        fill(store, count)
        client = WebClient(token="xoxb-bench", base_url=slack.api_url)
        figures = []
        for label, everyone in (("one person", False), ("workspace (cancel_any)", True)):
            person = Person("U0007", "America/New_York", "en")
            times, blocks = [], 0
            for _ in range(rounds):
                began = time.perf_counter()
                view = home_view(store, person, now=datetime.now(UTC), everyone=everyone)
                client.views_publish(user_id=person.id, view=view)
                times.append(time.perf_counter() - began)
                blocks = len(view["blocks"])
            figure = Figure(f"Home tab built + published, {label}, {count} stored", times, target="p99 ≤ 250 ms",
                            note=f"{blocks} blocks")  # fmt: skip
            figure.met = figure.p99 <= TARGET
            figures.append(figure)
        figures.append(redraws(store, client, count, rounds))
        store.engine.dispose()
    return figures


def redraws(store: SqlRequestStore, client: WebClient, count: int, rounds: int) -> Figure:
    """A change of the person's request redraws their tab (workspace-wide), each round after the quiet interval."""
    moment = [datetime.now(UTC)]
    wall = [time.time()]

    def clock() -> datetime:
        return moment[0]

    def skip_wait(seconds: float) -> None:
        wall[0] += seconds

    tab = HomeTab(
        store, client, views=HomeViews(store.engine, clock=clock), jobs=JobStore(store.engine, clock=clock),
        lookup=lambda user: Person(user, "America/New_York", "en"), may_see_everyone=lambda user: True, clock=clock,
        pace=publish_pace(store.departures, wall=lambda: wall[0], sleep=skip_wait), start=lambda work: work(),
    )  # fmt: skip
    tab.opened("U0007")
    times = []
    for _ in range(rounds):
        moment[0] += timedelta(seconds=10)
        began = time.perf_counter()
        tab.changed("U0007")
        times.append(time.perf_counter() - began)
    figure = Figure(f"redraw after a change (slot claimed, pace booked), {count} stored", times,
                    target="p99 ≤ 250 ms")  # fmt: skip
    figure.met = figure.p99 <= TARGET
    return figure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="e.g. postgresql://bot:bot@127.0.0.1:5432/bench")
    args = parser.parse_args()
    print_table("App Home publication", run(args.requests, args.rounds, args.database_url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
