"""Who opened the App Home tab, and when their tab was last published (``home_views``), shared by every replica.
Reach it as ``store.home``. Persistence only: when to draw a tab is the Slack adapter's decision (:mod:`bot.slack.home_tab`).

A *publication slot* is the right to publish one person's tab now. Claiming one is a conditional ``UPDATE``, so two
replicas reacting to the same change never both win: :meth:`HomeViews.claim` wins only if no slot was claimed within a
quiet interval, :meth:`HomeViews.claim_after` only if no slot was claimed since a known one (a trailing redraw that
someone else's publication made unnecessary).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.store.tables import home_views
from bot.timekeeping import Clock, utc_now


@dataclass(frozen=True)
class HomeSlot:
    """The last publication slot claimed for one person's tab: the ``publications``-th, claimed at ``published_at``."""

    user: str
    publications: int
    published_at: datetime | None


class HomeViews:
    """People who opened their Home tab, and their tabs' publication slots."""

    def __init__(self, engine: sa.Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def opened(self, user: str, *, sees_everyone: bool) -> int:
        """Remember that ``user`` opened their tab now (and whether it shows the whole workspace) and claim a slot to
        draw it at once, whatever the last one; returns the slot's number."""
        now = self.clock()
        again = (
            home_views.update()
            .where(home_views.c.user_id == user)
            .values(opened_at=now, sees_everyone=sees_everyone, published_at=now,
                    publications=home_views.c.publications + 1)
            .returning(home_views.c.publications)
        )  # fmt: skip
        first = home_views.insert().values(
            user_id=user, opened_at=now, sees_everyone=sees_everyone, published_at=now, publications=1
        )
        for _ in range(2):  # a first opening inserts; one racing it on another replica makes the insert fail
            with self.engine.begin() as connection:
                number = connection.execute(again).scalar_one_or_none()
            if number is not None:
                return int(number)
            try:
                with self.engine.begin() as connection:
                    connection.execute(first)
                return 1
            except sa.exc.IntegrityError:
                continue
        raise RuntimeError("could not record an opened Home tab")

    def claim(self, user: str, *, quiet: timedelta) -> int | None:
        """Claim the next slot of ``user``'s tab if none was claimed (by any replica) within ``quiet``; returns its
        number, or None: not an opener, or published too recently."""
        now = self.clock()
        free = sa.or_(home_views.c.published_at.is_(None), home_views.c.published_at <= now - quiet)
        return self._claim(sa.and_(home_views.c.user_id == user, free), now)

    def claim_after(self, user: str, publications: int) -> int | None:
        """Claim the next slot only if slot ``publications`` is still the last one claimed (nobody published since);
        returns its number, or None."""
        unchanged = sa.and_(home_views.c.user_id == user, home_views.c.publications == publications)
        return self._claim(unchanged, self.clock())

    def slot(self, user: str) -> HomeSlot | None:
        """The last slot claimed for ``user``'s tab; None for someone who has not opened it (or was forgotten)."""
        query = sa.select(home_views.c.publications, home_views.c.published_at).where(home_views.c.user_id == user)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else HomeSlot(user, int(row.publications), row.published_at)

    def showing(self, requester: str) -> list[str]:
        """Openers whose tab shows requests of ``requester``: the requester (if an opener) and everyone whose tab shows
        the whole workspace."""
        query = (
            sa.select(home_views.c.user_id)
            .where(sa.or_(home_views.c.user_id == requester, home_views.c.sees_everyone.is_(True)))
            .order_by(home_views.c.user_id)
        )
        with self.engine.connect() as connection:
            return [str(user) for user in connection.execute(query).scalars()]

    def forget_older_than(self, moment: datetime) -> int:
        """Forget people who have not opened their tab since ``moment``; returns how many."""
        with self.engine.begin() as connection:
            return connection.execute(home_views.delete().where(home_views.c.opened_at < moment)).rowcount

    def _claim(self, where: sa.ColumnElement[bool], now: datetime) -> int | None:
        statement = (
            home_views.update()
            .where(where)
            .values(published_at=now, publications=home_views.c.publications + 1)
            .returning(home_views.c.publications)
        )
        with self.engine.begin() as connection:
            number = connection.execute(statement).scalar_one_or_none()
        return None if number is None else int(number)
