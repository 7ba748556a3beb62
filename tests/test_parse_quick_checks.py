"""The parser's quick checks (cheap early exits on the acknowledgement's path) never change what is read: every
word that can start a repeating schedule, or a count of one, still reaches the full rules."""

from __future__ import annotations

import pytest

from bot.core.repeat_words import take_repeat
from bot.errors import Problem


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
