"""The read behind overlaps said before Confirm: one stream's holding requests whose span meets a new request's reach,
through the (provider, kind, target, state, span_end) index — one query for one card or for a batch of them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.core.model import TaskRequest
from bot.lifecycle import RequestState, StoredRequest
from bot.store.request_rows import request_from_row, span_end
from bot.store.tables import UtcDateTime, requests

EPOCH_START = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_END = datetime(9999, 1, 1, tzinfo=UTC)
#: Rows an overlap read takes at most (one stream's holding requests are far fewer; a batch of cards that reaches it
#: is read card by card instead).
OVERLAP_ROWS = 500
#: Requests of one provider and kind on some targets, in some states, whose span (first start to ``span_end``; NULL:
#: no end known) meets [start, end); a permanent request asks with the widest range.
_OVERLAPS = (
    sa.select(requests)
    .where(
        requests.c.state.in_(sa.bindparam("states", expanding=True)),
        requests.c.provider == sa.bindparam("provider"),
        requests.c.kind == sa.bindparam("kind"),
        requests.c.target.in_(sa.bindparam("targets", expanding=True)),
        sa.or_(requests.c.span_end.is_(None), requests.c.span_end > sa.bindparam("start", type_=UtcDateTime)),
        sa.or_(requests.c.window_start.is_(None), requests.c.window_start < sa.bindparam("end", type_=UtcDateTime)),
    )
    .order_by(requests.c.window_start, requests.c.id)
    .limit(sa.bindparam("limit", type_=sa.Integer))
)


def earliest_first(stored: StoredRequest) -> tuple[datetime, str]:
    """The order overlaps are read in: by window start (permanent first), then id."""
    return (stored.request.window.start if stored.request.window else EPOCH_START, stored.id)


def read_overlapping(  # noqa: PLR0917
    engine: sa.Engine,
    provider: str,
    kind: str,
    wanted: Sequence[TaskRequest],
    states: Collection[RequestState],
    series_ends: Sequence[datetime | None],
    limit: int = OVERLAP_ROWS,
) -> list[StoredRequest]:
    """Requests of ``provider`` and ``kind`` in ``states`` on the targets of ``wanted`` whose span meets the widest
    reach of ``wanted`` (each up to its series' end in ``series_ends``), earliest first, at most ``limit``."""
    starts = [r.window.start if r.window is not None else EPOCH_START for r in wanted]
    ends = [span_end(r, e) or EPOCH_END for r, e in zip(wanted, series_ends, strict=True)]
    parameters = {
        "states": sorted(RequestState(s).value for s in states),
        "provider": provider,
        "kind": kind,
        "targets": sorted({r.target.label() for r in wanted}),
        "start": min(starts),
        "end": max(ends),
        "limit": limit,
    }
    with engine.connect() as connection:
        return [request_from_row(row) for row in connection.execute(_OVERLAPS, parameters).mappings()]
