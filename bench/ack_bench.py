"""Acknowledgement latency of ``/record`` on the real server, beside the bare-Bolt floor (not a test).

Run from the project root:  .venv/bin/python bench/ack_bench.py [--rounds 10] [--slow 50] [--delay 5]

1. ``/record`` (a card in the ack) at 1, 10 and 50 concurrent requests, warm ``users.info`` cache, beside the same
   bursts against :mod:`bench.bare_bolt_app` (the same server + Bolt, only ``ack()``): the floor.
   Targets: p99 ≤ 1.5 × floor and ≤ 150 ms at 50 concurrent.
2. The first command of 50 people at once (every one a ``users.info`` cache miss).
3. Bursts of 10 commands while ``--slow`` confirmed requests wait on a provider that takes ``--delay`` s each.
4. The same bursts while 100 loopback clients hold half-sent requests open (slow or stalled clients).
5. Memory (RSS) of the server idle and after all that.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    BOT_COMMAND,
    FLOOR_COMMAND,
    FORM,
    Client,
    Figure,
    Stack,
    burst_latencies,
    print_table,
    request_id_of,
    running_stack,
)
from tests.fakes.providers import Fault

LEVELS = (1, 10, 50)
SPACED_ROUNDS = 30
SLOW_CLIENTS = 100
TEXT = "live/bench{n} tomorrow 15:00 to 15:30 on volc"


def record_bursts(stack: Stack, concurrency: int, rounds: int, tag: str, pause: float = 0.0) -> list[float]:
    def body(worker: int, round_: int) -> bytes:
        user = stack.users[worker % len(stack.users)]
        return stack.command_body(TEXT.format(n=f"{tag}{worker}x{round_}"), user=user)

    latencies, answers = burst_latencies(stack.server.url, body, concurrency=concurrency, rounds=rounds, pause=pause)
    for answer in answers[:3]:
        request_id_of(answer)  # a real card, not an error message
    return latencies


def record_bursts_floor(stack: Stack, concurrency: int, rounds: int) -> list[float]:
    def body(worker: int, round_: int) -> bytes:
        return stack.command_body(TEXT.format(n=f"f{worker}x{round_}"), user=stack.users[worker % len(stack.users)])

    return burst_latencies(stack.server.url, body, concurrency=concurrency, rounds=rounds)[0]


def rounds_for(level: int, rounds: int) -> int:
    """Enough samples for a p99 at every level (≥ 200 requests)."""
    return max(rounds, -(-200 // level))


def run(rounds: int = 10, slow: int = 50, delay: float = 5.0, bot_command: list[str] | None = None) -> list[Figure]:
    figures: list[Figure] = []
    floor = floor_bursts_all(rounds)
    with running_stack(bot_command or BOT_COMMAND) as stack:
        idle = stack.server.pss_mb(), stack.server.rss_mb()
        cold, _ = burst_latencies(
            stack.server.url,
            lambda w, r: stack.command_body(TEXT.format(n=f"cold{w}"), user=stack.users[w]),
            concurrency=len(stack.users),
            rounds=1,
        )
        ours: dict[int, list[float]] = {}
        for level in LEVELS:
            ours[level] = record_bursts(stack, level, rounds_for(level, rounds), f"w{level}-")
        for level in LEVELS:
            bound = 1.5 * floor[level][1]
            p99 = Figure("", ours[level]).p99
            figures.append(Figure(f"floor: bare Bolt ack, {level} concurrent", floor[level][0]))
            met = p99 <= bound and (level != 50 or p99 <= 0.150)
            target = f"p99 ≤ {bound * 1000:.0f} ms" + (" and ≤ 150 ms" if level == 50 else "")
            figures.append(
                Figure(f"/record → card in the ack, {level} concurrent", ours[level], target=target, met=met)
            )
        figures.append(Figure("/record, 50 at once, each a users.info cache miss", cold))

        # Slow work in flight: confirm ``slow`` cards whose provider call takes ``delay`` s each, then send bursts of
        # 10 commands every 0.1 s while those calls wait (the same pattern measured first without them).
        quiet = record_bursts(stack, 10, SPACED_ROUNDS, "quiet-", pause=0.1)
        cards = [stack.command_body(TEXT.format(n=f"slow{i}"), user=stack.users[i % 50]) for i in range(slow)]
        client = Client(stack.server.url)
        ids = [(request_id_of(client.signed(card)), stack.users[i % 50]) for i, card in enumerate(cards)]
        stack.providers.volc.inject(Fault.delay(delay), action="CreatePullRecordTask", times=slow)
        for request_id, user in ids:
            client.signed(stack.confirm_body(request_id, user=user))
        client.close()
        started = time.monotonic()
        time.sleep(min(0.5, delay / 4))
        during = record_bursts(stack, 10, SPACED_ROUNDS, "during-", pause=0.1)
        waiting = slow - len(stack.slack.calls_to("chat.postMessage", channel="CBENCH"))
        baseline = Figure("", quiet).p99
        p99 = Figure("", during).p99
        figures.append(Figure("/record, 10 concurrent every 0.1 s, nothing else running", quiet))
        figures.append(
            Figure(
                f"the same while {slow} confirmed {delay:g}-s provider calls are in flight",
                during,
                target=f"p99 ≤ {1.5 * baseline * 1000:.0f} ms (1.5 × without)",
                met=p99 <= 1.5 * baseline,
                note=f"{waiting} of {slow} still unfinished after {time.monotonic() - started:.1f} s",
            )
        )
        stack.slack.wait_for("chat.postMessage", slow, channel="CBENCH", timeout=slow * delay + 60)

        # Slow clients: SLOW_CLIENTS loopback connections that send their headers and half a body, then stall.
        with stalled_clients(stack.server.url, SLOW_CLIENTS):
            stalled = record_bursts(stack, 10, SPACED_ROUNDS, "stalled-", pause=0.1)
        figures.append(
            Figure(
                f"the same while {SLOW_CLIENTS} clients hold half-sent requests open",
                stalled,
                target=f"p99 ≤ {1.5 * baseline * 1000:.0f} ms (1.5 × without)",
                met=Figure("", stalled).p99 <= 1.5 * baseline,
            )
        )
        after = stack.server.pss_mb(), stack.server.rss_mb()
        figures.append(memory_figure("memory idle (PSS, master + worker)", *idle))
        figures.append(memory_figure("memory after the load above (PSS)", *after))
    return figures


@contextlib.contextmanager
def stalled_clients(url: str, count: int) -> Iterator[None]:
    """``count`` connections (loopback only) that send headers and half of a 1 kB body, then wait; closed after."""
    parts = urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "localhost", "::1"), "slow clients only against a local server"
    head = (f"POST /slack/events HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: {FORM}\r\n"
            "Content-Length: 1024\r\n\r\n").encode() + b"x" * 512  # fmt: skip
    sockets = []
    try:
        for _ in range(count):
            held = socket.create_connection((parts.hostname, parts.port or 80), timeout=5)
            held.sendall(head)
            sockets.append(held)
        time.sleep(0.2)  # let the server take them all in
        yield
    finally:
        for held in sockets:
            held.close()


def floor_bursts_all(rounds: int) -> dict[int, tuple[list[float], float]]:
    """Floor latencies per level and their p99."""
    found: dict[int, tuple[list[float], float]] = {}
    with running_stack(FLOOR_COMMAND) as stack:
        record_bursts_floor(stack, 10, 3)  # warm up
        for level in LEVELS:
            values = record_bursts_floor(stack, level, rounds_for(level, rounds))
            found[level] = (values, Figure("", values).p99)
    return found


def memory_figure(name: str, pss: float, rss: dict[int, float]) -> Figure:
    parts = " + ".join(f"{value:.0f}" for value in rss.values())
    return Figure(name, [pss], unit="MB", target="≤ 150 MB", met=pss <= 150, note=f"RSS master + worker {parts} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--bot-command", help="serve with this command instead (to compare a variant)")
    args = parser.parse_args()
    command = shlex.split(args.bot_command) if args.bot_command else None
    print_table("Acknowledgements", run(args.rounds, args.slow, args.delay, command))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
