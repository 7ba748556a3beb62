"""Cold start of the real server (not a test): process start → ``GET /healthz`` answers → first ``/record`` acknowledged.

Run from the project root:  .venv/bin/python bench/cold_start_bench.py [--starts 5]

Each start is a fresh ``python -m bot serve`` (new interpreter, nothing cached in memory), either on a new, empty data
directory (the database is created and migrated first: a first deployment) or on an existing one (a restart).
Target: first command acknowledged ≤ 1.5 s after the process starts.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    BOT_COMMAND,
    Client,
    Figure,
    bench_env,
    deepen_backlogs,
    free_port,
    print_table,
    request_id_of,
)
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import slash_command_body

TARGET = 1.5


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def one_start(slack: FakeSlack, providers: FakeProviders, home: str) -> tuple[float, float]:
    """Seconds from spawning the process to /healthz answering, and to the first /record answered with a card."""
    port = free_port()
    env = bench_env(slack, providers, home, PORT=str(port))
    body = slash_command_body(command="/record", text="live/cold tomorrow 15:00 to 15:30 on volc", user="UCOLD",
                              channel="CCOLD", response_url=slack.response_url("cold"))  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(BOT_COMMAND, env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not healthy(port):
            if process.poll() is not None:
                raise RuntimeError("the server exited during start-up")
            if time.perf_counter() - started > 60:
                raise RuntimeError("the server did not become healthy within 60 s")
            time.sleep(0.005)
        ready = time.perf_counter() - started
        request_id_of(Client(f"http://127.0.0.1:{port}").signed(body))
        acknowledged = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=60)
    return ready, acknowledged


def run(starts: int = 5) -> list[Figure]:
    slack, providers = FakeSlack().start(), FakeProviders().start()
    deepen_backlogs(slack, providers)
    slack.set_user("UCOLD")
    fresh_ready, fresh_ack, again_ready, again_ack = [], [], [], []
    try:
        with tempfile.TemporaryDirectory() as kept:
            Path(kept, "bot.toml").write_text(providers.toml(), encoding="utf-8")
            one_start(slack, providers, kept)  # creates the database the restarts reuse (and warms the OS caches)
            for _ in range(starts):
                with tempfile.TemporaryDirectory() as home:
                    shutil.copy(Path(kept, "bot.toml"), home)
                    ready, ack = one_start(slack, providers, home)
                fresh_ready.append(ready)
                fresh_ack.append(ack)
                ready, ack = one_start(slack, providers, kept)
                again_ready.append(ready)
                again_ack.append(ack)
    finally:
        providers.stop()
        slack.stop()
    target = f"≤ {TARGET * 1000:.0f} ms"
    return [
        Figure("cold start → /healthz ready (restart, database exists)", again_ready),
        Figure("cold start → first /record acknowledged (restart)", again_ack, target=target,
               met=max(again_ack) <= TARGET),
        Figure("cold start → /healthz ready (new database, migrated first)", fresh_ready),
        Figure("cold start → first /record acknowledged (new database)", fresh_ack, target=target,
               met=max(fresh_ack) <= TARGET),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=5)
    print_table("Cold start", run(parser.parse_args().starts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
