"""Durable requests: :class:`SqlRequestStore` implements :class:`bot.lifecycle.RequestStore` on SQLAlchemy Core.

Every state change is one conditional ``UPDATE … WHERE id = ? AND state IN (…)``: whoever changes the row wins, and
everyone else (a second click, another thread, another replica) gets ``None``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.core.model import TaskRequest, request_to_dict
from bot.errors import StoreRefused, StoreUnavailable
from bot.lifecycle import (
    TRANSITIONS,
    CardRef,
    NewTask,
    ProviderTask,
    RequestState,
    StoredRequest,
    TaskState,
    looks_like_request_id,
    new_request_id,
    normalize_request_id,
)
from bot.store.audit import AuditLog
from bot.store.departures import SqlDepartureBook
from bot.store.events import SeenEvents
from bot.store.files import RecordedFiles
from bot.store.group_insert import GroupInsert
from bot.store.home_views import HomeViews
from bot.store.jobs import JobStore
from bot.store.overlap_reads import OVERLAP_ROWS, earliest_first, read_overlapping
from bot.store.request_rows import (
    card_columns,
    change_columns,
    filtered,
    request_from_row,
    span_end,
    task_from_row,
)
from bot.store.tables import request_tasks, requests
from bot.timekeeping import Clock, utc_now

#: A clash of random ids is drawn again this often before giving up.
_ID_ATTEMPTS = 20


#: Fields :meth:`SqlRequestStore.transition` may change together with the state.
CHANGEABLE_FIELDS = frozenset(
    {"task_id", "provider_request_id", "error_code", "error_message", "settled_by", "extra", "card", "task", "request"}
)
#: Conditions :meth:`SqlRequestStore.transition` may add besides the state (``window_end_was``: the window's end must
#: still be this, so two extensions of one window happen one after the other).
CONDITIONS = frozenset({"window_end_was"})


class SqlRequestStore:
    """Requests in an SQL database. Thread-safe and safe across processes; share one per process.

    ``audit`` (:class:`bot.store.audit.AuditLog`), ``jobs`` (:class:`bot.store.jobs.JobStore`), ``seen``
    (:class:`bot.store.events.SeenEvents`), ``departures`` (:class:`bot.store.departures.SqlDepartureBook`) and ``home``
    (:class:`bot.store.home_views.HomeViews`) use the same engine.
    """

    def __init__(self, engine: sa.Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock
        self.audit = AuditLog(engine, clock=clock)
        self.jobs = JobStore(engine, clock=clock)
        self.seen = SeenEvents(engine, clock=clock)
        self.files = RecordedFiles(engine, clock=clock)
        self.departures = SqlDepartureBook(engine)
        self.home = HomeViews(engine, clock=clock)
        self._new_rows = GroupInsert(engine, requests)

    # --- RequestStore -------------------------------------------------------------------------------------------

    def propose(
        self,
        *,
        request: TaskRequest,
        requester: str,
        text: str,
        timezone: str,
        lang: str,
        channel: str | None = None,
        card: CardRef | None = None,
        extra: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        series_end: datetime | None = None,
    ) -> StoredRequest:
        """Record a new request in ``proposed`` and return it with its new id. ``extra``: JSON-ready facts kept with
        it (e.g. the card's notes, so every later version of the card still shows them). ``request_id``: an id the
        caller drew already (:func:`new_request_id`); a clash then raises instead of drawing another.
        ``series_end``: for a series, its last occurrence's end (``request.window`` is its first)."""
        now = self.clock()
        window = request.window
        row: dict[str, Any] = {
            "state": RequestState.PROPOSED.value,
            "kind": request.kind,
            "provider": request.provider,
            "request": request_to_dict(request),
            "window_start": window.start if window else None,
            "window_end": window.end if window else None,
            "span_end": span_end(request, series_end),
            "target": request.target.label(),
            "requester": requester,
            "text": text,
            "timezone": timezone,
            "lang": lang,
            "channel": channel,
            "extra": dict(extra or {}),
            "created_at": now,
            "updated_at": now,
            **card_columns(card or CardRef()),
            **dict.fromkeys(("task_id", "provider_request_id", "error_code", "error_message", "settled_by")),
        }
        if request_id is not None:
            row["id"] = request_id
            self._new_rows.insert(row)
            return request_from_row(row, request)
        for _ in range(_ID_ATTEMPTS):
            row["id"] = new_request_id()
            try:  # this runs before Slack's acknowledgement: requests arriving together share one commit
                self._new_rows.insert(row)
            except sa.exc.IntegrityError:
                if self.get(row["id"]) is not None:
                    continue  # id already taken: draw another
                raise
            return request_from_row(row, request)
        raise RuntimeError("could not find a free request id")

    def get(self, request_id: str) -> StoredRequest | None:
        return self._one(requests.c.id == normalize_request_id(request_id))

    def find_by_task_id(self, provider: str, task_id: str) -> StoredRequest | None:
        """The newest request whose provider task is ``task_id`` (its latest, or an earlier one it still owns)."""
        found = self._one(sa.and_(requests.c.provider == provider, requests.c.task_id == task_id.strip()))
        if found is not None:
            return found
        query = (
            sa.select(request_tasks.c.request_id)
            .where(request_tasks.c.provider == provider, request_tasks.c.task_id == task_id.strip())
            .limit(1)
        )
        with self.engine.connect() as connection:
            owner = connection.execute(query).scalar()
        return None if owner is None else self.get(owner)

    def windows_around(
        self, provider: str, moment: datetime, *, margin: timedelta, states: Collection[RequestState]
    ) -> list[StoredRequest]:
        """Requests on ``provider`` in ``states`` whose window holds ``moment`` (give or take ``margin``)."""
        query = (
            sa.select(requests)
            .where(
                requests.c.provider == provider,
                requests.c.state.in_([state.value for state in states]),
                requests.c.window_start <= moment + margin,
                requests.c.window_end >= moment - margin,
            )
            .order_by(requests.c.created_at.desc())
            .limit(50)
        )
        with self.engine.connect() as connection:
            return [request_from_row(row) for row in connection.execute(query).mappings()]

    def find(self, reference: str) -> StoredRequest | None:
        """A request by our id (``rk4q2mz``) or by a provider TaskId (any provider): what ``/record cancel`` takes."""
        if looks_like_request_id(reference):
            found = self.get(reference)
            if found is not None:
                return found
        found = self._one(requests.c.task_id == reference.strip())
        if found is not None:
            return found
        query = sa.select(request_tasks.c.request_id).where(request_tasks.c.task_id == reference.strip()).limit(1)
        with self.engine.connect() as connection:
            owner = connection.execute(query).scalar()
        return None if owner is None else self.get(owner)

    def transition(
        self,
        request_id: str,
        *,
        from_states: Collection[RequestState],
        to: RequestState,
        **changes: Any,
    ) -> StoredRequest | None:
        """Move the request to ``to`` if (and only if) it is in one of ``from_states``, applying ``changes`` in the
        same conditional update. Returns the updated request, or None when another actor settled it first.

        Raises ValueError for a move the state machine forbids and TypeError for a field that cannot change.
        """
        sources = {RequestState(s) for s in from_states}
        forbidden = sorted(s.value for s in sources if to not in TRANSITIONS[s])
        if not sources or forbidden:
            raise ValueError(f"the request state machine does not allow {forbidden or '(nothing)'} -> {to.value}")
        unknown = set(changes) - CHANGEABLE_FIELDS - CONDITIONS
        if unknown:
            raise TypeError(f"transition cannot change {sorted(unknown)}; allowed: {sorted(CHANGEABLE_FIELDS)}")
        changes = dict(changes)
        task: NewTask | None = changes.pop("task", None)
        window_end_was: datetime | None = changes.pop("window_end_was", None)
        values = change_columns(changes)
        now = self.clock()
        values.update(state=to.value, updated_at=now)
        if task is not None:
            values.update(task_id=task.task_id, provider_request_id=task.provider_request_id)
        statement = (
            requests.update()
            .where(requests.c.id == normalize_request_id(request_id))
            .where(requests.c.state.in_(sorted(s.value for s in sources)))
            .values(**values)
            .returning(*requests.c)
        )
        if window_end_was is not None:
            statement = statement.where(requests.c.window_end == window_end_was)
        with translated_errors(), self.engine.begin() as connection:
            row = connection.execute(statement).mappings().first()
            if row is not None and task is not None:
                connection.execute(
                    request_tasks.insert().values(
                        request_id=row["id"],
                        provider=row["provider"],
                        task_id=task.task_id,
                        provider_request_id=task.provider_request_id,
                        state=TaskState.ACTIVE.value,
                        window_start=task.window_start,
                        window_end=task.window_end,
                        created_at=now,
                        updated_at=now,
                    )
                )
        return None if row is None else request_from_row(row)

    def tasks_of(self, request_id: str) -> list[ProviderTask]:
        """Every provider task the request owns, oldest first."""
        query = (
            sa.select(request_tasks)
            .where(request_tasks.c.request_id == normalize_request_id(request_id))
            .order_by(request_tasks.c.id)
        )
        with self.engine.connect() as connection:
            return [task_from_row(row) for row in connection.execute(query).mappings()]

    def set_task_state(self, request_id: str, task_id: str, state: TaskState) -> None:
        """Mark one of the request's provider tasks stopped or ended."""
        statement = (
            request_tasks.update()
            .where(request_tasks.c.request_id == normalize_request_id(request_id))
            .where(request_tasks.c.task_id == task_id)
            .values(state=state.value, updated_at=self.clock())
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

    def set_card(self, request_id: str, card: CardRef) -> None:
        """Remember where the card was posted."""
        statement = (
            requests.update()
            .where(requests.c.id == normalize_request_id(request_id))
            .values(**card_columns(card), updated_at=self.clock())
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

    def list_requests(
        self,
        *,
        states: Collection[RequestState] | None = None,
        channel: str | None = None,
        requester: str | None = None,
        limit: int = 50,
        since: datetime | None = None,
        before: datetime | None = None,
    ) -> list[StoredRequest]:
        """Newest first. ``since`` keeps requests created at or after it (e.g. recent failures), ``before`` those
        created before it (e.g. cards past their lifetime)."""
        query = filtered(sa.select(requests), states, channel, requester, since, before)
        query = query.order_by(requests.c.created_at.desc(), requests.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            return [request_from_row(row) for row in connection.execute(query).mappings()]

    def count_requests(
        self,
        *,
        states: Collection[RequestState] | None = None,
        channel: str | None = None,
        requester: str | None = None,
        since: datetime | None = None,
    ) -> int:
        """How many requests :meth:`list_requests` would find without a limit."""
        query = filtered(sa.select(sa.func.count()).select_from(requests), states, channel, requester, since, None)
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def count_by_state(self) -> dict[str, int]:
        """How many stored requests are in each state (states with none are left out)."""
        query = sa.select(requests.c.state, sa.func.count()).group_by(requests.c.state)
        with self.engine.connect() as connection:
            return {state: int(count) for state, count in connection.execute(query)}

    def overlapping(
        self,
        request: TaskRequest,
        states: Collection[RequestState],
        limit: int = 20,
        *,
        series_end: datetime | None = None,
    ) -> list[StoredRequest]:
        """Requests in ``states`` of the same kind on the same provider and target whose span (first start to last
        end: a series' every occurrence) meets ``request``'s — up to ``series_end`` for a series; a permanent one
        meets everything — earliest first. Candidates: which occurrences really overlap is the caller's to check
        (:mod:`bot.flow.overlaps`). The statement is built once (:data:`_OVERLAPS`) and reads the (provider, kind,
        target, state, span_end) index."""
        found = read_overlapping(self.engine, request.provider, request.kind, [request], states, [series_end])
        return [s for s in found if s.request.target == request.target][:limit]

    def overlapping_many(
        self, wanted: Sequence[tuple[TaskRequest, datetime | None]], states: Collection[RequestState]
    ) -> list[StoredRequest]:
        """What :meth:`overlapping` would find for each of several requests (with its series' end), in one query per
        provider and kind: every candidate of any of them, earliest first (each caller keeps its own stream's)."""
        groups: dict[tuple[str, str], list[tuple[TaskRequest, datetime | None]]] = {}
        for request, series_end in wanted:
            groups.setdefault((request.provider, request.kind), []).append((request, series_end))
        found: dict[str, StoredRequest] = {}
        for (provider, kind), members in groups.items():
            requests_, ends = [r for r, _ in members], [e for _, e in members]
            rows = read_overlapping(self.engine, provider, kind, requests_, states, ends)
            if len(rows) >= OVERLAP_ROWS:  # more than one read may hold: ask for each request on its own
                rows = [s for r, e in members for s in self.overlapping(r, states, OVERLAP_ROWS, series_end=e)]
            found.update((s.id, s) for s in rows)
        return sorted(found.values(), key=earliest_first)

    # --- beyond the protocol ------------------------------------------------------------------------------------

    def _one(self, condition: sa.ColumnElement[bool]) -> StoredRequest | None:
        query = sa.select(requests).where(condition).order_by(requests.c.created_at.desc()).limit(1)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else request_from_row(row)


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Database failures as the bot's own errors: did not answer → :class:`StoreUnavailable`, refused the values →
    :class:`StoreRefused`. The database's text (SQL and values) stays out of them."""
    try:
        yield
    except (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError) as exc:
        raise StoreUnavailable() from exc
    except sa.exc.SQLAlchemyError as exc:
        raise StoreRefused() from exc
