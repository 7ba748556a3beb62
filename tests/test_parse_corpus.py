"""Every corpus command means exactly its expected window (or fails with exactly its expected error kind)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import BotSettings, Config
from bot.core import parse_command
from bot.core.model import Schedule
from bot.errors import ParseError
from tests.parse_corpus import CORPUS, Case
from tests.parse_corpus_round_two import ROUND_TWO

ALL = [*CORPUS, *ROUND_TWO]

CONFIGS = {
    "default": Config(),
    "dm": Config(bot=BotSettings(date_order="DM")),
    "us_cst": Config(bot=BotSettings(cst_means="US-Central")),
    "aliases": Config(aliases={"main-stage": "live/stream001 on volc"}),
}


def _parse(case: Case) -> Schedule:
    command = parse_command(case.text, now=datetime.fromisoformat(case.now), tz=case.zone, config=CONFIGS[case.config])
    assert isinstance(command, Schedule)
    return command


def _same_instant_and_offset(actual: datetime, expected: str) -> bool:
    wanted = datetime.fromisoformat(expected)
    return actual == wanted and actual.utcoffset() == wanted.utcoffset()


@pytest.mark.parametrize("case", [c for c in ALL if c.error is None], ids=lambda c: f"{c.zone}|{c.text}")
def test_command_means_exactly_this_window(case: Case) -> None:
    command = _parse(case)
    window = command.request.window
    if case.permanent:
        assert window is None
        return
    assert window is not None
    assert _same_instant_and_offset(window.start, str(case.start)), (window.start.isoformat(), case.start)
    assert _same_instant_and_offset(window.end, str(case.end)), (window.end.isoformat(), case.end)


@pytest.mark.parametrize("case", [c for c in ALL if c.error is not None], ids=lambda c: f"{c.zone}|{c.text[:60]}")
def test_command_is_refused_with_this_error(case: Case) -> None:
    with pytest.raises(ParseError) as caught:
        _parse(case)
    assert caught.value.key == case.error
    assert caught.value.render(caught.value.lang).strip()


def test_corpus_is_big_enough_and_covers_both_languages_and_both_dst_changes() -> None:
    assert len(CORPUS) >= 150
    assert sum(1 for c in CORPUS if any("\u4e00" <= ch <= "\u9fff" for ch in c.text)) >= 50
    new_york = {c.now for c in CORPUS if c.zone == "America/New_York"}
    assert {"2026-03-07T22:00:00-05:00", "2026-10-31T22:00:00-04:00"} <= new_york
