"""The provider pace shared by every replica: :class:`SqlDepartureBook` implements
:class:`providers.ratelimit.DepartureBook` with one row per (provider, action).

Booking is one conditional ``UPDATE … RETURNING``: ``next_at`` moves to ``max(next_at, earliest) + interval`` and the
caller leaves at the new value minus ``interval``. The row lock orders concurrent bookings, in one process or many, so
no two departures of a key are booked closer than ``interval``. Times are wall-clock seconds of the booking process
(replicas' clocks are NTP-synchronised; a few milliseconds apart only shift a departure by that much).
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.store.tables import provider_departures as departures

#: Bookings run ahead by at most (waiting calls × interval): seconds for any real queue. Beyond this, start afresh.
MAX_AHEAD_SECONDS = 120.0


class SqlDepartureBook:
    """Reach it as ``store.departures``."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def book(self, key: str, interval: float, earliest: float) -> float:
        """The first free departure for ``key`` at or after ``earliest``, ``interval`` after the previous booking."""
        # A booking further ahead than any queue of calls could reach means a clock was stepped back: start afresh.
        ahead = sa.and_(departures.c.next_at > earliest, departures.c.next_at <= earliest + MAX_AHEAD_SECONDS)
        later = sa.case((ahead, departures.c.next_at), else_=sa.literal(earliest))
        booking = (
            departures.update()
            .where(departures.c.key == key)
            .values(next_at=later + interval)
            .returning(departures.c.next_at)
        )
        for _ in range(2):  # the key's first booking inserts its row; a replica inserting at the same time wins
            with self.engine.begin() as connection:
                booked = connection.execute(booking).scalar_one_or_none()
                if booked is not None:
                    return float(booked) - interval
            try:
                with self.engine.begin() as connection:
                    connection.execute(departures.insert().values(key=key, next_at=earliest + interval))
                return earliest
            except sa.exc.IntegrityError:
                continue
        raise RuntimeError(f"could not book a departure for {key}")
