"""How a request is a row: reading one back, the columns a change writes, the filters list queries share."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.core.model import TaskRequest, request_from_dict, request_to_dict
from bot.lifecycle import CardRef, ProviderTask, RequestState, StoredRequest, TaskState
from bot.store.tables import UtcDateTime, requests


def span_end(request: TaskRequest, series_end: datetime | None = None) -> datetime | None:
    """The end of the last window ``request`` may hold: its window's, or its series' last (None: until cancelled)."""
    window = request.window
    return None if window is None else max(window.end, series_end or window.end)


def filtered(  # noqa: PLR0917
    query: sa.Select[Any],
    states: Collection[RequestState] | None,
    channel: str | None,
    requester: str | None,
    since: datetime | None,
    before: datetime | None,
) -> sa.Select[Any]:
    if states is not None:
        query = query.where(requests.c.state.in_(sorted(RequestState(s).value for s in states)))
    if channel is not None:
        query = query.where(requests.c.channel == channel)
    if requester is not None:
        query = query.where(requests.c.requester == requester)
    if since is not None:
        query = query.where(requests.c.created_at >= since)
    if before is not None:
        query = query.where(requests.c.created_at < before)
    return query


def card_columns(card: CardRef) -> dict[str, Any]:
    return {
        "card_channel": card.channel,
        "card_ts": card.ts,
        "card_response_url": card.response_url,
        "card_thread_ts": card.thread_ts,
    }


def change_columns(changes: Mapping[str, Any]) -> dict[str, Any]:
    values = {name: value for name, value in changes.items() if name not in ("card", "extra", "request")}
    if "request" in changes:  # an extended window: the request and its window columns change together
        request: TaskRequest = changes["request"]
        values["request"] = request_to_dict(request)
        values["window_start"] = request.window.start if request.window else None
        values["window_end"] = request.window.end if request.window else None
        if request.window is not None:  # the span reaches at least the new end (a series keeps its later one)
            later = requests.c.span_end > request.window.end
            values["span_end"] = sa.case(
                (later, requests.c.span_end), else_=sa.literal(request.window.end, UtcDateTime)
            )
    if "card" in changes:
        values.update(card_columns(changes["card"]))
    if "extra" in changes:
        values["extra"] = dict(changes["extra"])
    return values


def request_from_row(row: sa.RowMapping | Mapping[str, Any], request: TaskRequest | None = None) -> StoredRequest:
    """The stored request a row holds (``request``: the one just written, so it is not read back from its JSON)."""
    return StoredRequest(
        id=row["id"],
        state=RequestState(row["state"]),
        request=request if request is not None else request_from_dict(row["request"]),
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


def task_from_row(row: sa.RowMapping) -> ProviderTask:
    return ProviderTask(
        request_id=row["request_id"],
        provider=row["provider"],
        task_id=row["task_id"],
        state=TaskState(row["state"]),
        created_at=row["created_at"],
        provider_request_id=row["provider_request_id"],
        window_start=row["window_start"],
        window_end=row["window_end"],
    )
