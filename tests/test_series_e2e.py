"""A weekday series over New York's change to daylight saving time (Sunday 14 March 2027), end to end: signed Slack
requests to two real ``serve`` replicas sharing one database (SQLite and PostgreSQL), the fake Slack and the fake
providers over real HTTP. Each occurrence is created once at the provider, ahead within what the provider accepts,
at 09:00–10:00 New York time on both sides of the change, across a ``kill -9`` in the middle of a create; cancelling
one occurrence leaves the others; cancelling the series stops the rest and says how many.

The replicas' clocks read March 2027 (tests/serve_later.py), so Tencent's "a start at most 6 days ahead" holds on
the providers' own terms; jobs further ahead are made due by moving ``jobs.due_at``, as time passing would."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.lifecycle import RequestState as S
from bot.store.jobs import JobStatus
from tests.durable_support import (
    buttons,
    dumps,
    press,
    request_id_of,
    response_posts,
    slash,
    thread_texts,
    until,
    wait_state,
    wait_thread,
)
from tests.fakes.provider_server import FakeProviderServer
from tests.fakes.providers import FakeProviders, Fault
from tests.fakes.slack import FakeSlack
from tests.fixtures_series_e2e import (
    Replicas,
    claimer_pid,
    create_jobs,
    due_now,
    job,
    lease_runs_out,
    occurrence_key,
    settled,
)
from tests.fixtures_slack import NEW_YORKER, unique

pytestmark = pytest.mark.timeout(240)

NEW_YORK = ZoneInfo("America/New_York")
DAYS = ["2027-03-10", "2027-03-11", "2027-03-12", "2027-03-15", "2027-03-16", "2027-03-17"]
LABELS = ["Wed 10 Mar", "Thu 11 Mar", "Fri 12 Mar", "Mon 15 Mar", "Tue 16 Mar", "Wed 17 Mar"]
#: 09:00 in New York in UTC: 14:00 while on EST (UTC−5), 13:00 from Sunday the 14th on EDT (UTC−4).
STARTS = [datetime.fromisoformat(f"{day}T{'14' if day < '2027-03-14' else '13'}:00:00+00:00") for day in DAYS]
HOUR = timedelta(hours=1)
SERIES = "every weekday 09:00 to 10:00 from 2027-03-10 until 2027-03-17"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(f"2027-{text}:00+00:00")


def confirmed(replicas: Replicas, slack_api: FakeSlack, text: str, channel: str, ts: str) -> tuple[str, str]:
    """Propose the series on replica a, confirm it on replica b: the request id and the Confirm click's token."""
    card = slash(replicas.servers["a"], slack_api, text, user=NEW_YORKER, channel=channel)
    shown = dumps(card)
    assert "Repeats on weekdays, 09:00–10:00" in shown and "America/New_York" in shown, shown
    request_id = request_id_of(card)
    token = press(replicas.servers["b"], slack_api, "request_confirm", request_id, user=NEW_YORKER, channel=channel,
                  message_ts=ts)  # fmt: skip
    assert "Series confirmed: 6 recordings" in wait_thread(slack_api, channel, ts, "Series confirmed")
    wait_state(replicas.store, request_id, S.SCHEDULED)
    return request_id, token


def creates(fake: FakeProviderServer, action: str, stream_field: str, stream: str) -> list[Mapping[str, Any]]:
    return [c.params for c in fake.calls_to(action) if c.params.get(stream_field) == stream]


def instant(value: object) -> datetime:
    """A provider's StartTime/EndTime (RFC 3339 text or UNIX seconds) as a UTC datetime."""
    if isinstance(value, int):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value)).astimezone(UTC)


def windows_sent(params: list[Mapping[str, Any]]) -> list[tuple[datetime, datetime]]:
    return sorted((instant(p["StartTime"]), instant(p["EndTime"])) for p in params)


