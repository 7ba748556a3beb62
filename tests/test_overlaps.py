"""Overlaps said before Confirm, through the real flow and store (SQLite and PostgreSQL), the fake providers over real
HTTP and the real card renderer: the card names an overlapping request on the same stream, keeps Confirm where the
provider allows overlaps, and where it caps them (Volcengine one, Tencent three per stream) says so and offers
extending the existing request instead."""

from __future__ import annotations

import time as clock
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from bot.core.model import ChannelTarget, Schedule, StreamTarget, Target, TaskRequest, Window
from bot.core.series import Series
from bot.flow import RequestFlow
from bot.flow.card import format_day
from bot.flow.outcome import Event
from bot.flow.overlaps import overlaps_of
from bot.lifecycle import RequestState as S
from bot.lifecycle import StoredRequest
from bot.slack.cards import CANCEL, CONFIRM, OVERLAP_EXTEND, proposal_card
from bot.slack.outcomes import status_card, thread_reply
from bot.store import SqlRequestStore
from providers.registry import ProviderRegistry
from tests.fixtures_store import Posted

ZONE = "Asia/Shanghai"


@pytest.fixture
def flow(store: SqlRequestStore, provider_registry: ProviderRegistry) -> Iterator[RequestFlow]:
    running = RequestFlow(store=store, providers=provider_registry, notifier=Posted(), workers=4, jobs=store.jobs)
    yield running
    running.close()


START = (datetime.now(UTC) + timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)  # 15:00 Shanghai


def window(minutes_after: int, length: int = 30) -> Window:
    start = START + timedelta(minutes=minutes_after)
    return Window(start, start + timedelta(minutes=length))


def propose(flow: RequestFlow, provider: str, target: Target, when: Window, user: str = "U1") -> StoredRequest:
    request = TaskRequest("record", provider, target, when)
    return flow.propose(Schedule(request, ZONE), requester=user, text="/record …")


def scheduled(flow: RequestFlow, provider: str, target: Target, when: Window, user: str = "U1") -> str:
    stored = propose(flow, provider, target, when, user)
    flow.confirm(stored.id, user=user)
    flow.drain()
    found = flow.store.get(stored.id)
    assert found is not None and found.state is S.SCHEDULED
    return stored.id


def actions(card: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["action_id"], e["value"]) for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]


def shown(card: dict[str, Any]) -> str:
    return "\n".join(e.get("text", "") for b in card["blocks"] if b["type"] == "context" for e in b["elements"])


def test_a_volc_card_that_would_be_a_second_task_on_the_stream_offers_extending_instead(flow: RequestFlow) -> None:
    stream = StreamTarget("live", "ov1")
    existing = scheduled(flow, "volc", stream, window(0), user="UALICE")
    card = proposal_card(propose(flow, "volc", stream, window(15, 45), user="UBOB"))
    assert f"<@UALICE> already records `live/ov1` 15:00–15:30 (`{existing}`)" in shown(card)
    assert "Volcengine allows 1 task(s) per stream at a time" in shown(card)
    proposed = actions(card)
    assert [a for a, _ in proposed] == [OVERLAP_EXTEND, CANCEL]
    assert proposed[0][1].startswith(f"{existing}:")
    assert f"Extend `{existing}` to 16:00 instead" in shown(card)


def test_tencent_allows_three_per_stream_then_says_so(flow: RequestFlow) -> None:
    stream = StreamTarget("live", "ov2")
    first = scheduled(flow, "tencent", stream, window(0))
    second = propose(flow, "tencent", stream, window(10))
    assert [a for a, _ in actions(proposal_card(second))] == [CONFIRM, CANCEL]
    assert f"(`{first}`)" in shown(proposal_card(second))
    scheduled(flow, "tencent", stream, window(5))
    last = scheduled(flow, "tencent", stream, window(20, 20))
    fourth = propose(flow, "tencent", stream, window(25, 60))
    said = overlaps_of(fourth)
    assert said.cap == 3 and len(said.found) == 3
    assert said.extend_id == last and said.extend_by == timedelta(minutes=45)
    assert "allows 3 task(s) per stream" in shown(proposal_card(fourth))


def test_no_cap_keeps_confirm_and_adjacent_or_other_streams_are_not_overlaps(flow: RequestFlow) -> None:
    channel = ChannelTarget("8888_ov3")
    existing = scheduled(flow, "qcloud", channel, window(0))
    overlapping = proposal_card(propose(flow, "qcloud", channel, window(20)))
    assert [a for a, _ in actions(overlapping)] == [CONFIRM, CANCEL] and existing in shown(overlapping)
    adjacent = propose(flow, "qcloud", channel, window(30))  # starts when the other ends: no overlap
    assert overlaps_of(adjacent).found == () and "already" not in shown(proposal_card(adjacent))
    elsewhere = propose(flow, "qcloud", ChannelTarget("8888_ov4"), window(0))
    assert overlaps_of(elsewhere).found == ()
    flow.cancel(existing, user="U1")
    flow.drain()
    assert overlaps_of(propose(flow, "qcloud", channel, window(0))).found == ()  # a cancelled one holds nothing


