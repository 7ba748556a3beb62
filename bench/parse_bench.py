"""Parse latency (not a test): warm p50/p99 over the command corpus, and process start → first parse.

Run from the project root:  .venv/bin/python bench/parse_bench.py [--rounds 20] [--starts 7]
Targets: p50 ≤ 2 ms, p99 ≤ 10 ms, first parse ≤ 600 ms after process start.
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

from bot.config import BotSettings, Config  # noqa: E402
from bot.core import parse_command, warm  # noqa: E402
from bot.errors import ParseError  # noqa: E402
from tests.parse_corpus import CORPUS  # noqa: E402

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


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def warm_latency(rounds: int) -> list[float]:
    """Milliseconds per parse over ``rounds`` passes of the corpus, after one untimed pass."""
    cases = [(c.text, datetime.fromisoformat(c.now), c.zone, CONFIGS[c.config]) for c in CORPUS]
    timings: list[float] = []
    for round_ in range(rounds + 1):
        for text, now, zone, config in cases:
            started = time.perf_counter()
            with contextlib.suppress(ParseError):
                parse_command(text, now=now, tz=zone, config=config)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed passes over the corpus")
    parser.add_argument("--starts", type=int, default=7, help="fresh processes per start-up measurement")
    args = parser.parse_args()

    warm()
    timings = warm_latency(args.rounds)
    print(f"corpus: {len(CORPUS)} commands × {args.rounds} rounds = {len(timings)} parses")
    print(
        f"warm parse: p50 {statistics.median(timings):.3f} ms, p99 {percentile(timings, 99):.3f} ms, "
        f"max {max(timings):.3f} ms   (targets: p50 ≤ 2 ms, p99 ≤ 10 ms)"
    )
    plain = "/record live/s1 from 15:00 to 15:30 on volc"
    chinese = "/record live/s1 明天下午3点到4点 on tencent"
    for label, text, warm_first in [
        ("first parse, English", plain, False),
        ("first parse, Chinese", chinese, False),
        ("first parse via dateparser", "/record live/s1 december the 1st 3pm to 4pm", False),
        ("warm() then first parse", plain, True),
    ]:
        values = first_parse_ms(text, warm_first=warm_first, starts=args.starts)
        print(
            f"process start → {label}: median {statistics.median(values):.0f} ms, max {max(values):.0f} ms "
            f"over {len(values)} starts   (target ≤ 600 ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
