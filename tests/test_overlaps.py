"""Overlaps said before Confirm, through the real flow and store (SQLite and PostgreSQL), the fake providers over real
HTTP and the real card renderer: the card names an overlapping request on the same stream, keeps Confirm where the
provider allows overlaps, and where it caps them (Volcengine one, Tencent three per stream) says so and offers
extending the existing request instead."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.model import ChannelTarget, Schedule, StreamTarget, Target, TaskRequest, Window
from bot.flow import RequestFlow
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
    deadline = time.monotonic() + 10
    while event not in posted.events(request_id):
        assert time.monotonic() < deadline, f"no {event} for {request_id}: {posted.events(request_id)}"
        time.sleep(0.01)


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
    assert flow.later_overlaps.check(alone) is None
    clicked = propose(flow, "tencent", stream, window(0), user="UBOB")
    flow.confirm(clicked.id, user="UBOB")
    assert flow.later_overlaps.check(clicked) is None  # confirmed before the read: the card is not drawn back
    assert Event.OVERLAPS_FOUND not in posted.events()
    waiting = propose(flow, "tencent", stream, window(5), user="UCAROL")
    assert flow.later_overlaps.check(waiting) is not None
    assert posted.events(waiting.id) == [Event.OVERLAPS_FOUND]
