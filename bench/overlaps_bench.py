"""What overlaps cost a new card (not a test): :func:`bot.flow.overlaps.find_overlaps` in-process, on a store of 10k
requests spread over 2,000 streams and ten days (the last day's mostly scheduled or running), of which a few hold the
card's own stream: three single windows and a weekday series (``live/hot``).

Run from the project root:  .venv/bin/python bench/overlaps_bench.py [--rounds 500] [--databases sqlite,postgresql]
(PostgreSQL from TEST_DATABASE_URL, default postgresql://bot:bot@127.0.0.1:5432/bot_test.)

Cases: ``single`` = a new 30-minute window on the hot stream that meets the series' third occurrence; ``series`` = a
new weekday series on the hot stream (its every occurrence checked); ``elsewhere`` = a window on a stream nobody
holds. Medians and p95 in milliseconds over ``--rounds`` runs after a warm-up. The same script runs on the code
before migration 0008 (no span column; a series' first window only) for the "before" figures.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.model import StreamTarget, TaskRequest, Window, request_to_dict
from bot.core.series import Series
from bot.flow.overlaps import find_overlaps
from bot.flow.series_jobs import series_to_json
from bot.store import SqlRequestStore, open_store
from bot.store.tables import requests
from tests.fixtures_store import fresh_postgres_schema
from tests.growth_rows import request_rows

#: Before migration 0008 (run against an older checkout for the "before" figures): no span, the first window only.
SPANS = "span_end" in requests.c
TARGETS = "target" in requests.c  # migration 0009: one stream's rows through the index
ROWS = 10_000
STREAMS = 2_000
HOT = StreamTarget("live", "hot")
ZONE = "Asia/Shanghai"


def weekday_series(first: date, weeks: int = 9) -> Series:
    until = first + timedelta(weeks=weeks)
    rule = f"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL={until:%Y%m%d}T235959"
    return Series(rule, first, wall(15, 0), wall(16, 0), 0, ZONE)


def first_weekday_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def fill(engine: sa.Engine, now: datetime) -> Series:
    """10k rows over 2,000 streams, then the hot stream's own; returns the hot series."""
    rows = []
    for n, row in enumerate(request_rows(ROWS, now=now, spacing=timedelta(days=10) / ROWS), start=1):
        window = Window(row["window_start"], row["window_end"])
        row["request"] = request_to_dict(TaskRequest("record", "volc", StreamTarget("live", f"b{n % STREAMS}"), window))
        if TARGETS:
            row["target"] = f"live/b{n % STREAMS}"
        rows.append(row)
    series = weekday_series(first_weekday_after(now.date() + timedelta(days=1)))
    occurrences = series.occurrences()
    hot = [
        (Window(occurrences[2].start - timedelta(hours=3), occurrences[2].start - timedelta(hours=2)), None),
        (Window(occurrences[4].start, occurrences[4].end), None),
        (Window(occurrences[6].end, occurrences[6].end + timedelta(hours=1)), None),
        (Window(occurrences[0].start, occurrences[0].end), series),
    ]
    for n, (window, repeat) in enumerate(hot, start=1):
        row = dict(rows[-1])
        row.update(id=f"hot{n:04d}", state="scheduled", window_start=window.start, window_end=window.end,
                   request=request_to_dict(TaskRequest("record", "volc", HOT, window)),
                   extra={"series": series_to_json(repeat)} if repeat else {})  # fmt: skip
        if SPANS:
            row["span_end"] = occurrences[-1].end if repeat else window.end
        if TARGETS:
            row["target"] = HOT.label()
        rows.append(row)
    for row in rows[:ROWS] if SPANS else ():
        row["span_end"] = row["window_end"]
    with engine.begin() as connection:
        connection.execute(requests.insert(), rows)
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE"))
    return series


def cases(store: SqlRequestStore, series: Series) -> dict[str, Callable[[], object]]:
    third = series.occurrences()[2]
    single = TaskRequest("record", "volc", HOT, Window(third.start + timedelta(minutes=15), third.end))
    first = series.occurrences()[0]
    repeat = TaskRequest("record", "volc", HOT, Window(first.start, first.end))
    lonely = TaskRequest("record", "volc", StreamTarget("live", "nobody"), Window(third.start, third.end))
    whole: dict[str, Any] = {"series": series} if "series" in inspect.signature(find_overlaps).parameters else {}
    return {
        "single": lambda: find_overlaps(store, single, 1),
        "elsewhere": lambda: find_overlaps(store, lonely, 1),
        "series": lambda: find_overlaps(store, repeat, 1, **whole),
    }


def timed(run: Callable[[], object], rounds: int) -> tuple[float, float]:
    for _ in range(20):
        run()
    took = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        took.append((time.perf_counter() - began) * 1000)
    took.sort()
    return statistics.median(took), took[max(0, int(len(took) * 0.95) - 1)]


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{directory}/bench.sqlite3"
    else:
        with fresh_postgres_schema("bench_") as url:
            yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    now = datetime.now(UTC).replace(microsecond=0)
    for kind in args.databases.split(","):
        with database(kind) as url:
            store = open_store(url, migrate=True)
            series = fill(store.engine, now)
            for name, run in cases(store, series).items():
                said: Any = run()
                median, p95 = timed(run, args.rounds)
                print(f"{kind:10} {name:9} median {median:.3f} ms  p95 {p95:.3f} ms  found {len(said.found)}")
            store.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
