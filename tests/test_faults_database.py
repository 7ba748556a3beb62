"""The database briefly unavailable, end to end through the real ``python -m bot serve`` process.

- SQLite: another process holds the write lock for a moment; the bot waits for it (busy timeout) and answers.
- PostgreSQL: connections are refused for a moment (a TCP relay in front of the test server is switched off). The
  person gets a clear private answer ("nothing was saved or sent, try again"), no card half-made, no provider call;
  once the database is back the same buttons work and the request goes through exactly once.
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.lifecycle import RequestState
from bot.store import open_store
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.faults_support import leaked_lines, start_server, submit, text_of
from tests.fixtures_slack import REQUESTER, click, command, request_id_of, unique

UNAVAILABLE = "database is not answering"
CREATE = "CreatePullRecordTask"


def volc_creates(fakes: FakeProviders, stream: str) -> int:
    return len([c for c in fakes.volc.calls_to(CREATE) if c.params.get("Stream") == stream])


# --- SQLite: the file is locked for a moment ----------------------------------------------------------------------


def hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Take SQLite's write lock from another connection (as another process would) and keep it ``seconds``."""
    taken = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        connection.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert taken.wait(10)
    return thread


def test_a_briefly_locked_sqlite_file_delays_the_answer_but_loses_nothing(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path: Path
) -> None:
    server = start_server(tmp_path, slack_api, provider_fakes)
    database = tmp_path / "data" / "bot.sqlite3"
    try:
        holder = hold_write_lock(database, 1.0)
        stream = unique("locked")
        card = command(server, slack_api, f"live/{stream} tomorrow 15:00 to 15:30 on volc", channel=unique("CLOCK"))
        holder.join()
        assert card["response_type"] == "in_channel", card  # the card, once the lock was released
        request_id = request_id_of(card)

        holder = hold_write_lock(database, 1.0)
        submission = submit(server, slack_api, "{stream} tomorrow 16:00 to 16:30 on volc", stream=f"live/{stream}b")
        holder.join()
        assert "Scheduled" in submission.final_state(slack_api)
        assert volc_creates(provider_fakes, f"{stream}b") == 1
        store = open_store(f"sqlite:///{database}", migrate=False)
        try:
            stored = store.get(request_id)
            assert stored is not None and stored.state is RequestState.PROPOSED  # the first card, waiting
            assert len(store.list_requests(channel=submission.channel)) == 1
        finally:
            store.engine.dispose()
    finally:
        server.stop()
    assert leaked_lines(server) == []


# --- PostgreSQL: connections refused for a moment ------------------------------------------------------------------


class Relay:
    """A TCP relay 127.0.0.1:port → target that can be switched off (connections refused, open ones cut) and on."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> Relay:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def down(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, []
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept() (close alone does not)
            listener.close()
        for each in sockets:
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
            each.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            if self._listener is not listener:  # switched off meanwhile: refuse
                client.close()
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.fixture
def relayed_postgres(postgres_url: str) -> Iterator[tuple[Relay, str]]:
    """A migrated, empty PostgreSQL schema reached through a :class:`Relay`; yields the relay and the bot's URL."""
    open_store(postgres_url, migrate=True).engine.dispose()
    url = sa.engine.make_url(postgres_url)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432)).up()
    yield relay, url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    relay.down()


@pytest.mark.postgres
def test_postgres_refusing_connections_gets_a_clear_answer_and_nothing_half_done(
    slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path: Path, relayed_postgres: tuple[Relay, str]
) -> None:
    relay, database_url = relayed_postgres
    server = start_server(tmp_path, slack_api, provider_fakes, DATABASE_URL=database_url)
    try:
        channel, stream = unique("CPGDOWN"), unique("pgdown")
        card = command(server, slack_api, f"live/{stream} tomorrow 15:00 to 15:30 on volc", channel=channel)
        request_id = request_id_of(card)

        relay.down()
        answer = command(server, slack_api, f"live/{stream}x tomorrow 15:00 to 15:30 on volc", channel=channel)
        assert answer["response_type"] == "ephemeral", answer  # no card for the channel
        assert UNAVAILABLE in answer["text"]
        token = unique("pgclick")
        ts = "1810000000.000100"
        refused = click(
            server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts, response_token=token
        )
        assert refused.status_code == 200
        said = slack_api.wait_for(f"response_url:{token}")[0]
        assert UNAVAILABLE in text_of(said) and said.params["response_type"] == "ephemeral"

        relay.up()
        submission_token = unique("pgclick")
        click(
            server, slack_api, "request_confirm", request_id, channel=channel, card_ts=ts,
            response_token=submission_token, user=REQUESTER,
        )  # fmt: skip
        reply = slack_api.wait_for("chat.postMessage", channel=channel, thread_ts=ts)[0]
        assert "TaskId" in text_of(reply)
        assert volc_creates(provider_fakes, stream) == 1
        assert volc_creates(provider_fakes, f"{stream}x") == 0
    finally:
        server.stop()
    assert leaked_lines(server) == []