# --- series on either side: every upcoming, not-skipped occurrence counts --------------------------------------------


def weekday_series(first: date, start: time = time(15), end: time = time(16)) -> Series:
    """Every weekday from ``first`` for three weeks, ``start``–``end`` Shanghai time."""
    until = first + timedelta(weeks=3)
    return Series(f"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL={until:%Y%m%d}T235959", first, start, end, 0, ZONE)


FIRST_DAY = next(d for d in (START.date() + timedelta(days=n) for n in range(1, 8)) if d.weekday() < 5)
WEEKDAYS = weekday_series(FIRST_DAY)
THIRD = WEEKDAYS.occurrences()[2]  # the third weekday: its 15:00–16:00 in Shanghai


def propose_series(flow: RequestFlow, provider: str, target: Target, series: Series, user: str = "U1") -> StoredRequest:
    first = series.occurrences()[0]
    request = TaskRequest("record", provider, target, Window(first.start, first.end))
    return flow.propose(Schedule(request, ZONE, series=series), requester=user, text="/record … every weekday")


def scheduled_series(flow: RequestFlow, provider: str, target: Target, series: Series, user: str = "U1") -> str:
    stored = propose_series(flow, provider, target, series, user)
    flow.confirm(stored.id, user=user)
    flow.drain()
    found = flow.store.get(stored.id)
    assert found is not None and found.state is S.SCHEDULED
    return stored.id


def test_a_single_window_on_the_third_occurrence_of_a_series_names_that_occurrence(flow: RequestFlow) -> None:
    stream = StreamTarget("live", "ov5")
    series = scheduled_series(flow, "volc", stream, WEEKDAYS, user="UALICE")
    card = propose(flow, "volc", stream, Window(THIRD.start + timedelta(minutes=30), THIRD.end + timedelta(hours=1)))
    said = overlaps_of(card)
    assert [(o.request_id, o.start, o.end, o.series, o.times) for o in said.found] == [
        (series, THIRD.start, THIRD.end, True, 1)
    ]
    day = format_day(THIRD.start.astimezone(ZoneInfo(ZONE)), "en")
    assert f"<@UALICE> already records `live/ov5` {day} 15:00–16:00 in a series (`{series}`)" in shown(
        proposal_card(card)
    )
    # Volcengine holds one task per stream: over the cap, and a series' occurrence is not extended instead
    assert said.cap == 1 and said.extend_id is None
    assert [a for a, _ in actions(proposal_card(card))] == [CANCEL]


def test_a_skipped_occurrence_and_the_days_between_occurrences_hold_nothing(flow: RequestFlow) -> None:
    stream = ChannelTarget("8888_ov6")
    series = scheduled_series(flow, "qcloud", stream, WEEKDAYS)
    between = Window(THIRD.end, THIRD.end + timedelta(hours=20))  # from 16:00 to noon the next day
    assert overlaps_of(propose(flow, "qcloud", stream, between)).found == ()
    flow.cancel_occurrence(series, THIRD.start.astimezone(ZoneInfo(ZONE)).date(), user="U1")
    flow.drain()
    assert overlaps_of(propose(flow, "qcloud", stream, Window(THIRD.start, THIRD.end))).found == ()
    fourth = WEEKDAYS.occurrences()[3]  # the next one still counts
    assert [o.start for o in overlaps_of(propose(flow, "qcloud", stream, Window(fourth.start, fourth.end))).found] == [
        fourth.start
    ]


def test_a_new_series_names_an_existing_window_on_any_of_its_dates(flow: RequestFlow) -> None:
    stream = ChannelTarget("8888_ov7")
    later = WEEKDAYS.occurrences()[4]
    single = scheduled(flow, "qcloud", stream, Window(later.start - timedelta(minutes=30), later.start + timedelta(minutes=1)), user="UBOB")  # fmt: skip
    elsewhere = scheduled(flow, "qcloud", stream, Window(later.end, later.end + timedelta(hours=1)))  # touches only
    card = propose_series(flow, "qcloud", stream, WEEKDAYS)
    said = overlaps_of(card)
    assert [(o.request_id, o.series, o.times) for o in said.found] == [(single, False, 1)] and elsewhere
    day = format_day(later.start.astimezone(ZoneInfo(ZONE)), "en")
    assert f"<@UBOB> already records `8888_ov7` {day} 14:30–15:01 (`{single}`)" in shown(proposal_card(card))