def scheduled_days(slack_api: FakeSlack, channel: str, ts: str, provider: str) -> list[str]:
    """The day of every "Scheduled <day> 09:00 – 10:00 (America/New_York) on <provider>: TaskId …" in the thread."""
    said = re.compile(rf"^Scheduled (\w{{3}} \d+ Mar) 2027 09:00 – 10:00 \(America/New_York\) on {provider}: TaskId ")
    lines = [line for t in thread_texts(slack_api, channel, ts) for line in t.splitlines()]
    return sorted((m.group(1) for line in lines if (m := said.match(line))), key=LABELS.index)


def said_once_each(slack_api: FakeSlack, channel: str, ts: str, provider: str, labels: list[str]) -> None:
    """The thread said each of ``labels`` was scheduled, each exactly once (and no other day)."""
    until(lambda: set(scheduled_days(slack_api, channel, ts, provider)) >= set(labels), what=f"{labels} said")
    assert scheduled_days(slack_api, channel, ts, provider) == labels


def recorded(replicas: Replicas, request_id: str, count: int, *, slack_api: FakeSlack, channel: str, ts: str) -> None:
    """Wait until the series owns ``count`` tasks; on a timeout, say what its jobs and thread show."""
    try:
        until(lambda: len(replicas.store.tasks_of(request_id)) == count, what=f"{count} occurrences recorded")
    except AssertionError as timed_out:
        jobs = [(j.key, j.status.value, j.attempts, j.claimed_by, j.last_error)
                for j in replicas.store.jobs.list_jobs(request_id=request_id)]  # fmt: skip
        said = thread_texts(slack_api, channel, ts)
        raise AssertionError(f"{replicas.store.tasks_of(request_id)}\n{jobs}\n{said}") from timed_out


def kill_the_creator_mid_call(
    replicas: Replicas, request_id: str, fake: FakeProviderServer, *, action: str, stream_field: str, stream: str,
    others_said: Callable[[str], None],
) -> tuple[str, str]:  # fmt: skip
    """The provider creates an occurrence's task but answers slowly (an injected delay); the replica that claimed its
    job is killed (``kill -9``) meanwhile, once ``others_said(<the slow day>)`` saw the other occurrences said in
    the thread (what a process has yet to post dies with it). While it is down the leases of its jobs run out and the
    other replica runs them again; then it is started again. Returns (killed, survivor)."""
    slow = until(lambda: next((c for c in fake.calls_to(action)
                               if c.params.get(stream_field) == stream and c.outcome == "delay"), None),
                 what="the slow create call")  # fmt: skip
    day = instant(slow.params["StartTime"]).astimezone(NEW_YORK).date().isoformat()
    key = occurrence_key(request_id, day)
    killed = replicas.named(claimer_pid(replicas.store, key))
    others_said(LABELS[DAYS.index(day)])
    survivor = "b" if killed == "a" else "a"

    def rerun_on_the_survivor() -> None:
        stuck = [j.key for j in create_jobs(replicas.store, request_id) if j.status is JobStatus.RUNNING]
        assert key in stuck
        lease_runs_out(replicas, *stuck)
        for stuck_key in stuck:
            settled(replicas.store, stuck_key)
        assert job(replicas.store, key).attempts == 2 and claimer_pid(replicas.store, key) == replicas.pid(survivor)

    replicas.kill_and_restart(killed, while_down=rerun_on_the_survivor)
    return killed, survivor


