"""Overlaps said before Confirm, through the real flow and store (SQLite and PostgreSQL), the fake providers over real
HTTP and the real card renderer: the card names an overlapping request on the same stream, keeps Confirm where the
provider allows overlaps, and where it caps them (Volcengine one, Tencent three per stream) says so and offers
extending the existing request instead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.model import ChannelTarget, Schedule, StreamTarget, Target, TaskRequest, Window
from bot.flow import RequestFlow
from bot.flow.overlaps import overlaps_of
from bot.lifecycle import RequestState as S
from bot.lifecycle import StoredRequest
from bot.slack.cards import CANCEL, CONFIRM, OVERLAP_EXTEND, proposal_card
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