def test_two_series_on_the_same_stream_say_the_first_shared_date_and_how_many_more(flow: RequestFlow) -> None:
    stream = ChannelTarget("8888_ov8")
    existing = scheduled_series(flow, "qcloud", stream, WEEKDAYS, user="UALICE")
    evenings = weekday_series(WEEKDAYS.occurrences()[5].start.astimezone(ZoneInfo(ZONE)).date(), time(15, 30), time(17))
    shared = [o for o in evenings.occurrences() if o.start < WEEKDAYS.occurrences()[-1].end]
    card = propose_series(flow, "qcloud", stream, evenings)
    said = overlaps_of(card)
    first = WEEKDAYS.occurrences()[5]
    assert [(o.request_id, o.start, o.series, o.times) for o in said.found] == [
        (existing, first.start, True, len(shared))
    ]
    day = format_day(first.start.astimezone(ZoneInfo(ZONE)), "en")
    assert (
        f"<@UALICE> already records `8888_ov8` {day} 15:00–16:00 and {len(shared) - 1} more time(s) in a series"
        f" (`{existing}`)" in shown(proposal_card(card))
    )
    zh = proposal_card(replace(card, lang="zh-CN"))
    assert f"另有 {len(shared) - 1} 次与此重叠（`{existing}`）" in shown(zh)


def test_the_cap_is_judged_at_the_worst_instant_not_by_counting_requests(flow: RequestFlow) -> None:
    stream = StreamTarget("live", "ov9")
    for minutes in (0, 20, 40):  # three on the stream within the hour, never more than one at a time
        scheduled(flow, "tencent", stream, window(minutes, 15))
    said = overlaps_of(propose(flow, "tencent", stream, window(0, 60)))
    assert len(said.found) == 3 and said.cap is None
    scheduled(flow, "tencent", stream, window(5, 15))
    scheduled(flow, "tencent", stream, window(10, 15))  # 15:10–15:15: three at once, with the new one four
    said = overlaps_of(propose(flow, "tencent", stream, window(0, 60)))
    assert len(said.found) == 5 and said.cap == 3


def test_extending_is_offered_only_for_a_window_just_before_that_covers_the_new_one_within_the_cap(
    flow: RequestFlow,
) -> None:
    after = StreamTarget("live", "ov10")
    scheduled(flow, "volc", after, window(30, 15))  # starts after the new window starts: extending it covers nothing
    said = overlaps_of(propose(flow, "volc", after, window(0, 60)))
    assert said.cap == 1 and said.extend_id is None

    busy = StreamTarget("live", "ov11")
    before = scheduled(flow, "tencent", busy, window(0, 20))
    for _ in range(3):  # 15:30–16:00 three times: extending `before` to 16:00 would make four at once
        scheduled(flow, "tencent", busy, window(30, 30))
    said = overlaps_of(propose(flow, "tencent", busy, window(10, 50)))
    assert said.cap == 3 and said.extend_id is None
    roomy = StreamTarget("live", "ov12")
    before = scheduled(flow, "tencent", roomy, window(0, 20))
    for _ in range(2):
        scheduled(flow, "tencent", roomy, window(5, 55))
    said = overlaps_of(propose(flow, "tencent", roomy, window(10, 50)))
    assert said.cap == 3 and said.extend_id == before and said.extend_by == timedelta(minutes=40)

    repeated = StreamTarget("live", "ov14")  # a new series is not covered by extending one window
    first = WEEKDAYS.occurrences()[0]
    scheduled(flow, "volc", repeated, Window(first.start - timedelta(minutes=15), first.start + timedelta(minutes=15)))
    said = overlaps_of(propose_series(flow, "volc", repeated, WEEKDAYS))
    assert said.cap == 1 and said.extend_id is None


def test_an_extended_window_overlaps_up_to_its_new_end(flow: RequestFlow) -> None:
    stream = ChannelTarget("8888_ov13")
    existing = scheduled(flow, "qcloud", stream, window(0, 30))
    assert overlaps_of(propose(flow, "qcloud", stream, window(45))).found == ()
    flow.extend(existing, timedelta(minutes=30), user="U1")
    flow.drain()
    assert [o.request_id for o in overlaps_of(propose(flow, "qcloud", stream, window(45))).found] == [existing]


def test_a_retried_series_keeps_its_span(flow: RequestFlow) -> None:
    stream = ChannelTarget("8888_ov15")
    failed = propose_series(flow, "qcloud", stream, WEEKDAYS).id
    for was, now in ((S.PROPOSED, S.CONFIRMED), (S.CONFIRMED, S.SUBMITTING), (S.SUBMITTING, S.FAILED)):
        assert flow.store.transition(failed, from_states={was}, to=now) is not None  # as a failed create leaves it
    fresh = flow.retry(failed, user="U1")
    flow.drain()
    assert [
        o.request_id for o in overlaps_of(propose(flow, "qcloud", stream, Window(THIRD.start, THIRD.end))).found
    ] == [fresh.id]