def test_a_volcengine_weekday_series_over_dst_on_two_replicas_with_a_kill_9(
    series_replicas: Replicas, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    replicas = series_replicas
    fake, stream = provider_fakes.volc, unique("news")
    channel, ts = unique("CSERIESVOLC"), "1840000001.000100"
    request_id, token = confirmed(replicas, slack_api, f"live/{stream} {SERIES} on volc", channel, ts)
    # ahead: a day before each start (the lead), but never before the previous one ends (one task per stream)
    assert [j.due_at for j in create_jobs(replicas.store, request_id)] == [
        utc("03-09T14:00"), utc("03-10T15:00"), utc("03-11T15:00"), utc("03-14T13:00"), utc("03-15T14:00"),
        utc("03-16T14:00"),
    ]  # fmt: skip
    until(lambda: creates(fake, "CreatePullRecordTask", "Stream", stream), what="Wednesday's task (due already)")

    fake.inject(Fault.delay(30), action="CreatePullRecordTask")  # Thursday's: created, answered slowly
    due_now(replicas, occurrence_key(request_id, DAYS[1]))
    until(lambda: replicas.store.tasks_of(request_id), what="Wednesday's task recorded")
    killed, survivor = kill_the_creator_mid_call(
        replicas, request_id, fake, action="CreatePullRecordTask", stream_field="Stream", stream=stream,
        others_said=lambda slow: said_once_each(slack_api, channel, ts, "Volcengine", [LABELS[0]]),
    )  # fmt: skip
    assert {killed, survivor} == {"a", "b"}  # both replicas' schedulers claimed a job

    due_now(replicas, *(occurrence_key(request_id, day) for day in DAYS[2:5]))  # Wednesday the 17th stays ahead
    until(lambda: len(creates(fake, "CreatePullRecordTask", "Stream", stream)) >= 5, what="five tasks")
    for day in DAYS[2:5]:
        settled(replicas.store, occurrence_key(request_id, day))
    sent = creates(fake, "CreatePullRecordTask", "Stream", stream)
    assert windows_sent(sent) == [(start, start + HOUR) for start in STARTS[:5]]  # once each, 09:00 New York
    assert not [c for c in fake.calls if c.outcome not in ("ok", "delay") and c.params.get("Stream") == stream]
    said_once_each(slack_api, channel, ts, "Volcengine", LABELS[:5])
    tasks = {t.window_start: t.task_id for t in replicas.store.tasks_of(request_id) if t.window_start}
    assert sorted(tasks) == STARTS[:5]

    # one occurrence alone: Monday's task stops at the provider, the others stay
    answer = dumps(slash(replicas.servers[survivor], slack_api, f"cancel {request_id} {DAYS[3]}", user=NEW_YORKER,
                         channel=channel))  # fmt: skip
    assert f"Cancelled the {DAYS[3]} recording of {request_id}; 5 left in the series." in answer
    assert "5 left in the series" in wait_thread(slack_api, channel, ts, "left in the series")
    until(lambda: fake.tasks[tasks[STARTS[3]]]["Status"] == "停用", what="Monday's task to stop")
    assert [fake.tasks[tasks[s]]["Status"] for s in STARTS[:5]] == ["未开始"] * 3 + ["停用", "未开始"]

    # the whole series: Cancel series (its dialog says how many), then every task stops and nothing more is created
    card = until(lambda: _latest_card(slack_api, token, channel, ts, "5 to come"), what="the card after the skip")
    dialog = next(b for b in card["blocks"] if b["type"] == "actions")["elements"][0]["confirm"]["text"]["text"]
    assert "All 5 upcoming recordings" in dialog, dialog
    press(replicas.servers[killed], slack_api, "task_cancel", request_id, user=NEW_YORKER, channel=channel,
          message_ts=ts)  # fmt: skip
    wait_state(replicas.store, request_id, S.CANCELLED)
    said = wait_thread(slack_api, channel, ts, "cancelled the series")
    assert f"<@{NEW_YORKER}> cancelled the series and its 5 upcoming recordings" in said, said
    assert [fake.tasks[tasks[s]]["Status"] for s in STARTS[:5]] == ["停用"] * 5
    assert job(replicas.store, occurrence_key(request_id, DAYS[5])).status is JobStatus.CANCELLED
    assert len(creates(fake, "CreatePullRecordTask", "Stream", stream)) == 5


def test_a_tencent_weekday_series_over_dst_within_six_days_on_two_replicas_with_a_kill_9(
    series_replicas: Replicas, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    replicas = series_replicas
    fake, stream = provider_fakes.tencent, unique("morning")
    provider = "Tencent Cloud Live"
    channel, ts = unique("CSERIESTC"), "1840000002.000100"
    fake.inject(Fault.delay(30), action="CreateRecordTask")  # the first create: made, answered slowly
    request_id, _ = confirmed(replicas, slack_api, f"live/{stream} {SERIES} on tencent", channel, ts)
    # a start at most 6 days ahead (a minute's margin): Wednesday to Monday are due at once, Tuesday in an hour
    assert [j.due_at for j in create_jobs(replicas.store, request_id)] == [
        start - timedelta(days=6) + timedelta(minutes=1) for start in STARTS
    ]
    kill_the_creator_mid_call(
        replicas, request_id, fake, action="CreateRecordTask", stream_field="StreamName", stream=stream,
        others_said=lambda slow: said_once_each(slack_api, channel, ts, provider, [d for d in LABELS[:4] if d != slow]),
    )  # fmt: skip
    recorded(replicas, request_id, 4, slack_api=slack_api, channel=channel, ts=ts)
    sent = creates(fake, "CreateRecordTask", "StreamName", stream)
    assert windows_sent(sent) == [(start, start + HOUR) for start in STARTS[:4]]  # once each, 09:00 New York
    said_once_each(slack_api, channel, ts, provider, LABELS[:4])
    later = [job(replicas.store, occurrence_key(request_id, day)) for day in DAYS[4:]]
    assert [j.status for j in later] == [JobStatus.PENDING] * 2 and min(j.due_at for j in later) > replicas.now()
    tasks = {t.window_start: t.task_id for t in replicas.store.tasks_of(request_id) if t.window_start}

    # one occurrence alone: Friday's task stops at the provider, the others stay
    answer = dumps(slash(replicas.servers["a"], slack_api, f"cancel {request_id} {DAYS[2]}", user=NEW_YORKER,
                         channel=channel))  # fmt: skip
    assert f"Cancelled the {DAYS[2]} recording of {request_id}; 5 left in the series." in answer
    until(lambda: fake.tasks[tasks[STARTS[2]]]["Stopped"] == 1, what="Friday's task to stop")
    assert [fake.tasks[tasks[s]]["Stopped"] for s in STARTS[:4]] == [0, 0, 1, 0]

    # the whole series by command: the answer and the thread say how many; Tuesday's and Wednesday's never exist
    answer = dumps(slash(replicas.servers["b"], slack_api, f"cancel {request_id}", user=NEW_YORKER, channel=channel))
    assert f"Cancelling the series {request_id} and its 5 upcoming recordings" in answer, answer
    wait_state(replicas.store, request_id, S.CANCELLED)
    said = wait_thread(slack_api, channel, ts, "cancelled the series")
    assert f"<@{NEW_YORKER}> cancelled the series and its 5 upcoming recordings" in said, said
    assert [fake.tasks[tasks[s]]["Stopped"] for s in STARTS[:4]] == [1, 1, 1, 1]
    assert [job(replicas.store, occurrence_key(request_id, d)).status for d in DAYS[4:]] == [JobStatus.CANCELLED] * 2
    assert len(creates(fake, "CreateRecordTask", "StreamName", stream)) == 4


def _latest_card(slack_api: FakeSlack, token: str, channel: str, ts: str, needle: str) -> dict[str, Any] | None:
    """The card's latest version (through the Confirm click's response_url or chat.update) when it says ``needle``."""
    replaced = [c for c in response_posts(slack_api, token) if c.params.get("replace_original")]
    updated = slack_api.calls_to("chat.update", channel=channel, ts=ts)
    versions = sorted(replaced + updated, key=lambda c: c.at)
    latest = versions[-1].params if versions else None
    return latest if latest is not None and needle in dumps(latest) and buttons(latest) else None
