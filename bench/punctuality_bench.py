"""Scheduler punctuality of the real server (not a test): windows the bot keeps itself (trro), many at one moment.

Run from the project root:  .venv/bin/python bench/punctuality_bench.py [--windows 20] [--rounds 10] [--against REV]

1. ``--windows`` trro windows in one channel share one start and one end; the provider answers in 0.2 s and Slack
   in 0.3 s (and takes one message per second per channel, answering 429 beyond, as Slack does). Lateness of every
   create and delete call at the fake provider against the start and the end (negative: early).
   Target: creates p99 ≤ 0.5 s late; deletes may spread after the end.
2. Click → TaskId in the card's thread for ``--rounds`` "now" requests on trro (the bot's scheduler) and on
   Volcengine (a direct call), with the same slow fakes: the time from the Confirm click to the thread reply naming
   the TaskId (at the fake Slack, so it includes Slack's 0.3 s).

``--against REV`` runs the same against the code of a git revision (e.g. the scheduler before it slept until the
next due time), exported with ``git archive``, side by side in the table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from bench.harness import (
    BOT_COMMAND,
    ROOT,
    Client,
    Figure,
    ServerProcess,
    Stack,
    bench_env,
    deepen_backlogs,
    print_table,
    request_id_of,
)
from bot.store import open_store
from bot.store.tables import jobs, requests
from tests.fakes.providers import FakeProviders, Fault
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import block_action_body

USER = "UBENCH000"
PROVIDER_DELAY = 0.2
SLACK_DELAY = 0.3


@contextmanager
def stack_of(code: Path) -> Iterator[Stack]:
    """The fakes and one server running the code in ``code`` (this checkout, or an exported revision)."""
    slack, providers = FakeSlack().start(), FakeProviders().start()
    deepen_backlogs(slack, providers)
    slack.set_user(USER, tz="Asia/Shanghai")
    with tempfile.TemporaryDirectory() as home:
        Path(home, "bot.toml").write_text(providers.toml(timeout_seconds=15), encoding="utf-8")
        env = bench_env(slack, providers, home, PYTHONPATH=str(code), BOT_PROVIDER_WORKERS="24")
        server = ServerProcess(BOT_COMMAND, env, home).start()
        try:
            yield Stack(slack, providers, home, env, server, [USER])
        finally:
            server.stop()
            providers.stop()
            slack.stop()


def confirm(stack: Stack, client: Client, text: str, channel: str, card_ts: str) -> float:
    """Send a command and click Confirm on its card (whose ts is ``card_ts``); returns when the click was sent."""
    request_id = request_id_of(client.signed(stack.command_body(text, user=USER, channel=channel)))
    body = block_action_body(
        action_id="request_confirm", value=request_id, user=USER, channel=channel, message_ts=card_ts,
        response_url=stack.slack.response_url(f"click{card_ts}"),
    )  # fmt: skip
    clicked = time.monotonic()
    client.signed(body)
    return clicked


def wait(check: Callable[[], object], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.02)


def arrivals(providers: FakeProviders, action: str, devices: set[str]) -> list[float]:
    """Wall-clock arrival times at the fake trro of ``action`` calls for ``devices`` (or their TaskIds)."""
    offset = time.time() - time.monotonic()
    found = []
    for call in providers.trro.calls_to(action):
        text = json.dumps(call.params)
        if any(f'"{device}"' in text or device in text for device in devices):
            found.append(call.at + offset)
    return found


def windows_together(stack: Stack, count: int) -> tuple[list[float], list[float], int]:
    """Lateness (s) of every create and delete of ``count`` windows sharing a start and an end; Slack 429s."""
    client = Client(stack.server.url)
    channel, devices = "CPUNCT", {f"pw{n}" for n in range(count)}
    for n, device in enumerate(sorted(devices)):
        confirm(stack, client, f"{device}/0 tomorrow 15:00 to 15:30 on trro", channel, f"18300000{n:02d}.000100")
    store = open_store(f"sqlite:///{Path(stack.home, 'data', 'bot.sqlite3')}", migrate=False)
    try:
        scheduled = sa.select(sa.func.count()).where(requests.c.state == "scheduled")

        def all_scheduled() -> bool:
            with store.engine.connect() as connection:
                return connection.execute(scheduled).scalar() == count

        wait(all_scheduled, "every window scheduled")
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=12)
        end = start + timedelta(seconds=8)
        with store.engine.begin() as connection:  # one start and one end for all (the cards said tomorrow)
            connection.execute(sa.update(jobs).where(jobs.c.kind == "window.start").values(due_at=start))
            connection.execute(sa.update(jobs).where(jobs.c.kind == "window.stop").values(due_at=end))
    finally:
        store.engine.dispose()
    stack.slack.slow.update({"chat.postMessage": SLACK_DELAY, "chat.update": SLACK_DELAY})
    for action in ("CreateCloudRecording", "DeleteCloudRecording"):
        stack.providers.trro.inject(Fault.delay(PROVIDER_DELAY), action=action, times=count)
    wait(lambda: len(arrivals(stack.providers, "CreateCloudRecording", devices)) >= count, "creates")
    wait(lambda: len(stack.providers.trro.calls_to("DeleteCloudRecording")) >= count, "deletes")
    creates = [at - start.timestamp() for at in arrivals(stack.providers, "CreateCloudRecording", devices)]
    deletes = [at - end.timestamp() for at in arrivals(stack.providers, "DeleteCloudRecording", {""})]
    stack.slack.slow.clear()
    client.close()
    return creates, deletes, len([c for c in stack.slack.calls if c.status == 429])


def click_to_task_id(stack: Stack, provider: str, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds from the Confirm click of a "now" request to its create reaching the provider, and to the thread
    reply naming its TaskId."""
    client = Client(stack.server.url)
    stack.slack.slow.update({"chat.postMessage": SLACK_DELAY, "chat.update": SLACK_DELAY})
    action = "CreateCloudRecording" if provider == "trro" else "CreatePullRecordTask"
    (stack.providers.trro if provider == "trro" else stack.providers.volc).inject(
        Fault.delay(PROVIDER_DELAY), action=action, times=rounds
    )
    before = 0
    needle = "Recording started" if provider == "trro" else "Scheduled on"  # the reply that names the TaskId
    fake = stack.providers.trro if provider == "trro" else stack.providers.volc
    latencies, to_provider = [], []
    for n in range(rounds):
        channel, ts = f"CCLICK{provider}{n}", f"18400000{n:02d}.000100"
        target = f"live/now{n}" if provider == "volc" else f"now{n}"
        clicked = confirm(stack, client, f"{target}/0 now for 30m on trro" if provider == "trro" else
                          f"{target} now for 30m on volc", channel, ts)  # fmt: skip

        def replied(channel: str = channel, ts: str = ts) -> list[float]:
            calls = stack.slack.calls_to("chat.postMessage", channel=channel, thread_ts=ts)
            return [c.at for c in calls if needle in str(c.params.get("text"))]

        wait(replied, f"the TaskId of {provider} request {n}", timeout=60)
        latencies.append(replied()[0] - clicked)
        creates = fake.calls_to(action)
        to_provider.append(creates[before].at - clicked)
        before = len(creates)
    client.close()
    return to_provider, latencies


