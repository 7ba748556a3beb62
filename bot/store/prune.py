"""Deleting old history on an operator's word (``python -m bot prune``): requests that reached a final state and
audit events, both from before a moment, in short batches so the bot keeps answering while it runs. Requests still
waiting, scheduled, running or of unknown outcome are never deleted, whatever their age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.lifecycle import TRANSITIONS
from bot.store.tables import audit_events, jobs, requests

#: States a request never leaves: only these are pruned.
FINAL_STATES = tuple(sorted(state.value for state, onward in TRANSITIONS.items() if not onward))
#: Rows deleted per transaction.
PRUNE_BATCH = 5000


@dataclass(frozen=True)
class PruneCounts:
    """How many rows a prune deletes (or would delete)."""

    requests: int
    audit_events: int


def _old_requests(before: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(requests.c.created_at < before, requests.c.state.in_(FINAL_STATES))


def count_prunable(engine: sa.Engine, before: datetime) -> PruneCounts:
    """What :func:`prune` would delete now."""
    with engine.connect() as connection:
        found = connection.execute(sa.select(sa.func.count()).where(_old_requests(before))).scalar_one()
        events = connection.execute(
            sa.select(sa.func.count()).select_from(audit_events).where(audit_events.c.at < before)
        ).scalar_one()
    return PruneCounts(requests=int(found), audit_events=int(events))


def prune(engine: sa.Engine, before: datetime, *, batch: int = PRUNE_BATCH) -> PruneCounts:
    """Delete final requests created before ``before`` (and their jobs) and audit events before it."""
    deleted_requests = deleted_events = 0
    while True:
        with engine.begin() as connection:
            ids = list(connection.execute(sa.select(requests.c.id).where(_old_requests(before)).limit(batch)).scalars())
            if not ids:
                break
            connection.execute(jobs.delete().where(jobs.c.request_id.in_(ids)))
            deleted_requests += connection.execute(requests.delete().where(requests.c.id.in_(ids))).rowcount
    while True:
        pick = sa.select(audit_events.c.id).where(audit_events.c.at < before).limit(batch)
        with engine.begin() as connection:
            ids = list(connection.execute(pick).scalars())
            if not ids:
                break
            deleted_events += connection.execute(audit_events.delete().where(audit_events.c.id.in_(ids))).rowcount
    return PruneCounts(requests=deleted_requests, audit_events=deleted_events)
