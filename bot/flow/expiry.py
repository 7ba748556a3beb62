"""Cards nobody answered: once the card lifetime has passed, a proposal can no longer be confirmed and becomes
``expired`` (its card says within how long it had to be answered)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.model import Note
from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event
from bot.lifecycle import AuditAction, RequestState, RequestStore, StoredRequest

#: Cards expired per pass at most (the next pass takes the rest).
PER_PASS = 1000


def expire_cards(life: RequestLife, store: RequestStore, *, now: datetime, lifetime: timedelta) -> list[StoredRequest]:
    """Move every card proposed more than ``lifetime`` before ``now`` to ``expired``; returns the expired ones."""
    note = Note("card.status.expired_within", (("hours", f"{lifetime.total_seconds() / 3600:g}"),))
    why = Move(Event.EXPIRED, AuditAction.EXPIRE, note=note)
    waiting = store.list_requests(states={RequestState.PROPOSED}, limit=PER_PASS, before=now - lifetime)
    moved = (life.move(s.id, from_states={RequestState.PROPOSED}, to=RequestState.EXPIRED, why=why) for s in waiting)
    return [stored for stored in moved if stored is not None]
