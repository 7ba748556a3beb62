"""Home tab openers in the store (``store.home``), on SQLite and PostgreSQL: opening claims a slot whatever the last
one, a slot is claimed once per quiet interval by exactly one of many racing replicas, a trailing claim only if nobody
published since, whose tabs a change shows, and openers unseen for long are forgotten."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier

from bot.store import HomeSlot, HomeViews, SqlRequestStore, open_store

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
QUIET = timedelta(seconds=3)


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def at(self, seconds: float) -> Clock:
        self.now = T0 + timedelta(seconds=seconds)
        return self


def test_opening_claims_a_slot_and_changes_claim_one_per_quiet_interval(store: SqlRequestStore) -> None:
    clock = Clock()
    views = HomeViews(store.engine, clock=clock)
    assert views.claim("UNEVER", quiet=QUIET) is None  # never opened: nothing to draw
    assert views.slot("UNEVER") is None
    assert views.opened("UA", sees_everyone=False) == 1
    assert views.slot("UA") == HomeSlot("UA", 1, T0)
    assert views.claim("UA", quiet=QUIET) is None  # just drawn
    clock.at(2.999)
    assert views.claim("UA", quiet=QUIET) is None
    clock.at(3)
    assert views.claim("UA", quiet=QUIET) == 2
    assert views.claim("UA", quiet=QUIET) is None
    clock.at(4)
    assert views.opened("UA", sees_everyone=True) == 3  # opening draws at once, however recent the last one
    assert views.slot("UA") == HomeSlot("UA", 3, T0 + timedelta(seconds=4))


def test_a_trailing_claim_wins_only_if_nobody_published_since(store: SqlRequestStore) -> None:
    clock = Clock()
    views = HomeViews(store.engine, clock=clock)
    views.opened("UB", sees_everyone=False)
    assert views.claim_after("UB", 1) == 2
    assert views.claim_after("UB", 1) is None  # slot 2 was claimed since
    clock.at(10)
    assert views.claim("UB", quiet=QUIET) == 3
    assert views.claim_after("UB", 2) is None
    assert views.claim_after("UNEVER", 0) is None


def test_replicas_racing_for_one_slot_have_exactly_one_winner(store_url: str) -> None:
    replicas = [open_store(store_url, migrate=True) for _ in range(6)]
    clock = Clock()
    views = [HomeViews(r.engine, clock=clock) for r in replicas]
    views[0].opened("URACE", sees_everyone=False)
    clock.at(60)
    start = Barrier(len(views) * 2)

    def claim(view: HomeViews) -> int | None:
        start.wait()
        return view.claim("URACE", quiet=QUIET)

    with ThreadPoolExecutor(len(views) * 2) as pool:
        won = [n for n in pool.map(claim, views * 2) if n is not None]
    assert won == [2]
    for replica in replicas:
        replica.engine.dispose()


def test_a_change_shows_in_the_requesters_tab_and_in_every_workspace_wide_one(store: SqlRequestStore) -> None:
    views = HomeViews(store.engine, clock=Clock())
    views.opened("UREQ", sees_everyone=False)
    views.opened("UADMIN", sees_everyone=True)
    views.opened("UOTHER", sees_everyone=False)
    assert views.showing("UREQ") == ["UADMIN", "UREQ"]
    assert views.showing("UNOTOPENED") == ["UADMIN"]
    views.opened("UADMIN", sees_everyone=False)  # no longer cancel_any when last opened
    assert views.showing("UNOTOPENED") == []


def test_openers_unseen_since_a_moment_are_forgotten(store: SqlRequestStore) -> None:
    clock = Clock()
    views = HomeViews(store.engine, clock=clock)
    views.opened("UOLD", sees_everyone=True)
    clock.at(3600)
    views.opened("UNEW", sees_everyone=True)
    assert views.forget_older_than(T0 + timedelta(seconds=1)) == 1
    assert views.slot("UOLD") is None and views.slot("UNEW") is not None
    assert views.showing("UX") == ["UNEW"]
