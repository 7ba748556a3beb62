"""Deliveries handled once across every replica: Slack retries an event it thinks was lost (``X-Slack-Retry-Num``),
and the retry may reach another process. The first insert of a key wins; everyone else is told it was seen."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from bot.store.tables import seen_events
from bot.timekeeping import Clock, utc_now


class SeenEvents:
    """Reach it as ``store.seen``."""

    def __init__(self, engine: sa.Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def first_time(self, key: str) -> bool:
        """True for the first caller (in any process) with ``key``, False for every later one."""
        try:
            with self.engine.begin() as connection:
                connection.execute(seen_events.insert().values(key=key[:128], seen_at=self.clock()))
        except sa.exc.IntegrityError:
            return False
        return True

    def forget(self, key: str) -> None:
        """Drop ``key`` (its handling failed: the next delivery must be handled again)."""
        with self.engine.begin() as connection:
            connection.execute(seen_events.delete().where(seen_events.c.key == key[:128]))

    def forget_older_than(self, moment: datetime) -> int:
        """Drop keys seen before ``moment`` (Slack stops retrying after minutes); returns how many."""
        with self.engine.begin() as connection:
            return connection.execute(seen_events.delete().where(seen_events.c.seen_at < moment)).rowcount
