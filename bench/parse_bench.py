"""Parse latency (not a test): warm p50/p99 over the command corpus, and process start → first parse.

Run from the project root:  .venv/bin/python bench/parse_bench.py [--rounds 20] [--starts 7]
Targets: p50 ≤ 2 ms, p99 ≤ 10 ms (also for repeating schedules), first parse ≤ 600 ms after process start.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Figure, percentile, print_table  # noqa: E402
from bot.config import BotSettings, Config  # noqa: E402
from bot.core import parse_command, warm  # noqa: E402
from bot.errors import ParseError  # noqa: E402
from tests.parse_corpus import CORPUS  # noqa: E402
from tests.parse_corpus_round_two import ROUND_TWO  # noqa: E402
from tests.series_corpus import SERIES_CORPUS  # noqa: E402

COMMANDS = [*CORPUS, *ROUND_TWO]

CONFIGS = {
    "default": Config(),
    "dm": Config(bot=BotSettings(date_order="DM")),
    "us_cst": Config(bot=BotSettings(cst_means="US-Central")),
    "aliases": Config(aliases={"main-stage": "live/stream001 on volc"}),
}

# The child records the moment the first parse returns; the parent subtracts the moment it spawned the process.
CHILD = """
import time, sys
from datetime import datetime
WARM = {warm}
from bot.config import Config
import bot.core
if WARM:
    bot.core.warm()
bot.core.parse_command({text!r}, now=datetime.fromisoformat("2026-11-21T10:00:00+08:00"), tz="Asia/Shanghai",
                       config=Config())
print(time.time())
"""


def warm_latency(rounds: int, *, series: bool = False) -> list[float]:
    """Milliseconds per parse over ``rounds`` passes of the command corpus (or the series corpus, read with
    ``allow_series``), after one untimed pass."""
    if series:
        cases = [(c.text, datetime.fromisoformat(c.now), c.zone, Config()) for c in SERIES_CORPUS]
    else:
        cases = [(c.text, datetime.fromisoformat(c.now), c.zone, CONFIGS[c.config]) for c in COMMANDS]
    timings: list[float] = []
    for round_ in range(rounds + 1):
        for text, now, zone, config in cases:
            started = time.perf_counter()
            with contextlib.suppress(ParseError):
                parse_command(text, now=now, tz=zone, config=config, allow_series=series)
            if round_:
                timings.append((time.perf_counter() - started) * 1000)
    return timings


def first_parse_ms(text: str, *, warm_first: bool, starts: int) -> list[float]:
    """Milliseconds from spawning a fresh interpreter to its first parse returning."""
    results = []
    for _ in range(starts):
        spawned = time.time()
        child = subprocess.run(
            [sys.executable, "-c", CHILD.format(warm=warm_first, text=text)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        results.append((float(child.stdout.strip()) - spawned) * 1000)
    return results


def run(rounds: int = 20, starts: int = 7) -> list[Figure]:
    """The parse figures: warm latency over the corpus (ms), and process start → first parse."""
    warm()
    timings = [ms / 1000 for ms in warm_latency(rounds)]
    series = [ms / 1000 for ms in warm_latency(rounds, series=True)]
    figures = [
        Figure(f"parse, warm ({len(COMMANDS)}-command corpus × {rounds})", timings, target="p50 ≤ 2 ms, p99 ≤ 10 ms",
               met=statistics.median(timings) <= 0.002 and percentile(timings, 0.99) <= 0.010),
        Figure(f"parse, warm, repeating ({len(SERIES_CORPUS)}-series corpus × {rounds})", series,
               target="p99 ≤ 10 ms", met=percentile(series, 0.99) <= 0.010),
    ]  # fmt: skip
    plain = "/record live/s1 from 15:00 to 15:30 on volc"
    chinese = "/record live/s1 明天下午3点到4点 on tencent"
    for label, text, warm_first in [
        ("English", plain, False),
        ("Chinese", chinese, False),
        ("via dateparser", "/record live/s1 december the 1st 3pm to 4pm", False),
        ("after warm()", plain, True),
    ]:
        values = [ms / 1000 for ms in first_parse_ms(text, warm_first=warm_first, starts=starts)]
        figures.append(Figure(f"process start → first parse, {label}", values, target="≤ 600 ms",
                              met=statistics.median(values) <= 0.600))  # fmt: skip
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed passes over the corpus")
    parser.add_argument("--starts", type=int, default=7, help="fresh processes per start-up measurement")
    args = parser.parse_args()
    print_table("Parsing", run(args.rounds, args.starts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
