"""The parser's quick checks (cheap early exits on the acknowledgement's path) never change what is read: every
word that can start a repeating schedule, or a count of one, still reaches the full rules; text the day check skips
holds no day word; in ASCII text the Chinese clock pattern finds nothing the English one does not read; a duration of
several parts is still read whole; zone offsets are looked for whenever the text has a sign or a Z."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import clocks, days, zones
from bot.core.days import take_day
from bot.core.durations import parse_duration
from bot.core.options import take_options
from bot.core.repeat_words import take_repeat
from bot.errors import Problem

DAY_PATTERNS = [value for name, value in vars(days).items() if name.endswith("_RE") and isinstance(value, re.Pattern)]


# One phrase per word of the quick check (each has no other word of it), so dropping any word fails a test.
@pytest.mark.parametrize(
    "text",
    ["every mon 9:00", "each mon 9:00", "daily 9:00", "workdays 9:00", "weekends 9:00", "每日9点", "天天9点",
     "工作日9点"],
)  # fmt: skip
def test_every_repeat_word_passes_the_quick_check(text: str) -> None:
    rest, found = take_repeat(text)
    assert found is not None and found.said and found.said not in rest


@pytest.mark.parametrize("text", ["3 times 9:00", "3 occurrences 9:00", "4次", "共4周", "持续2周", "连续3周"])
def test_a_count_without_its_days_is_still_refused(text: str) -> None:
    with pytest.raises(Problem) as refused:
        take_repeat(text)
    assert refused.value.key == "parse.series_needs_days"


def test_a_single_window_repeats_nothing() -> None:
    assert take_repeat("tomorrow 15:00 to 15:30") == ("tomorrow 15:00 to 15:30", None)


@given(st.text(alphabet="0123456789 :/-.年月日", max_size=12))
def test_text_the_day_check_skips_holds_no_day_word(text: str) -> None:
    if days._NO_DAY_WORD.fullmatch(text):
        assert not any(pattern.search(text) for pattern in DAY_PATTERNS)


@pytest.mark.parametrize("text", ["1/2 15:00", "2026-12-07 9:00", "2026.12.7", "12月7日", "7 dec"])
def test_a_day_of_digits_and_marks_is_still_found(text: str) -> None:
    assert take_day(text)[1] is not None


@pytest.mark.parametrize(("words", "provider"), [("on volc", "volc"), ("on monday 15:00", None),
                                                 ("on weekdays 9:00", None), ("on 11/25 9:00", None)])  # fmt: skip
def test_the_word_after_on_is_a_provider_or_a_day_every_time(words: str, provider: str | None) -> None:
    for _ in range(2):  # the second answer comes from the cache
        taken = take_options(words.split())
        assert taken.provider == provider and ("on" in taken.time_words) == (provider is None)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("1h30m", 90), ("1 hour and 30 minutes", 90), ("half an hour", 30), ("1小时30分", 90), ("一个半小时", 90),
     ("半小时", 30), ("一刻钟", 15), ("2小时30", 150), ("tomorrow 15:00 to 15:30", None), ("明天下午3点到5点", None),
     ("15:00 for 45m", None), ("3点 1小时", None)],
)  # fmt: skip
def test_durations_are_read_whole_or_not_at_all(text: str, minutes: int | None) -> None:
    found = parse_duration(text)
    assert (None if found is None else found.total_seconds() / 60) == minutes


@given(st.text(alphabet="0123456789 :.apmo'clck", max_size=14))
def test_in_ascii_text_the_chinese_clock_finds_only_a_bare_colon_time(text: str) -> None:
    match = clocks._ZH_RE.search(text)
    if match is not None:
        assert match.group(1) is None and match.group(7) is not None  # no part of day: skipped by _find anyway


@given(st.text(alphabet="0123456789 :tTucgmUTCGM", max_size=16))
def test_without_a_sign_or_z_no_offset_pattern_matches(text: str) -> None:
    assert not any(p.search(text) for p in (zones._ISO_OFFSET, zones._NAMED_OFFSET, zones._PLUS_OFFSET))


@pytest.mark.parametrize(
    ("text", "zone"),
    [("15:00z", "UTC"), ("15:00Z", "UTC"), ("2026-12-08t15:00-05:00", "UTC-05:00"), ("utc-5 15:00", "UTC-05:00"),
     ("gmt+8 15:00", "UTC+08:00"), ("15:00 +0800", "UTC+08:00"), ("15:00 +8", "UTC+08:00"), ("15:00", None)],
)  # fmt: skip
def test_every_kind_of_offset_is_still_found(text: str, zone: str | None) -> None:
    _, found = zones.take_zone(text)
    assert (found.name if found else None) == zone