def measure(code: Path, label: str, windows: int, rounds: int) -> list[Figure]:
    with stack_of(code) as stack:
        creates, deletes, refused = windows_together(stack, windows)
    with stack_of(code) as stack:
        trro_create, trro = click_to_task_id(stack, "trro", rounds)
        volc_create, volc = click_to_task_id(stack, "volc", rounds)
    late = max(creates)
    return [
        Figure(f"{label}: create lateness at the start", creates, target="p99 ≤ 500 ms", met=late <= 0.5,
               note=f"max {late * 1000:.0f} ms, Slack 429s {refused}"),
        Figure(f"{label}: delete lateness at the end", deletes, note=f"max {max(deletes) * 1000:.0f} ms"),
        Figure(f"{label}: click → create at the provider, trro now", trro_create),
        Figure(f"{label}: click → create at the provider, volc now", volc_create),
        Figure(f"{label}: click → TaskId in thread, trro now", trro),
        Figure(f"{label}: click → TaskId in thread, volc now", volc),
    ]  # fmt: skip


def exported(revision: str, into: Path) -> Path:
    """The code of ``revision`` (``git archive``) in ``into``."""
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--against", help="a git revision to measure side by side (e.g. the old scheduler)")
    args = parser.parse_args()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as old:
        if args.against:
            figures += measure(exported(args.against, Path(old)), args.against[:10], args.windows, args.rounds)
        figures += measure(ROOT, "this code", args.windows, args.rounds)
    title = f"Punctuality: {args.windows} trro windows, one start; provider {PROVIDER_DELAY} s, Slack {SLACK_DELAY} s"
    print_table(title, figures)


if __name__ == "__main__":
    main()
