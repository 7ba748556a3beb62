"""Every benchmark, one table (not part of the test run; takes about four minutes).

Run from the project root:  .venv/bin/python bench/run_all.py [--quick]

- parsing (:mod:`bench.parse_bench`): warm parse latency, process start → first parse;
- cold start (:mod:`bench.cold_start_bench`): process start → ``/healthz`` → first ``/record`` acknowledged;
- acknowledgements (:mod:`bench.ack_bench`): ``/record`` at 1, 10, 50 concurrent beside a bare Bolt app on the same
  stack; while 50 slow provider calls are in flight; memory idle and after load;
- provider throughput (:mod:`bench.throughput_bench`): 500 confirmations at once against rate-limited fakes.

Everything runs on loopback against the fake Slack and fake providers, with signed requests to the real
``python -m bot serve`` process. ``--quick`` runs smaller versions (a smoke test of the benchmarks themselves).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import ack_bench, cold_start_bench, parse_bench, throughput_bench
from bench.harness import Figure, print_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small runs, to check the benchmarks work")
    quick = parser.parse_args().quick
    began, load = time.monotonic(), os.getloadavg()[0]
    figures: list[Figure] = []
    figures += parse_bench.run(rounds=2 if quick else 20, starts=2 if quick else 5)
    figures += cold_start_bench.run(starts=2 if quick else 5)
    figures += ack_bench.run(rounds=2 if quick else 10, slow=10 if quick else 50, delay=1.0 if quick else 5.0)
    figures += throughput_bench.run(count=60 if quick else 500, relays=20 if quick else 200)
    print_table(f"live-record-bot benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", figures)
    missed = [figure.name for figure in figures if figure.met is False]
    print(f"\n{len(figures)} figures in {time.monotonic() - began:.0f} s; load average before the run {load:.2f}; "
          f"targets missed: {len(missed)}")  # fmt: skip
    for name in missed:
        print(f"  MISSED: {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
