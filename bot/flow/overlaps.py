"""Overlaps, said before Confirm: other requests on the same stream whose windows overlap a proposed one — a series'
every upcoming, not-skipped occurrence counts, on either side — and whether the provider's cap on tasks per stream
(Volcengine: one at a time; Tencent: three), judged at the worst instant, would be exceeded; then the card offers
extending an existing single window that runs just before instead, where that covers the new one.

They are found when the card is proposed and kept with the request (``extra["overlaps"]``), so every later version
of the card shows the same. The store finds the candidates by their span (first start to last end, one index); the
occurrences are compared here, on those few.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.model import Schedule, TaskRequest
from bot.core.series import Series
from bot.flow.card import format_day
from bot.flow.series_jobs import series_of, series_to_json
from bot.flow.series_kept import skipped_days
from bot.lifecycle import RequestState, RequestStore, StoredRequest
from providers.base import Provider

#: States whose requests hold (or are about to hold) a provider task.
HOLDING_STATES = frozenset(
    {RequestState.CONFIRMED, RequestState.SUBMITTING, RequestState.SCHEDULED, RequestState.RUNNING}
)
#: States an existing request can be extended from.
EXTENDABLE_STATES = frozenset({RequestState.SCHEDULED, RequestState.RUNNING})
#: How many candidates the store hands over at most (their occurrences are then compared here).
CANDIDATES = 50

Span = tuple[datetime, datetime]  # [start, end)
_FOREVER: Span = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))


@dataclass(frozen=True)
class Overlap:
    """An existing request whose window (or a series' occurrence) overlaps the proposed request's."""

    request_id: str
    requester: str
    start: datetime | None  # its first overlapping window (a series' occurrence)
    end: datetime | None  # None: permanent
    series: bool = False  # the existing request is a series
    times: int = 1  # how many of its windows overlap (a series' occurrences)


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
                 "start": o.start.isoformat() if o.start else None, "end": o.end.isoformat() if o.end else None,
                 "series": o.series, "times": o.times}
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
    found = tuple(_overlap_from_json(o) for o in data.get("found", ()))
    seconds = data.get("extend_seconds")
    return Overlaps(found, data.get("cap"), data.get("extend"), timedelta(seconds=seconds) if seconds else None)


@functools.lru_cache(maxsize=256)
def _occurrences(series: Series) -> tuple[Span, ...]:
    """Every occurrence of ``series``, listed once per process: every card on its stream reads them again."""
    return tuple((o.start, o.end) for o in series.occurrences())


def series_end(series: Series) -> datetime:
    """The end of the series' last occurrence (what the store keeps as its span's end)."""
    return _occurrences(series)[-1][1]


def _within(series: Series, reach: Span, skipped: frozenset[str] = frozenset()) -> list[Span]:
    """The occurrences of ``series`` that overlap ``reach``, without the ``skipped`` days (ISO dates)."""
    start, end = reach
    return [o for o in _occurrences(series) if o[1] > start and o[0] < end and o[0].date().isoformat() not in skipped]


def find_overlaps(
    store: RequestStore, request: TaskRequest, cap: int | None, *, series: Series | None = None
) -> Overlaps:
    """The requests ``request`` (with ``series``: every occurrence of it) overlaps on its stream; with the provider's
    ``cap`` (tasks per stream), whether the worst instant would exceed it and which existing single window could be
    extended to cover the request instead."""
    last_end = series_end(series) if series is not None else None
    candidates = store.overlapping(request, HOLDING_STATES, CANDIDATES, series_end=last_end)
    return overlaps_among(candidates, request, cap, series=series)


def overlaps_among(
    read: Sequence[StoredRequest], request: TaskRequest, cap: int | None, *, series: Series | None = None
) -> Overlaps:
    """:func:`find_overlaps` over requests read already (e.g. for a batch of cards, :meth:`RequestStore.
    overlapping_many`): those on another provider, kind or stream, or not holding a task, are left out."""
    last_end = series_end(series) if series is not None else None
    reach = _FOREVER if request.window is None else (request.window.start, last_end or request.window.end)
    candidates = [
        c for c in read
        if c.state in HOLDING_STATES and c.request.provider == request.provider and c.request.kind == request.kind
        and c.request.target == request.target and _may_reach(c, reach)
    ][:CANDIDATES]  # fmt: skip
    if not candidates:
        return Overlaps()
    theirs = {c.id: _windows_of(c, reach) for c in candidates}
    mine = _my_windows(request, series, [w for windows in theirs.values() for w in windows])
    found: list[Overlap] = []
    clashing: dict[str, list[Span]] = {}
    ends = [end for _, end in mine]
    for candidate in candidates:
        hits = [w for w in theirs[candidate.id] if _meets_any(w, mine, ends)]
        if hits:
            clashing[candidate.id] = hits
            found.append(_overlap(candidate, hits))
    found.sort(key=lambda o: o.start or _FOREVER[0])
    if cap is None or _worst([w for hits in clashing.values() for w in hits], mine) < cap:
        return Overlaps(tuple(found))
    return _capped(tuple(found), cap, request, series=series, candidates=candidates, clashing=clashing)


def _capped(
    found: tuple[Overlap, ...],
    cap: int,
    request: TaskRequest,
    *,
    series: Series | None,
    candidates: Sequence[StoredRequest],
    clashing: Mapping[str, list[Span]],
) -> Overlaps:
    """Over the cap: offer extending the latest single window that runs just before the request (starts no later,
    ends inside it), when the extension itself stays within the cap."""
    window = request.window
    if series is not None or window is None:
        return Overlaps(found, cap)
    before = [
        c for c in candidates
        if c.id in clashing and c.state in EXTENDABLE_STATES and series_of(c) is None and c.request.window is not None
        and c.request.window.start <= window.start < c.request.window.end < window.end
    ]  # fmt: skip
    if not before:
        return Overlaps(found, cap)
    latest = max(before, key=lambda c: c.request.window.end if c.request.window else window.start)
    assert latest.request.window is not None
    extension: Span = (latest.request.window.end, window.end)
    others = [w for cid, hits in clashing.items() if cid != latest.id for w in hits]
    if _worst(others, [extension]) + 1 > cap:
        return Overlaps(found, cap)
    return Overlaps(found, cap, latest.id, window.end - latest.request.window.end)


def _may_reach(stored: StoredRequest, reach: Span) -> bool:
    """Whether ``stored``'s span may meet ``reach`` (a series' occurrences are checked one by one later)."""
    window = stored.request.window
    if window is None:
        return True
    return window.start < reach[1] and (series_of(stored) is not None or window.end > reach[0])


def _windows_of(stored: StoredRequest, reach: Span) -> list[Span]:
    """An existing request's windows that may meet ``reach``: a series' not-skipped occurrences there (those ended
    before the new request's start cannot overlap it), a single window, or forever."""
    repeat = series_of(stored)
    if repeat is not None:
        return _within(repeat, reach, skipped_days(stored))
    window = stored.request.window
    return [_FOREVER] if window is None else [(window.start, window.end)]


def _my_windows(request: TaskRequest, series: Series | None, theirs: Sequence[Span]) -> list[Span]:
    """The new request's windows, in order: a series' occurrences within what the candidates hold, its window, or
    forever."""
    if request.window is None:
        return [_FOREVER]
    if series is None or not theirs:
        return [(request.window.start, request.window.end)]
    return _within(series, (min(start for start, _ in theirs), max(end for _, end in theirs)))


def _meets_any(window: Span, ordered: Sequence[Span], ends: Sequence[datetime]) -> bool:
    """Whether ``window`` overlaps any of ``ordered`` (sorted, not overlapping each other; ``ends``: their ends)."""
    at = bisect.bisect_right(ends, window[0])  # the first that ends after ``window`` starts
    return at < len(ordered) and ordered[at][0] < window[1]


def _worst(windows: Sequence[Span], within: Sequence[Span]) -> int:
    """The most of ``windows`` running at one instant inside any of ``within`` (half-open windows)."""
    events = [(start, 1, 0) for start, _ in windows] + [(end, -1, 0) for _, end in windows]
    events += [(start, 0, 1) for start, _ in within] + [(end, 0, -1) for _, end in within]
    events.sort(key=lambda e: (e[0], min(e[1], e[2])))  # ends before starts at the same instant
    running = inside = worst = 0
    for at, (moment, running_change, inside_change) in enumerate(events):
        running += running_change
        inside += inside_change
        last_at_moment = at + 1 == len(events) or events[at + 1][0] != moment
        if inside > 0 and last_at_moment:
            worst = max(worst, running)
    return worst


def _overlap(stored: StoredRequest, hits: Sequence[Span]) -> Overlap:
    start, end = min(hits)
    if (start, end) == _FOREVER:
        return Overlap(stored.id, stored.requester, None, None)
    return Overlap(stored.id, stored.requester, start, end, series_of(stored) is not None, len(hits))


def _overlap_from_json(data: Mapping[str, Any]) -> Overlap:
    start, end = _moment(data.get("start")), _moment(data.get("end"))
    series, times = bool(data.get("series", False)), int(data.get("times", 1))
    return Overlap(str(data["request"]), str(data["requester"]), start, end, series, times)


def _moment(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class OverlapLine:
    """How a card says one overlap (Slack and the console fill in who, what and which request)."""

    key: str  # the catalogue sentence: ``card.overlap.record`` … ``card.overlap.series_more.relay``
    window: str  # the first overlapping window in the card's zone ("15:00–16:00", "Wed 9 Dec 2026 15:00–16:00")
    more: int  # how many more of a series' occurrences overlap


def overlap_line(found: Overlap, stored: StoredRequest) -> OverlapLine:
    """The sentence for ``found`` on ``stored``'s card: a series' occurrence always names its day; a single window
    names it when it is not the card's own start day."""
    kind = stored.request.kind
    if found.start is None or found.end is None:
        return OverlapLine(f"card.overlap.{kind}", "", 0)  # the renderer says "until cancelled"
    zone = ZoneInfo(stored.timezone)
    start, end = found.start.astimezone(zone), found.end.astimezone(zone)
    window = stored.request.window
    own_day = window is not None and start.date() == window.start.astimezone(zone).date()
    first = f"{start:%H:%M}" if own_day and not found.series else f"{format_day(start, stored.lang)} {start:%H:%M}"
    last = f"{end:%H:%M}" if end.date() == start.date() else f"{format_day(end, stored.lang)} {end:%H:%M}"
    if not found.series:
        return OverlapLine(f"card.overlap.{kind}", f"{first}–{last}", 0)
    more = found.times - 1
    return OverlapLine(f"card.overlap.{'series_more' if more else 'series'}.{kind}", f"{first}–{last}", more)


def card_facts(store: RequestStore | None, provider: Provider, schedule: Schedule) -> dict[str, Any]:
    """What a new request keeps for its card besides its notes: the requests it overlaps (read from ``store``; None
    when they are read after the acknowledgement, :mod:`bot.flow.later_overlaps`), and its series (on every provider:
    one that cannot hold a task ahead of its window has each occurrence started and stopped by the bot)."""
    request = schedule.request
    facts: dict[str, Any] = {}
    if store is not None:
        overlaps = find_overlaps(store, request, provider.tasks_per_stream(request), series=schedule.series)
        facts = {"overlaps": overlaps.to_json()} if overlaps.found else {}
    if schedule.series is not None:
        facts["series"] = series_to_json(schedule.series)
    return facts
