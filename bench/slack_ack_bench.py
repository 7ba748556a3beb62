"""Slack acknowledgement latency of the real server (not a test): slash commands, and Confirm clicks while the provider
is slow. Slack gives every acknowledgement 3 s.

Run from the project root:  .venv/bin/python bench/slack_ack_bench.py [--commands 50] [--confirms 20] [--delay 5]

It starts the fake Slack Web API and the fake providers, then ``python -m bot serve`` on an ephemeral port, and sends
signed requests: ``--commands`` slash commands one after another (each answered with its card), then ``--confirms``
Confirm clicks at once against a provider that takes ``--delay`` seconds per call, with more slash commands sent while
those calls are in flight.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.providers import FakeProviders, Fault  # noqa: E402
from tests.fakes.slack import running_fake_slack  # noqa: E402
from tests.fakes.slack_requests import BotServer, block_action_body, slash_command_body  # noqa: E402

SECRET = "bench-signing-secret"
USER = "UBENCH"


def timed(send: object) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    response = send()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return elapsed, response.json() if response.text else {}


def report(name: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    print(
        f"{name:<44} n={len(ordered):<4} p50={statistics.median(ordered) * 1000:7.1f} ms  "
        f"p99={p99 * 1000:7.1f} ms  max={ordered[-1] * 1000:7.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=50)
    parser.add_argument("--confirms", type=int, default=20)
    parser.add_argument("--delay", type=float, default=5.0)
    args = parser.parse_args()
    with running_fake_slack() as slack, FakeProviders() as providers, tempfile.TemporaryDirectory() as home:
        slack.set_user(USER, tz="Asia/Shanghai")
        Path(home, "bot.toml").write_text(providers.toml(timeout_seconds=args.delay + 5), encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "BOT_CONFIG": str(Path(home, "bot.toml")),
            "BOT_DATA_DIR": str(Path(home, "data")),
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "PORT": "0",
            "HOST": "127.0.0.1",
            **providers.env(),
        }
        server = BotServer(env, signing_secret=SECRET, cwd=home).start()
        try:

            def command(n: int, channel: str = "CBENCH") -> tuple[float, dict[str, object]]:
                body = slash_command_body(
                    command="/record",
                    text=f"live/bench{n} tomorrow 15:00 to 15:30 on volc",
                    user=USER,
                    channel=channel,
                    response_url=slack.response_url(f"cmd{n}"),
                )
                return timed(lambda: server.form(body))

            first, _ = command(0)
            report("first slash command (cold caches)", [first])
            answered = [command(n) for n in range(1, args.commands + 1)]
            report("slash command → card in the ack", [seconds for seconds, _ in answered])

            providers.volc.inject(Fault.delay(args.delay), action="CreatePullRecordTask", times=args.confirms)
            cards = [card for _, card in answered[: args.confirms]]

            def confirm(i: int) -> float:
                request_id = str(cards[i]["blocks"][-1]["elements"][0]["value"])  # type: ignore[index]
                body = block_action_body(
                    action_id="request_confirm",
                    value=request_id,
                    user=USER,
                    channel="CBENCH",
                    message_ts=f"1900000{i:03d}.000100",
                    response_url=slack.response_url(f"confirm{i}"),
                )
                return timed(lambda: server.form(body))[0]

            def health(_: int) -> float:
                started = time.perf_counter()
                httpx.get(f"{server.url}/healthz", timeout=30)
                return time.perf_counter() - started

            with ThreadPoolExecutor(args.confirms) as pool:
                baseline = list(pool.map(health, range(args.confirms)))
            report(f"baseline: {args.confirms} concurrent GET /healthz", baseline)
            with ThreadPoolExecutor(args.confirms) as pool:
                clicks = list(pool.map(confirm, range(args.confirms)))
                during = [command(1000 + n, channel="CDURING")[0] for n in range(args.commands)]
            report(f"{args.confirms} concurrent Confirm clicks (provider {args.delay:g} s)", clicks)
            report("slash commands while those calls are in flight", during)
            slack.wait_for("chat.postMessage", args.confirms, channel="CBENCH", timeout=args.delay * 10 + 30)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
