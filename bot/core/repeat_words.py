"""The words of a repeating schedule: which days (``every day``, ``weekdays``, ``every mon, wed and fri``, ``每天``,
``工作日``, ``每周一三五``), when it begins (``from <date>``, ``从<date>起``) and when it ends (``until <date>``,
``到<date>为止``, ``for 4 weeks``, ``共4次``). :func:`take_repeat` removes them and leaves the daily window's words.
Nothing here knows the date: :mod:`bot.core.series_resolve` turns a :class:`RepeatWords` into a series.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.cjk_numbers import NUMBER, cjk_to_int
from bot.core.days import DayMatch, day_at_start
from bot.errors import Problem

WEEKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)
_EN_DAY_NAMES = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2, "thursday": 3, "thurs": 3,
    "thur": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_ZH_DAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_EN_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}  # fmt: skip

_DAY = "(?:" + "|".join(sorted(_EN_DAY_NAMES, key=len, reverse=True)) + ")"
_PLURAL = "(?:mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)"
_ZH_DAY = "[一二三四五六日天七]"
_ZH_WEEK = "(?:周|星期|礼拜)"
_EN_COUNT = r"(\d+|" + "|".join(_EN_NUMBERS) + ")"

#: (pattern, days or None when the days are listed in group 1) in the order they are tried.
_EVERY_DAY = re.compile(r"(?<![a-z])(?:(?:every|each)\s+(?:single\s+)?day|daily|everyday)(?![a-z])|每天|每日|天天")
_ON_WEEKDAYS = re.compile(
    r"(?<![a-z])(?:(?:every|each)\s+(?:weekday|workday|working\s+day)|(?:on\s+)?(?:weekdays|workdays))(?![a-z])"
    r"|(?:每个?|每逢)?工作日"
)
_ON_WEEKENDS = re.compile(r"(?<![a-z])(?:(?:every|each)\s+weekend|(?:on\s+)?weekends)(?![a-z])|(?:每个?|每逢)周末")
_EVERY_LISTED = re.compile(
    rf"(?<![a-z])(?:every|each)\s+({_DAY}(?:(?:\s*,\s*|\s*&\s*|\s*/\s*|\s+and\s+|\s+){_DAY})*)(?![a-z])"
)
_PLURAL_LISTED = re.compile(rf"(?<![a-z])(?:on\s+)?({_PLURAL}(?:(?:\s*,\s*|\s*&\s*|\s+and\s+){_PLURAL})*)(?![a-z])")
_ZH_LISTED = re.compile(
    rf"(?:每个?|每逢){_ZH_WEEK}({_ZH_DAY}(?:(?:到|至){_ZH_WEEK}?{_ZH_DAY}|[、,和与及]?{_ZH_WEEK}?{_ZH_DAY})*)"
)
#: (pattern, days or None when the days are listed in group 1) in the order they are tried.
_RULES: tuple[tuple[re.Pattern[str], tuple[int, ...] | None], ...] = (
    (_EVERY_DAY, ()),
    (_ON_WEEKDAYS, WEEKDAYS),
    (_ON_WEEKENDS, WEEKEND),
    (_EVERY_LISTED, None),
    (_PLURAL_LISTED, None),
    (_ZH_LISTED, None),
)
#: Every rule above (and the counts below) needs one of these words; a text with none repeats nothing. A new rule
#: adds its own word here.
_REPEAT_HINTS = ("day", "daily", "every", "each", "week", "times", "occurrences", "每", "天天", "工作日", "次", "共",
                 "持续", "连续")  # fmt: skip
_COUNT = re.compile(
    rf"(?<![a-z])(?:for\s+)?{_EN_COUNT}\s+(?:times|occurrences)(?![a-z])|(?:共|一共|总共)?\s*({NUMBER})\s*次"
)
_WEEKS = re.compile(
    rf"(?<![a-z])for\s+{_EN_COUNT}\s+weeks?(?![a-z])|(?:共|一共|总共|持续|连续)\s*({NUMBER})\s*个?(?:周|星期|礼拜)(?![一二三四五六日天七])"
)
_UNTIL = re.compile(r"(?<![a-z])(?:until|till|til|through|thru|ending)\s+|直到|截止到?|截至|到|至")
_FROM = re.compile(r"(?<![a-z])(?:from|starting(?:\s+(?:from|on))?|beginning|begins?|starts?)\s+|从|自|由")
_ZH_UNTIL_TAIL = re.compile(r"\s*(?:为止|止)")
_ZH_FROM_TAIL = re.compile(r"\s*(?:起|开始)")


_REPEAT_DAY_WORD = re.compile(rf"{_PLURAL}|weekdays|workdays|weekends")


@dataclass(frozen=True)
class RepeatWords:
    """What a repeating schedule said. ``days`` is empty for every day; the bounds are as written."""

    said: str
    days: tuple[int, ...]
    first_day: DayMatch | None = None
    until_day: DayMatch | None = None
    weeks: int | None = None
    count: int | None = None
    end_said: str = ""  # the words that say when it ends ("for 4 weeks"), for a corrected example
    first_said: str = ""  # the words that say when it begins ("from dec 1")


def is_repeat_day_word(word: str) -> bool:
    """``weekdays``, ``weekends``, ``mondays``: a word that names repeating days (so ``on weekdays`` is not a provider)."""
    return bool(_REPEAT_DAY_WORD.fullmatch(word.lower()))


def take_repeat(text: str, date_order: str = "MD") -> tuple[str, RepeatWords | None]:
    """Find the repeat words in lower-cased ``text``; return the daily window's words and what was found.

    Raises :class:`Problem` when a count or a number of weeks comes without the days it repeats on.
    """
    if not any(hint in text for hint in _REPEAT_HINTS):  # most commands: eight regex searches saved
        return text, None
    for pattern, days in _RULES:
        match = pattern.search(text)
        if match is None:
            continue
        listed = days if days is not None else _listed_days(match.group(1))
        rest = text[: match.start()] + " " + text[match.end() :]
        if any(other.search(rest) for other, _ in _RULES):
            raise Problem("parse.series_two_rules", quote=match.group(0).strip())
        return _take_bounds(rest, RepeatWords(said=match.group(0).strip(), days=listed), date_order)
    for pattern in (_WEEKS, _COUNT):
        alone = pattern.search(text)
        if alone is not None:
            raise Problem("parse.series_needs_days", quote=alone.group(0).strip())
    return text, None


def _listed_days(words: str) -> tuple[int, ...]:
    days: set[int] = set()
    for through in re.finditer(rf"({_ZH_DAY})(?:到|至){_ZH_WEEK}?({_ZH_DAY})", words):
        first, last = _ZH_DAY_NAMES[through.group(1)], _ZH_DAY_NAMES[through.group(2)]
        days.update(range(first, last + 1) if first <= last else (*range(first, 7), *range(last + 1)))
    words = re.sub(rf"{_ZH_DAY}(?:到|至){_ZH_WEEK}?{_ZH_DAY}", " ", words)
    for name in re.findall(rf"{_DAY}|{_ZH_DAY}", words):
        days.add(_EN_DAY_NAMES[name] if name in _EN_DAY_NAMES else _ZH_DAY_NAMES[name])
    for plural in re.findall(_PLURAL, words):
        days.add(_EN_DAY_NAMES[plural[:-1]])
    return tuple(sorted(days))


def _number(word: str) -> int:
    value = _EN_NUMBERS.get(word)
    return value if value is not None else cjk_to_int(word) or 0


def _take_bounds(text: str, found: RepeatWords, date_order: str) -> tuple[str, RepeatWords]:
    end_said = ""
    weeks = count = None
    for pattern in (_WEEKS, _COUNT):
        match = pattern.search(text)
        if match is None:
            continue
        if end_said:
            raise Problem("parse.series_two_ends", quote=f"{end_said} / {match.group(0).strip()}")
        value = _number(match.group(1) or match.group(2))
        if value < 1:
            raise Problem("parse.series_bad_count", quote=match.group(0).strip())
        weeks, count = (value, None) if pattern is _WEEKS else (None, value)
        end_said = match.group(0).strip()
        text = text[: match.start()] + " " + text[match.end() :]
    text, until, until_said = _take_dated(text, _UNTIL, _ZH_UNTIL_TAIL, date_order, tail_needed=("到", "至"))
    if until is not None:
        if end_said:
            raise Problem("parse.series_two_ends", quote=f"{end_said} / {until_said}")
        end_said = until_said
    text, first, first_said = _take_dated(text, _FROM, _ZH_FROM_TAIL, date_order, tail_needed=())
    if first is None:
        text, first, first_said = _take_leading_from(text, date_order)
    bounded = RepeatWords(found.said, found.days, first, until, weeks, count, end_said, first_said)
    return text, bounded


def _take_dated(
    text: str, marker: re.Pattern[str], tail: re.Pattern[str], date_order: str, *, tail_needed: tuple[str, ...]
) -> tuple[str, DayMatch | None, str]:
    """The first ``marker <date>`` (a date with no clock of its own); ``到``/``至`` need ``为止`` after the date."""
    for match in marker.finditer(text):
        day = day_at_start(text[match.end() :], date_order)
        if day is None:
            continue
        found, length = day
        end = match.end() + length
        closing = tail.match(text, end)
        if closing is None and match.group(0).strip() in tail_needed:
            continue
        if closing is not None:
            end = closing.end()
        return text[: match.start()] + " " + text[end:], found, text[match.start() : end].strip()
    return text, None, ""


def _take_leading_from(text: str, date_order: str) -> tuple[str, DayMatch | None, str]:
    """``12月1日起每天…``: a date followed by 起/开始 without 从."""
    stripped = text.lstrip()
    day = day_at_start(stripped, date_order)
    if day is None:
        return text, None, ""
    found, length = day
    closing = _ZH_FROM_TAIL.match(stripped, length)
    if closing is None:
        return text, None, ""
    return stripped[closing.end() :], found, stripped[: closing.end()].strip()
