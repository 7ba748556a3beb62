"""Durable requests: :class:`SqlRequestStore` implements :class:`bot.lifecycle.RequestStore` on SQLAlchemy Core.

Every state change is one conditional ``UPDATE … WHERE id = ? AND state IN (…)``: whoever changes the row wins, and
everyone else (a second click, another thread, another replica) gets ``None``.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.core.model import TaskRequest, request_from_dict, request_to_dict
from bot.lifecycle import TRANSITIONS, CardRef, RequestState, StoredRequest
from bot.store.group_insert import GroupInsert
from bot.store.tables import requests

Clock = Callable[[], datetime]

#: Fields :meth:`SqlRequestStore.transition` may change together with the state.
CHANGEABLE_FIELDS = frozenset(
    {"task_id", "provider_request_id", "error_code", "error_message", "settled_by", "extra", "card"}
)
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648 base32, lower case: no 0/1/8/9 to confuse
_ID_LENGTH = 6
_ID_ATTEMPTS = 20


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_request_id() -> str:
    """``r`` and six random base32 letters, e.g. ``rk4q2mz``: short enough to type in ``/record cancel``."""
    return "r" + base64.b32encode(secrets.token_bytes(5)).decode("ascii")[:_ID_LENGTH].lower()  # 30 random bits


def normalize_request_id(text: str) -> str:
    """What a person typed (``RK4Q2MZ``, `` rk4q2mz ``) as a stored id."""
    return text.strip().lower()


def looks_like_request_id(text: str) -> bool:
    """Whether ``text`` has the shape of one of our ids (otherwise it may be a provider TaskId)."""
    value = normalize_request_id(text)
    return len(value) == _ID_LENGTH + 1 and value[0] == "r" and all(c in _ID_ALPHABET for c in value[1:])


class SqlRequestStore:
    """Requests in an SQL database. Thread-safe and safe across processes; share one per process.

    ``audit`` (:class:`bot.store.audit.AuditLog`), ``jobs`` (:class:`bot.store.jobs.JobStore`), ``seen``
    (:class:`bot.store.events.SeenEvents`) and ``departures`` (:class:`bot.store.departures.SqlDepartureBook`) use the
    same engine.
    """

    def __init__(self, engine: sa.Engine, *, clock: Clock = utc_now) -> None:
        from bot.store.audit import AuditLog
        from bot.store.departures import SqlDepartureBook
        from bot.store.events import SeenEvents
        from bot.store.jobs import JobStore

        self.engine = engine
        self.clock = clock
        self.audit = AuditLog(engine, clock=clock)
        self.jobs = JobStore(engine, clock=clock)
        self.seen = SeenEvents(engine, clock=clock)
        self.departures = SqlDepartureBook(engine)
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
    ) -> StoredRequest:
        """Record a new request in ``proposed`` and return it with its new id. ``extra``: JSON-ready facts kept with
        it (e.g. the card's notes, so every later version of the card still shows them)."""
        now = self.clock()
        row: dict[str, Any] = {
            "state": RequestState.PROPOSED.value,
            "kind": request.kind,
            "provider": request.provider,
            "request": request_to_dict(request),
            "window_start": request.window.start if request.window else None,
            "window_end": request.window.end if request.window else None,
            "requester": requester,
            "text": text,
            "timezone": timezone,
            "lang": lang,
            "channel": channel,
            "extra": dict(extra or {}),
            "created_at": now,
            "updated_at": now,
            **_card_columns(card or CardRef()),
            **dict.fromkeys(("task_id", "provider_request_id", "error_code", "error_message", "settled_by")),
        }
        for _ in range(_ID_ATTEMPTS):
            row["id"] = new_request_id()
            try:  # this runs before Slack's acknowledgement: requests arriving together share one commit
                self._new_rows.insert(row)
            except sa.exc.IntegrityError:
                if self.get(row["id"]) is not None:
                    continue  # id already taken: draw another
                raise
            return _from_row(row)
        raise RuntimeError("could not find a free request id")

    def get(self, request_id: str) -> StoredRequest | None:
        return self._one(requests.c.id == normalize_request_id(request_id))

    def find_by_task_id(self, provider: str, task_id: str) -> StoredRequest | None:
        """The newest request whose provider task is ``task_id``."""
        return self._one(sa.and_(requests.c.provider == provider, requests.c.task_id == task_id.strip()))

    def find(self, reference: str) -> StoredRequest | None:
        """A request by our id (``rk4q2mz``) or by a provider TaskId (any provider): what ``/record cancel`` takes."""
        if looks_like_request_id(reference):
            found = self.get(reference)
            if found is not None:
                return found
        return self._one(requests.c.task_id == reference.strip())

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
        unknown = set(changes) - CHANGEABLE_FIELDS
        if unknown:
            raise TypeError(f"transition cannot change {sorted(unknown)}; allowed: {sorted(CHANGEABLE_FIELDS)}")
        values = _change_columns(changes)
        values.update(state=to.value, updated_at=self.clock())
        statement = (
            requests.update()
            .where(requests.c.id == normalize_request_id(request_id))
            .where(requests.c.state.in_(sorted(s.value for s in sources)))
            .values(**values)
            .returning(*requests.c)
        )
        with self.engine.begin() as connection:
            row = connection.execute(statement).mappings().first()
        return None if row is None else _from_row(row)

    def set_card(self, request_id: str, card: CardRef) -> None:
        """Remember where the card was posted."""
        statement = (
            requests.update()
            .where(requests.c.id == normalize_request_id(request_id))
            .values(**_card_columns(card), updated_at=self.clock())
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
    ) -> list[StoredRequest]:
        """Newest first. ``since`` keeps requests created at or after it (e.g. recent failures)."""
        query = sa.select(requests).order_by(requests.c.created_at.desc(), requests.c.id.desc()).limit(limit)
        if states is not None:
            query = query.where(requests.c.state.in_(sorted(RequestState(s).value for s in states)))
        if channel is not None:
            query = query.where(requests.c.channel == channel)
        if requester is not None:
            query = query.where(requests.c.requester == requester)
        if since is not None:
            query = query.where(requests.c.created_at >= since)
        with self.engine.connect() as connection:
            return [_from_row(row) for row in connection.execute(query).mappings()]

    # --- beyond the protocol ------------------------------------------------------------------------------------

    def count_by_state(self) -> dict[str, int]:
        """How many stored requests are in each state (states with none are left out)."""
        query = sa.select(requests.c.state, sa.func.count()).group_by(requests.c.state)
        with self.engine.connect() as connection:
            return {state: int(count) for state, count in connection.execute(query)}

    def expire_proposed(self, *, older_than: datetime) -> list[StoredRequest]:
        """Move every card proposed before ``older_than`` that nobody answered to ``expired``; returns them so
        their cards can be updated. Each is settled by its own conditional update."""
        query = sa.select(requests.c.id).where(
            requests.c.state == RequestState.PROPOSED.value, requests.c.created_at < older_than
        )
        with self.engine.connect() as connection:
            ids = list(connection.execute(query).scalars())
        expired = (self.transition(i, from_states={RequestState.PROPOSED}, to=RequestState.EXPIRED) for i in ids)
        return [request for request in expired if request is not None]

    def _one(self, condition: sa.ColumnElement[bool]) -> StoredRequest | None:
        query = sa.select(requests).where(condition).order_by(requests.c.created_at.desc()).limit(1)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _from_row(row)


def _card_columns(card: CardRef) -> dict[str, Any]:
    return {
        "card_channel": card.channel,
        "card_ts": card.ts,
        "card_response_url": card.response_url,
        "card_thread_ts": card.thread_ts,
    }


def _change_columns(changes: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: value for name, value in changes.items() if name not in ("card", "extra")}
    if "card" in changes:
        values.update(_card_columns(changes["card"]))
    if "extra" in changes:
        values["extra"] = dict(changes["extra"])
    return values


def _from_row(row: sa.RowMapping | Mapping[str, Any]) -> StoredRequest:
    return StoredRequest(
        id=row["id"],
        state=RequestState(row["state"]),
        request=request_from_dict(row["request"]),
        requester=row["requester"],
        text=row["text"],
        timezone=row["timezone"],
        lang=row["lang"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        channel=row["channel"],
        card=CardRef(
            channel=row["card_channel"],
            ts=row["card_ts"],
            response_url=row["card_response_url"],
            thread_ts=row["card_thread_ts"],
        ),
        task_id=row["task_id"],
        provider_request_id=row["provider_request_id"],
        error_code=row["error_code"],
        error_message=row["error_message"],
        settled_by=row["settled_by"],
        extra=dict(row["extra"] or {}),
    )
