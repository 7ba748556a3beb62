"""What every benchmark needs: the fakes, the real server process, a light keep-alive client, and percentiles.

- :class:`Stack` starts the fake Slack Web API, the four fake providers and ``python -m bot serve`` (or any other
  server command, e.g. the bare Bolt floor) on loopback, with a fresh data directory.
- :class:`Client` is one persistent HTTP/1.1 connection (``http.client``): no connection set-up per request, so the
  figures measure the server, not the client's handshakes.
- :func:`burst_latencies` sends ``concurrency`` signed requests at the same instant (a barrier), ``rounds`` times,
  each from its own thread and connection: "50 people press Enter at once".
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fakes.providers import FakeProviders  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402
from tests.fakes.slack_requests import block_action_body, signed_headers, slash_command_body  # noqa: E402

SECRET = "bench-signing-secret"
BOT_COMMAND = [sys.executable, "-m", "bot", "serve"]
FLOOR_COMMAND = [sys.executable, str(ROOT / "bench" / "bare_bolt_app.py")]
FORM = "application/x-www-form-urlencoded"
_names = itertools.count(1)


def machine() -> str:
    """``2 cores, Python 3.11.7, Linux x86_64`` — printed with every table."""
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.99 → p99)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


@dataclass
class Figure:
    """One row of the results table. ``values`` are seconds unless ``unit`` says otherwise."""

    name: str
    values: list[float]
    unit: str = "ms"
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p99(self) -> float:
        return percentile(self.values, 0.99)

    def cells(self) -> tuple[str, str, str, str]:
        scale = 1000.0 if self.unit == "ms" else 1.0
        verdict = "" if self.met is None else ("met" if self.met else "MISSED")
        n = str(len(self.values))
        if len(self.values) == 1:
            return n, f"{self.values[0] * scale:.1f} {self.unit}", "", verdict
        return n, f"{self.median * scale:.1f} {self.unit}", f"{self.p99 * scale:.1f} {self.unit}", verdict


def print_table(title: str, figures: list[Figure]) -> None:
    print(f"\n## {title}\n\nmachine: {machine()}\n")
    print("| measurement | n | median | p99 | target | |")
    print("|---|---|---|---|---|---|")
    for figure in figures:
        n, median, p99, verdict = figure.cells()
        name = figure.name + (f" ({figure.note})" if figure.note else "")
        print(f"| {name} | {n} | {median} | {p99} | {figure.target} | {verdict} |")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Client:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
        try:
            return self._send(method, path, body, headers or {})
        except (http.client.HTTPException, OSError):  # the server closed an idle keep-alive connection
            self._connection.close()
            return self._send(method, path, body, headers or {})

    def _send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
        self._connection.request(method, path, body=body, headers=headers)
        response = self._connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path} answered {response.status}: {data[:300]!r}")
        return data

    def signed(self, body: bytes, secret: str = SECRET) -> bytes:
        return self.request("POST", "/slack/events", body, signed_headers(secret, body, content_type=FORM))

    def close(self) -> None:
        self._connection.close()


def _kb(path: str, field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", Path(path).read_text(), re.MULTILINE)
    return int(match.group(1)) if match else 0


class ServerProcess:
    """A server subprocess whose log is collected; ``url`` comes from the server's "Listening at" line."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str) -> None:
        self.argv, self.env, self.cwd = argv, env, cwd
        self.log: list[str] = []
        self.url = ""
        self.process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 60.0) -> ServerProcess:
        self.process = subprocess.Popen(
            self.argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        found = threading.Event()

        def drain() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                self.log.append(line.rstrip())
                match = re.search(r"Listening at: (http://[\d.]+:\d+)", line)
                if match:
                    self.url = match.group(1)
                    found.set()

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not found.wait(0.02):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("server did not start:\n" + "\n".join(self.log[-40:]))
        Client(self.url).request("GET", "/healthz")  # the worker is up too
        return self

    def pids(self) -> list[int]:
        """The master and its children (none with uvicorn; gunicorn had a worker)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [self.process.pid, *map(int, children)]

    def rss_mb(self) -> dict[int, float]:
        """Resident memory per process in MB (from /proc; pages the worker shares with the master count twice)."""
        return {pid: _kb(f"/proc/{pid}/status", "VmRSS") / 1024 for pid in self.pids()}

    def pss_mb(self) -> float:
        """Proportional set size of master + worker in MB: shared pages split between them, so this is what the
        service really costs the machine."""
        return sum(_kb(f"/proc/{pid}/smaps_rollup", "Pss") for pid in self.pids()) / 1024

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class Stack:
    """Fake Slack, fake providers and one server process. Use :func:`running_stack`."""

    slack: FakeSlack
    providers: FakeProviders
    home: str
    env: dict[str, str]
    server: ServerProcess
    users: list[str] = field(default_factory=list)

    def command_body(self, text: str, *, user: str, channel: str = "CBENCH", command: str = "/record") -> bytes:
        token = f"cmd{next(_names)}"
        return slash_command_body(
            command=command, text=text, user=user, channel=channel, response_url=self.slack.response_url(token)
        )

    def confirm_body(self, request_id: str, *, user: str, channel: str = "CBENCH") -> bytes:
        n = next(_names)
        return block_action_body(
            action_id="request_confirm", value=request_id, user=user, channel=channel,
            message_ts=f"19{n:08d}.000100", response_url=self.slack.response_url(f"click{n}"),
        )  # fmt: skip


def bench_env(slack: FakeSlack, providers: FakeProviders, home: str, **extra: str) -> dict[str, str]:
    return {
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
        **extra,
    }


def deepen_backlogs(slack: FakeSlack, providers: FakeProviders) -> None:
    """The fakes listen with Python's default backlog of 5: a burst of 50 new connections would wait for SYN
    retransmits (1 s, 3 s), which real Slack never makes anyone wait. Re-listening raises it on Linux."""
    for server in (slack._server, *(fake._server for fake in providers.all)):
        if server is not None:
            server.socket.listen(256)


@contextmanager
def running_stack(argv: list[str] = BOT_COMMAND, users: int = 50, **extra_env: str) -> Iterator[Stack]:
    """Start the fakes and the server; ``users`` Slack users ``UBENCH000…`` exist (zone and locale known)."""
    slack = FakeSlack().start()
    providers = FakeProviders().start()
    deepen_backlogs(slack, providers)
    with tempfile.TemporaryDirectory() as home:
        Path(home, "bot.toml").write_text(providers.toml(timeout_seconds=15), encoding="utf-8")
        env = bench_env(slack, providers, home, **extra_env)
        names = [f"UBENCH{i:03d}" for i in range(users)]
        for name in names:
            slack.set_user(name, tz="Asia/Shanghai")
        server = ServerProcess(argv, env, home).start()
        try:
            yield Stack(slack, providers, home, env, server, names)
        finally:
            server.stop()
            providers.stop()
            slack.stop()


def burst_latencies(
    url: str, make_body: Callable[[int, int], bytes], *, concurrency: int, rounds: int, pause: float = 0.0
) -> tuple[list[float], list[bytes]]:
    """``rounds`` bursts of ``concurrency`` signed requests released together; ``make_body(worker, round)``;
    ``pause`` seconds between bursts.

    Each worker has its own keep-alive connection, opened (and used once for ``/healthz``) before timing starts.
    Returns every latency and every response body.
    """
    barrier = threading.Barrier(concurrency)
    latencies: list[float] = []
    bodies: list[bytes] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        client = Client(url)
        try:
            client.request("GET", "/healthz")
            for round_ in range(rounds):
                body = make_body(index, round_)
                if pause and round_:
                    time.sleep(pause)
                barrier.wait()
                started = time.perf_counter()
                answer = client.signed(body)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    bodies.append(answer)
        except BaseException as exc:  # report after the join, do not hang the barrier
            failures.append(exc)
            barrier.abort()
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return latencies, bodies


def request_id_of(answer: bytes) -> str:
    """The request id in a card's Confirm button (raises when the answer is not a card)."""
    card: dict[str, Any] = json.loads(answer)
    for block in card.get("blocks", []):
        if block.get("type") == "actions":
            return str(block["elements"][0]["value"])
    raise RuntimeError(f"not a card: {card}")
