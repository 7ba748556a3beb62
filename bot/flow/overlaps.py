"""Overlaps, said before Confirm: other requests on the same stream whose windows overlap a proposed one, and whether
the provider's cap on tasks per stream (Volcengine: one at a time; Tencent: three) would be exceeded — then the card
offers extending the existing request instead.

They are found when the card is proposed and kept with the request (``extra["overlaps"]``), so every later version
of the card shows the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.model import Schedule, TaskRequest
from bot.flow.series_jobs import series_to_json
from bot.lifecycle import RequestState, RequestStore, StoredRequest
from providers.base import Provider

#: States whose requests hold (or are about to hold) a provider task.
HOLDING_STATES = frozenset(
    {RequestState.CONFIRMED, RequestState.SUBMITTING, RequestState.SCHEDULED, RequestState.RUNNING}
)
#: States an existing request can be extended from.
EXTENDABLE_STATES = frozenset({RequestState.SCHEDULED, RequestState.RUNNING})


@dataclass(frozen=True)
class Overlap:
    """An existing request whose window overlaps the proposed one."""

    request_id: str
    requester: str
    start: datetime | None
    end: datetime | None  # None: permanent


@dataclass(frozen=True)
class Overlaps:
    """What a proposed request overlaps, and what the provider allows."""

    found: tuple[Overlap, ...] = ()
    cap: int | None = None  # the provider's tasks per stream, when this request would exceed it
    extend_id: str | None = None  # with a cap: the existing request that can be extended instead
    extend_by: timedelta | None = None  # ... by this much

    def to_json(self) -> dict[str, Any]:
        """For ``extra["overlaps"]``."""
        return {
            "found": [
                {"request": o.request_id, "requester": o.requester,
                 "start": o.start.isoformat() if o.start else None, "end": o.end.isoformat() if o.end else None}
                for o in self.found
            ],
            "cap": self.cap,
            "extend": self.extend_id,
            "extend_seconds": int(self.extend_by.total_seconds()) if self.extend_by else None,
        }  # fmt: skip


def overlaps_of(stored: StoredRequest) -> Overlaps:
    """What the request's card said it overlaps (nothing for requests stored without it)."""
    data = stored.extra.get("overlaps")
    if not isinstance(data, Mapping):
        return Overlaps()
    found = tuple(
        Overlap(str(o["request"]), str(o["requester"]), _moment(o.get("start")), _moment(o.get("end")))
        for o in data.get("found", ())
    )
    seconds = data.get("extend_seconds")
    return Overlaps(found, data.get("cap"), data.get("extend"), timedelta(seconds=seconds) if seconds else None)


def find_overlaps(store: RequestStore, request: TaskRequest, cap: int | None) -> Overlaps:
    """The requests ``request`` overlaps; with the provider's ``cap`` (tasks per stream), whether it is exceeded and
    which existing request could be extended to cover it instead."""
    existing = store.overlapping(request, HOLDING_STATES)
    found = tuple(_overlap(s) for s in existing)
    if cap is None or len(found) < cap:
        return Overlaps(found)
    extendable = [s for s in existing if s.state in EXTENDABLE_STATES and s.request.window is not None]
    window = request.window
    if not extendable or window is None:
        return Overlaps(found, cap)
    latest = max(extendable, key=lambda s: s.request.window.end if s.request.window else window.end)
    assert latest.request.window is not None
    by = window.end - latest.request.window.end
    return Overlaps(found, cap, latest.id if by > timedelta(0) else None, by if by > timedelta(0) else None)


def _overlap(stored: StoredRequest) -> Overlap:
    window = stored.request.window
    return Overlap(stored.id, stored.requester, window.start if window else None, window.end if window else None)


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def card_facts(store: RequestStore, provider: Provider, schedule: Schedule) -> dict[str, Any]:
    """What a new request keeps for its card besides its notes: the requests it overlaps, and its series (on every
    provider: one that cannot hold a task ahead of its window has each occurrence started and stopped by the bot)."""
    request = schedule.request
    overlaps = find_overlaps(store, request, provider.tasks_per_stream(request))
    facts: dict[str, Any] = {"overlaps": overlaps.to_json()} if overlaps.found else {}
    if schedule.series is not None:
        facts["series"] = series_to_json(schedule.series)
    return facts
