"""Provider throughput of the real server (not a test): many confirmations at once against fakes that enforce each
provider's documented rate limit.

Run from the project root:  .venv/bin/python bench/throughput_bench.py [--count 500] [--relays 200] [--replicas 2]

For each provider action: ``--count`` cards are proposed, then all are confirmed as fast as 20 clients can click.
The bot's own limiter must keep the create calls under the provider's limit (zero 429s at the fake) while using it:
the achieved rate (create calls per second at the fake, first to last) must be within 10 % of the limit.
Every confirmation must end with its TaskId in the card's thread.

Then the same for Volcengine recordings with ``--replicas`` servers sharing one database (the clicks spread over them,
as a load balancer would): together they must still stay under the limit.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import BOT_COMMAND, Client, Figure, ServerProcess, Stack, print_table, request_id_of, running_stack
from providers.ratelimit import DOCUMENTED_LIMITS
from tests.fakes.provider_server import FakeProviderServer

CLICKERS = 20


def confirm_all(stack: Stack, cards: list[tuple[str, str]], channel: str, urls: list[str]) -> None:
    """Confirm every card from ``CLICKERS`` clients, spread over the servers at ``urls``."""

    def clicker(index: int) -> None:
        share = cards[index::CLICKERS]
        client = Client(urls[index % len(urls)])
        try:
            for request_id, user in share:
                client.signed(stack.confirm_body(request_id, user=user, channel=channel))
        finally:
            client.close()

    with ThreadPoolExecutor(CLICKERS) as pool:
        list(pool.map(clicker, range(CLICKERS)))


def measure(
    stack: Stack,
    fake: FakeProviderServer,
    provider: str,
    action: str,
    texts: list[str],
    *,
    urls: list[str],
    label: str = "",
) -> list[Figure]:
    """Two figures: the rate once every click is in (the bot saturated, only its limiter holding it back), and over
    the whole batch (including the first seconds, when the same two cores also absorb the burst of clicks)."""
    channel = f"CTHRU{provider}{action}{len(urls)}"  # a channel per run: replies are counted per channel
    cards = owned_cards(stack, texts, channel)
    fake.reset()
    confirm_all(stack, cards, channel, urls)
    clicked = time.monotonic()  # the fakes stamp arrivals with the same clock
    stack.slack.wait_for("chat.postMessage", len(cards), channel=channel, timeout=len(cards) / 5 + 60)
    creates = [call for call in fake.calls_to(action) if call.outcome == "ok"]
    refused = fake.rate_limited_calls()
    limit = DOCUMENTED_LIMITS[(provider, action)]
    arrivals = sorted(call.at for call in creates)
    whole = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    later = [moment for moment in arrivals if moment >= clicked]
    steady = (len(later) - 1) / (later[-1] - later[0]) if len(later) > limit else whole
    replies = stack.slack.calls_to("chat.postMessage", channel=channel)
    with_task = sum("TaskId" in str(reply.params.get("text")) for reply in replies)
    complete = not refused and with_task == len(cards) == len(creates)
    target = f"within 10 % of {limit}/s, no 429"
    name = f"{len(cards)} confirmations at once{label}, {provider} {action}"
    return [
        Figure(f"{name}: once all clicks are in", [steady], unit="/s", target=target,
               met=abs(steady - limit) <= 0.1 * limit and complete,
               note=f"{len(creates)} created, {len(refused)} × 429, busiest second {busiest_second(arrivals)} calls, "
               f"{with_task} TaskIds in threads"),
        Figure(f"{name}: whole batch, first to last call", [whole], unit="/s", target=target,
               met=abs(whole - limit) <= 0.1 * limit and complete,
               note=f"clicks took {clicked - arrivals[0]:.1f} s to send"),
    ]  # fmt: skip


def busiest_second(arrivals: list[float]) -> int:
    """The most calls that arrived within any one second (what the provider's limiter counts)."""
    most, first = 0, 0
    for last, moment in enumerate(arrivals):
        while moment - arrivals[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def owned_cards(stack: Stack, texts: list[str], channel: str) -> list[tuple[str, str]]:
    """Propose one card per text; each is confirmed later by the user who asked for it."""
    cards: list[tuple[str, str]] = []
    bodies = []
    for index, text in enumerate(texts):
        user = stack.users[index % len(stack.users)]
        command = "/relay" if " from rtmp" in text else "/record"
        bodies.append((stack.command_body(text, user=user, channel=channel, command=command), user))

    def send(share: list[tuple[bytes, str]]) -> list[tuple[str, str]]:
        own = Client(stack.server.url)
        try:
            return [(request_id_of(own.signed(body)), user) for body, user in share]
        finally:
            own.close()

    with ThreadPoolExecutor(10) as pool:
        for found in pool.map(send, [bodies[i::10] for i in range(10)]):
            cards.extend(found)
    return cards


def run(count: int = 500, relays: int = 200, replicas: int = 2) -> list[Figure]:
    figures: list[Figure] = []
    with running_stack() as stack:
        fakes = stack.providers
        cases = [
            (fakes.volc, "volc", "CreatePullRecordTask",
             [f"live/thru{i} tomorrow 15:00 to 15:30 on volc" for i in range(count)]),
            (fakes.tencent, "tencent", "CreateRecordTask",
             [f"live/thru{i} tomorrow 15:00 to 15:30 on tencent" for i in range(count)]),
            (fakes.volc, "volc", "CreateRelaySourceV4",
             [f"live/relay{i} from rtmp://src.example.com/live/in{i} tomorrow 9am to 11am on volc"
              for i in range(relays)]),
        ]  # fmt: skip
        for fake, provider, action, texts in cases:
            figures += measure(stack, fake, provider, action, texts, urls=[stack.server.url])
        pss, rss = stack.server.pss_mb(), stack.server.rss_mb()
        figures.append(Figure("memory after the throughput runs (PSS)", [pss], unit="MB", target="≤ 150 MB",
                              met=pss <= 150, note="RSS master + worker " + " + ".join(f"{v:.0f}" for v in rss.values())
                              + " MB"))  # fmt: skip
        if replicas > 1:
            others = [ServerProcess(BOT_COMMAND, stack.env, stack.home).start() for _ in range(replicas - 1)]
            try:
                texts = [f"live/rep{i} tomorrow 15:00 to 15:30 on volc" for i in range(count)]
                urls = [stack.server.url, *(other.url for other in others)]
                label = f" across {replicas} replicas sharing one database"
                figures += measure(stack, fakes.volc, "volc", "CreatePullRecordTask", texts, urls=urls, label=label)
            finally:
                for other in others:
                    other.stop()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--relays", type=int, default=200)
    parser.add_argument(
        "--replicas", type=int, default=2, help="servers sharing one database in the last run (1: skip)"
    )
    args = parser.parse_args()
    print_table("Provider throughput", run(args.count, args.relays, args.replicas))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
