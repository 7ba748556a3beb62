"""Every repeating-schedule command means exactly its hand-derived series (or fails with exactly its error kind)."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import Config
from bot.core import parse_command
from bot.core.model import Schedule
from bot.errors import ParseError
from tests.series_corpus import SERIES_CORPUS, SeriesCase

CONFIG = Config()


def _parse(case: SeriesCase) -> Schedule:
    command = parse_command(
        case.text, now=datetime.fromisoformat(case.now), tz=case.zone, config=CONFIG, allow_series=True
    )
    assert isinstance(command, Schedule)
    return command


def _same(actual: datetime, expected: str) -> bool:
    wanted = datetime.fromisoformat(expected)
    return actual == wanted and actual.utcoffset() == wanted.utcoffset()


@pytest.mark.parametrize("case", [c for c in SERIES_CORPUS if c.error is None], ids=lambda c: f"{c.zone}|{c.text}")
def test_series_means_exactly_these_occurrences(case: SeriesCase) -> None:
    command = _parse(case)
    series = command.series
    assert series is not None
    assert series.rrule == case.rrule
    occurrences = series.occurrences()
    assert len(occurrences) == case.count
    for occurrence, (start, end) in zip(occurrences, case.first, strict=False):
        assert _same(occurrence.start, start), (occurrence.start.isoformat(), start)
        assert _same(occurrence.end, end), (occurrence.end.isoformat(), end)
    assert _same(occurrences[-1].start, str(case.last)), (occurrences[-1].start.isoformat(), case.last)
    window = command.request.window
    assert window is not None
    assert (window.start, window.end) == (occurrences[0].start, occurrences[0].end)


@pytest.mark.parametrize("case", [c for c in SERIES_CORPUS if c.error is not None], ids=lambda c: f"{c.zone}|{c.text}")
def test_series_is_refused_with_this_error(case: SeriesCase) -> None:
    with pytest.raises(ParseError) as caught:
        _parse(case)
    assert caught.value.key == case.error
    assert caught.value.render(caught.value.lang).strip()


def test_series_corpus_covers_four_zones_both_languages_and_every_dst_change() -> None:
    assert len(SERIES_CORPUS) >= 60
    assert {c.zone for c in SERIES_CORPUS} == {"Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Sydney"}
    assert sum(1 for c in SERIES_CORPUS if any("\u4e00" <= ch <= "\u9fff" for ch in c.text)) >= 12
    clocks = {(c.zone, c.now[:7]) for c in SERIES_CORPUS}
    for change in [("America/New_York", "2026-10"), ("America/New_York", "2027-03"), ("Europe/Berlin", "2026-10"),
                   ("Europe/Berlin", "2027-03"), ("Australia/Sydney", "2026-09"), ("Australia/Sydney", "2027-03")]:  # fmt: skip
        assert change in clocks
