"""Store fixtures: every store test runs on SQLite and on PostgreSQL, each test in a clean database.

- ``store_url``: an empty database (SQLite file in tmp_path, or a fresh PostgreSQL schema), parametrized over both;
- ``store``: a migrated :class:`~bot.store.SqlRequestStore` on it;
- ``sqlite_store``: the same on SQLite only, for tests that do not care about the engine.

PostgreSQL comes from ``TEST_DATABASE_URL`` (default: CI's ``postgresql://bot:bot@127.0.0.1:5432/bot_test``). Each
test gets its own schema (``search_path`` set in the URL, so subprocesses given the URL see it too), dropped after.
Without a server the PostgreSQL cases are skipped — unless ``CI`` is set, where that is a failure.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.core.model import TaskRequest
from bot.errors import BotError
from bot.flow import Event, Outcome
from bot.flow.life import RequestLife
from bot.flow.reconcile import Reconciler
from bot.flow.stopping import TaskStopper
from bot.flow.windows import WindowJobs
from bot.lifecycle import StoredRequest
from bot.slack.outcomes import thread_reply
from bot.store import SqlRequestStore, normalize_url, open_store
from providers.base import PlannedCall, Provider, TaskResult, TaskStatus

DEFAULT_TEST_DATABASE_URL = "postgresql://bot:bot@127.0.0.1:5432/bot_test"


@cache
def postgres_base_url() -> str | None:
    """The test server's URL (psycopg driver), or None when none answers."""
    url = normalize_url(os.environ.get("TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL)
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError:
        return None
    finally:
        engine.dispose()
    return url


def require_postgres() -> str:
    url = postgres_base_url()
    if url is None:
        message = "no PostgreSQL answers at TEST_DATABASE_URL (start one with .ci/postgres.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'bot.sqlite3'}"


@contextlib.contextmanager
def fresh_postgres_schema(prefix: str = "test_") -> Iterator[str]:
    """A URL whose connections all work in a fresh, empty schema of the test server; the schema is dropped after."""
    base = require_postgres()
    schema = prefix + secrets.token_hex(6)
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.engine.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections all work in a fresh, empty schema of the test server."""
    with fresh_postgres_schema("test_") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[SqlRequestStore]:
    """A migrated store on each engine."""
    opened = open_store(store_url, migrate=True)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SqlRequestStore]:
    """A migrated store on SQLite only."""
    opened = open_store(sqlite_url(tmp_path), migrate=True)
    yield opened
    opened.engine.dispose()


# --- a test double of providers.base.Provider, for the scheduler and reconciliation tests ---------------------------


class RecordingProvider:
    """Implements :class:`providers.base.Provider` in memory: remembers every create and cancel (thread-safe),
    and fails or finds as told. Stands in for another layer's interface, not for our own code."""

    def __init__(self, key: str, *, keeps_window: bool, can_look_up: bool) -> None:
        self.key = key
        self.keeps_window = keeps_window
        self.can_look_up = can_look_up
        self.can_report_status = False
        self.created: list[TaskRequest] = []
        self.cancelled: list[str] = []
        self.create_error: Exception | None = None
        self.cancel_error: Exception | None = None
        self.found: dict[str, str] = {}  # target label -> TaskId that find() reports
        self.find_error: Exception | None = None
        self._lock = threading.Lock()

    def validate(self, request: TaskRequest, now: datetime) -> None:
        return None

    def plan(self, request: TaskRequest, now: datetime) -> list[PlannedCall]:
        return []

    def create(self, request: TaskRequest) -> TaskResult:
        with self._lock:
            if self.create_error is not None:
                raise self.create_error
            self.created.append(request)
            number = len(self.created)
        return TaskResult(self.key, "Create", f"task-{number}", f"req-{number}")

    def cancel(self, request: TaskRequest, task_id: str) -> TaskResult:
        with self._lock:
            if self.cancel_error is not None:
                raise self.cancel_error
            self.cancelled.append(task_id)
        return TaskResult(self.key, "Delete", task_id, "req-cancel")

    def find(self, request: TaskRequest) -> str | None:
        if self.find_error is not None:
            raise self.find_error
        return self.found.get(request.target.label())

    def status(self, request: TaskRequest, task_id: str) -> TaskStatus:
        raise BotError("provider.unknown", provider=self.key, known="")

    def can_extend_in_place(self, request: TaskRequest) -> bool:
        return False

    def tasks_per_stream(self, request: TaskRequest) -> int | None:
        return None

    def extend_in_place(self, request: TaskRequest, task_id: str) -> TaskResult:
        raise BotError("provider.unknown", provider=self.key, known="")


class Providers:
    """A provider registry double: ``get(key)`` like :class:`providers.registry.ProviderRegistry`."""

    def __init__(self, *providers: RecordingProvider) -> None:
        self.by_key = {p.key: p for p in providers}

    def get(self, key: str) -> Provider:
        if key not in self.by_key:
            raise BotError("provider.unknown", provider=key, known=", ".join(self.by_key))
        return self.by_key[key]


class Posted:
    """A notifier double (:class:`bot.flow.Notifier`) that keeps every outcome: its request, what it is (the note's
    catalogue key when it has one, else the event), and the thread reply Slack would show (rendered by the real
    renderer), plus the outcomes themselves."""

    def __init__(self) -> None:
        self.notes: list[tuple[str, str, str]] = []  # (request id, note key or event, rendered thread text)
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()

    def notify(self, outcome: Outcome) -> None:
        reply = thread_reply(outcome)
        shown = reply["blocks"][0]["text"]["text"] if reply else ""
        key = outcome.note.key if outcome.note is not None else str(outcome.event)
        with self._lock:
            self.outcomes.append(outcome)
            self.notes.append((outcome.request.id, key, shown))

    def keys(self, request_id: str | None = None) -> list[str]:
        """What reached people (confirmations, cancelling and other card-only events left out)."""
        with self._lock:
            return [key for rid, key, _ in self.notes if request_id in (None, rid) and key not in _CARD_ONLY]

    def events(self, request_id: str | None = None) -> list[Event]:
        with self._lock:
            return [o.event for o in self.outcomes if request_id in (None, o.request.id)]


_CARD_ONLY = {str(Event.CONFIRMED), str(Event.CANCELLING), str(Event.EXPIRED), str(Event.RETRIED)}


def window_jobs(store: SqlRequestStore, providers: Providers, notifier: Posted) -> WindowJobs:
    """The flow's window handlers over ``store``, telling ``notifier`` (what :class:`RequestFlow` builds)."""
    return WindowJobs(RequestLife(store, notifier, audit=store.audit), store, store.jobs, providers)


def reconcile(
    store: SqlRequestStore, providers: Providers, notifier: Posted, *, now: datetime | None = None
) -> list[StoredRequest]:
    """One pass of the flow's restart reconciliation over ``store`` (what the scheduler loop runs), at ``now``."""
    clock = (lambda: now) if now is not None else store.clock
    life = RequestLife(store, notifier, audit=store.audit)
    stopper = TaskStopper(life, store, providers, clock=clock)
    return Reconciler(life, store, providers, stopper, clock=clock).run()