# --- read after the acknowledgement (Slack) -------------------------------------------------------------------------


@pytest.fixture
def later(store: SqlRequestStore, provider_registry: ProviderRegistry) -> Iterator[tuple[RequestFlow, Posted]]:
    posted = Posted()
    running = RequestFlow(store=store, providers=provider_registry, notifier=posted, workers=4, jobs=store.jobs,
                          overlaps_after_ack=True)  # fmt: skip
    assert running.later_overlaps is not None
    running.later_overlaps.delay = 0.0
    yield running, posted
    running.close()


def until_event(posted: Posted, request_id: str, event: Event) -> None:
    deadline = clock.monotonic() + 10
    while event not in posted.events(request_id):
        assert clock.monotonic() < deadline, f"no {event} for {request_id}: {posted.events(request_id)}"
        clock.sleep(0.01)


def test_overlaps_read_after_the_card_redraw_it_once_with_them(later: tuple[RequestFlow, Posted]) -> None:
    flow, posted = later
    stream = StreamTarget("live", "ov-later")
    existing = scheduled(flow, "volc", stream, window(0), user="UALICE")
    card = propose(flow, "volc", stream, window(15, 45), user="UBOB")
    assert "overlaps" not in card.extra  # the acknowledgement does not wait for the read
    until_event(posted, card.id, Event.OVERLAPS_FOUND)
    redrawn = next(o.request for o in posted.outcomes if o.event is Event.OVERLAPS_FOUND)
    assert redrawn.state is S.PROPOSED and overlaps_of(redrawn).found[0].request_id == existing
    assert overlaps_of(flow.store.get(card.id)).cap == 1  # type: ignore[arg-type]  # kept for every later card
    assert [a for a, _ in actions(status_card(posted.outcomes[-1]))] == [OVERLAP_EXTEND, CANCEL]
    assert thread_reply(posted.outcomes[-1]) is None  # the card changes, nothing goes to the thread


def test_a_card_without_overlaps_or_already_confirmed_is_not_redrawn(
    later: tuple[RequestFlow, Posted], store: SqlRequestStore
) -> None:
    flow, posted = later
    assert flow.later_overlaps is not None
    flow.later_overlaps.delay = 3600.0  # read by hand below
    stream = StreamTarget("live", "ov-later2")
    scheduled(flow, "tencent", stream, window(0), user="UALICE")
    alone = propose(flow, "tencent", StreamTarget("live", "ov-elsewhere"), window(0), user="UBOB")
    clicked = propose(flow, "tencent", stream, window(0), user="UBOB")
    flow.confirm(clicked.id, user="UBOB")
    # no overlap / confirmed before the read: neither card is drawn back
    assert flow.later_overlaps.check([alone, clicked]) == []
    assert Event.OVERLAPS_FOUND not in posted.events()
    waiting = propose(flow, "tencent", stream, window(5), user="UCAROL")
    assert [c.id for c in flow.later_overlaps.check([waiting])] == [waiting.id]
    assert posted.events(waiting.id) == [Event.OVERLAPS_FOUND]


def test_cards_due_together_are_read_in_one_query_per_provider_and_kind(
    later: tuple[RequestFlow, Posted], store: SqlRequestStore
) -> None:
    flow, _ = later
    assert flow.later_overlaps is not None
    flow.later_overlaps.delay = 3600.0
    held = {n: scheduled(flow, "tencent", StreamTarget("live", f"ov-batch{n}"), window(60 * n)) for n in range(3)}
    scheduled(flow, "volc", StreamTarget("live", "ov-batch-volc"), window(0))  # another provider: read apart
    cards = [propose(flow, "tencent", StreamTarget("live", f"ov-batch{n}"), window(60 * n + 10), user="UBOB")
             for n in range(3)]  # fmt: skip
    cards += [propose(flow, "tencent", StreamTarget("live", "ov-batch-none"), window(0), user="UBOB")]
    cards += [propose(flow, "volc", StreamTarget("live", "ov-batch-volc"), window(600), user="UBOB")]  # no overlap
    reads: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if "FROM requests" in statement and "target IN" in statement:
            reads.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        redrawn = flow.later_overlaps.check(cards)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(reads) == 2  # tencent records, volc records: not one per card
    assert sorted(c.id for c in redrawn) == sorted(c.id for c in cards[:3])
    for n, card in enumerate(cards[:3]):  # each card names its own stream's request, not its neighbours'
        assert [o.request_id for o in overlaps_of(store.get(card.id)).found] == [held[n]]  # type: ignore[arg-type]
    assert overlaps_of(store.get(cards[4].id)).found == ()  # type: ignore[arg-type]
