"""When Home tabs are published, with two :class:`HomeTab` s on separate connections standing in for two replicas (one
database, SQLite and PostgreSQL), a real ``WebClient`` to the fake Slack, the real scheduler for trailing redraws and
a clock the test moves: only openers are redrawn; a change made by either replica redraws at once, a change inside the
quiet interval gets one trailing redraw when it ends (not one per change, and none if someone published since);
publications share one workspace pace; old openers and finished redraw jobs are forgotten."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient

from bot.scheduler import Scheduler
from bot.slack.home_tab import FINISHED_REDRAWS_KEPT, OPENERS_KEPT, HomeTab, publish_pace
from bot.slack.users import Person
from bot.store import HomeViews, JobStatus, JobStore, SqlRequestStore, open_store
from tests.fakes.slack import FakeSlack
from tests.fixtures_slack import unique

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
PACE_SECONDS = 60 / 100 * 1.03  # views.publish: 100 a minute per workspace, 3 % below


@dataclass
class Time:
    """The moment the test says, and a wall clock (seconds) that moves only when the pace waits."""

    now: datetime = T0
    wall: float = 1_000_000.0
    waited: list[float] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.now

    def at(self, seconds: float) -> None:
        self.now = T0 + timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.waited.append(seconds)
        self.wall += seconds


@dataclass
class Replica:
    store: SqlRequestStore
    tab: HomeTab
    jobs: JobStore


def replica(url: str, slack_api: FakeSlack, time: Time, drawn: list[tuple[str, float]], everyone: set[str]) -> Replica:
    store = open_store(url, migrate=True)
    jobs = JobStore(store.engine, clock=time)

    def lookup(user: str) -> Person:
        drawn.append((user, time.wall))  # the tab is drawn right after its turn to leave
        return Person(user, "Asia/Shanghai", "en")

    tab = HomeTab(
        store, WebClient(token="xoxb-test", base_url=slack_api.api_url), views=HomeViews(store.engine, clock=time),
        jobs=jobs, lookup=lookup, may_see_everyone=lambda user: user in everyone, clock=time,
        pace=publish_pace(store.departures, wall=lambda: time.wall, sleep=time.sleep), start=lambda work: work(),
    )  # fmt: skip
    return Replica(store, tab, jobs)


@dataclass
class Two:
    a: Replica
    b: Replica
    time: Time
    drawn: list[tuple[str, float]]
    everyone: set[str]

    def run_due(self) -> int:
        """Run the redraw jobs due now on replica B's scheduler; how many ran."""
        scheduler = Scheduler(self.b.jobs, self.b.tab.handlers(), clock=self.time, workers=2)
        return len(scheduler.run_due())


@pytest.fixture
def two(store_url: str, slack_api: FakeSlack) -> Iterator[Two]:
    time, drawn, everyone = Time(), list[tuple[str, float]](), set[str]()
    a, b = (replica(store_url, slack_api, time, drawn, everyone) for _ in range(2))
    pair = Two(a, b, time, drawn, everyone)
    yield pair
    pair.a.store.engine.dispose()
    pair.b.store.engine.dispose()


def publishes(slack_api: FakeSlack, user: str) -> int:
    return len(slack_api.calls_to("views.publish", user_id=user))


def pending(jobs: JobStore) -> list[str]:
    return [job.key for job in jobs.list_jobs(statuses={JobStatus.PENDING})]


def test_a_change_inside_the_interval_is_drawn_once_when_it_ends_whichever_replica_sees_it(
    two: Two, slack_api: FakeSlack
) -> None:
    person = unique("UHOME")
    two.b.tab.changed(person)  # never opened: nothing
    assert publishes(slack_api, person) == 0 and pending(two.a.jobs) == []
    two.a.tab.opened(person)
    assert publishes(slack_api, person) == 1
    two.time.at(1)
    two.b.tab.changed(person)  # inside the interval that the opening began: one redraw when it ends
    two.time.at(2)
    two.a.tab.changed(person)
    two.b.tab.changed(person)
    assert publishes(slack_api, person) == 1
    assert pending(two.a.jobs) == [f"home.redraw:{person}:1"]
    assert two.a.jobs.list_jobs()[0].due_at == T0 + timedelta(seconds=3)
    two.time.at(3)
    assert two.run_due() == 1
    assert publishes(slack_api, person) == 2  # the trailing redraw
    two.time.at(4)
    two.a.tab.changed(person)  # inside the trailing redraw's interval: another one at 6
    assert pending(two.a.jobs) == [f"home.redraw:{person}:2"]
    two.time.at(7)
    two.b.tab.changed(person)  # after the interval: drawn at once, which makes the planned one unnecessary
    assert publishes(slack_api, person) == 3
    assert two.run_due() == 1
    assert publishes(slack_api, person) == 3


def test_a_change_is_drawn_at_once_for_the_requester_and_workspace_wide_tabs_only(
    two: Two, slack_api: FakeSlack
) -> None:
    requester, admin, other = unique("UREQ"), unique("UADM"), unique("UOTH")
    two.everyone.add(admin)
    for user in (requester, admin, other):
        two.a.tab.opened(user)
    two.time.at(10)
    two.b.tab.changed(requester)
    assert [publishes(slack_api, u) for u in (requester, admin, other)] == [2, 2, 1]
    assert pending(two.a.jobs) == []


def test_publications_of_both_replicas_keep_one_workspace_pace(two: Two, slack_api: FakeSlack) -> None:
    admins = [unique("UPACE") for _ in range(3)]
    two.everyone.update(admins)
    for admin in admins:
        two.a.tab.opened(admin)
    two.time.at(10)
    two.b.tab.changed(unique("UANY"))  # every admin's tab shows it: three more publications, from replica B
    moments = [wall for user, wall in two.drawn if user in admins]
    assert len(moments) == 6 and sum(publishes(slack_api, a) for a in admins) == 6
    gaps = [later - earlier for earlier, later in itertools.pairwise(moments)]
    assert min(gaps) >= PACE_SECONDS - 1e-6, gaps


def test_openers_unseen_for_30_days_and_finished_redraw_jobs_are_forgotten_hourly(
    two: Two, slack_api: FakeSlack
) -> None:
    old, recent = unique("UOLD"), unique("UNEW")
    two.a.tab.opened(old)
    two.time.now = T0 + OPENERS_KEPT - timedelta(hours=1)
    two.a.tab.opened(recent)
    two.a.tab.changed(recent)  # a trailing redraw job, due in 3 s
    two.time.now += timedelta(seconds=3)
    assert two.run_due() == 1
    finished = two.time.now
    two.time.now = T0 + OPENERS_KEPT + timedelta(seconds=1)
    two.b.tab.forget_old()
    views = two.a.tab.views
    assert views.slot(old) is None and views.slot(recent) is not None
    two.a.tab.changed(old)  # forgotten: no longer redrawn
    assert publishes(slack_api, old) == 1 and pending(two.a.jobs) == []
    assert [job.key for job in two.a.jobs.list_jobs()] == [f"home.redraw:{recent}:1"]  # finished less than a day ago
    two.time.now = finished + FINISHED_REDRAWS_KEPT - timedelta(minutes=10)
    two.b.tab.forget_old()
    two.time.now += timedelta(minutes=20)
    two.b.tab.forget_old()  # within the hour since the last time: not again
    assert len(two.a.jobs.list_jobs()) == 1
    two.time.now += timedelta(hours=1)
    two.b.tab.forget_old()
    assert two.a.jobs.list_jobs() == [] and views.slot(recent) is not None
