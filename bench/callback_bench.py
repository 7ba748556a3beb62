"""Callback → "Recording ready" latency on the real server (not a test).

Run from the project root:  .venv/bin/python bench/callback_bench.py [--requests 40] [--burst 20]

For each of ``--requests`` confirmed Tencent recordings, the fake Tencent sends event 100 (signed) to
``POST /callbacks/tencent``; measured: the provider's wait for its answer (``{"code":0}``), and the time from sending
the callback to the fake Slack receiving the "Recording ready" ``chat.postMessage`` in the card's thread. Then
``--burst`` callbacks arrive at once (the provider delivering a backlog).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Figure, Stack, print_table, request_id_of, running_stack
from tests.fakes.callback_sender import CallbackSender
from tests.fakes.slack_requests import block_action_body, signed_headers

KEY = "bench-callback-key"
HOST = "1250000000.vod2.myqcloud.com"


def confirmed(stack: Stack, client: httpx.Client, n: int) -> tuple[str, str]:
    """A confirmed Tencent recording of stream ``cb{n}`` in its own channel; returns (channel, card ts)."""
    channel, ts = f"CCB{n:04d}", f"19{n:08d}.000100"
    body = stack.command_body(f"live/cb{n} tomorrow 15:00 to 15:30 on tencent", user=stack.users[0], channel=channel)
    request_id = request_id_of(_post(stack, client, body))
    click = block_action_body(action_id="request_confirm", value=request_id, user=stack.users[0], channel=channel,
                              message_ts=ts, response_url=stack.slack.response_url(f"cbclick{n}"))  # fmt: skip
    _post(stack, client, click)
    return channel, ts


def _post(stack: Stack, client: httpx.Client, body: bytes) -> bytes:
    headers = signed_headers("bench-signing-secret", body, content_type="application/x-www-form-urlencoded")
    return client.post(f"{stack.server.url}/slack/events", content=body, headers=headers).content


def task_of(stack: Stack, stream: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for task in list(stack.providers.tencent.tasks.values()):
            if task.get("StreamName") == stream:
                return str(task["TaskId"])
        time.sleep(0.02)
    raise RuntimeError(f"no task for {stream}")


def ready_at(stack: Stack, channel: str, ts: str, timeout: float = 30.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in stack.slack.calls_to("chat.postMessage", channel=channel, thread_ts=ts):
            if "Recording ready" in call.shown:
                return call.at
        time.sleep(0.002)
    raise RuntimeError(f"no Recording ready in {channel}")


def deliver(sender: CallbackSender, stack: Stack, n: int) -> tuple[float, float]:
    """Send stream ``cb{n}``'s file callback; returns (sent at, answered after)."""
    now = int(time.time())
    body = sender.signed("tencent", sender.tencent_file(
        task_id=task_of(stack, f"cb{n}"), domain="5000.live.push.com", app="live", stream=f"cb{n}",
        file_id=f"52858907817{n:05d}", url=f"https://{HOST}/f/{n}.mp4", start=now, end=now + 1800,
    ))  # fmt: skip
    raw = json.dumps(body).encode()
    sent = time.monotonic()
    answer = sender.post("tencent", raw)
    answered = time.monotonic() - sent
    if answer.status_code != 200:
        raise RuntimeError(f"callback answered {answer.status_code}")
    return sent, answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--burst", type=int, default=20)
    args = parser.parse_args()
    total = args.requests + args.burst
    with running_stack(TENCENT_LIVE_CALLBACK_KEY=KEY) as stack, \
            httpx.Client(timeout=30) as client:  # fmt: skip
        cards = [confirmed(stack, client, n) for n in range(total)]
        for n in range(total):
            task_of(stack, f"cb{n}")
        sender = CallbackSender(stack.server.url, {"tencent": KEY})
        answers, latencies = [], []
        for n in range(args.requests):
            sent, answered = deliver(sender, stack, n)
            answers.append(answered)
            latencies.append(ready_at(stack, *cards[n]) - sent)
        burst_sent: dict[int, float] = {}

        def one(n: int) -> None:
            burst_sent[n], _ = deliver(sender, stack, n)

        threads = [threading.Thread(target=one, args=(n,)) for n in range(args.requests, total)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        burst = [ready_at(stack, *cards[n]) - burst_sent[n] for n in range(args.requests, total)]
    print_table("Callback → thread message (Tencent event 100, one serve process, SQLite)", [
        Figure("callback answered (the provider's wait)", answers, target="≤ 4 s (Volcengine's limit)",
               met=max(answers) <= 4.0),
        Figure("callback → Recording ready posted, one at a time", latencies),
        Figure(f"callback → Recording ready posted, {args.burst} at once", burst),
    ])  # fmt: skip


if __name__ == "__main__":
    main()
