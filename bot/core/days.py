"""Day words: ``today``, ``tomorrow``, ``tonight``, weekdays, ``next monday``, ``2026-11-25``, ``11/25``, ``Nov 25``,
``今天``, ``明早``, ``下周一``, ``11月25日``. :func:`take_day` finds at most one and removes it from the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.cjk_numbers import cjk_to_int
from bot.errors import Problem


@dataclass(frozen=True)
class RelativeDay:
    """``today`` (0), ``tomorrow`` (1), ``yesterday`` (-1), ``后天`` (2), …"""

    offset: int


@dataclass(frozen=True)
class Weekday:
    """``monday`` (0) … ``sunday`` (6); ``next_week`` for ``next monday`` / ``下周一`` (the week after this one)."""

    weekday: int
    next_week: bool = False


@dataclass(frozen=True)
class CalendarDay:
    """A month and day, with the year when one was given."""

    month: int
    day: int
    year: int | None = None


Day = RelativeDay | Weekday | CalendarDay


@dataclass(frozen=True)
class DayMatch:
    """A day word, with the part of day it implies (``tonight`` → ``night``) and its default clock (20:00)."""

    day: Day
    said: str
    period: str | None = None
    default: tuple[int, int] | None = None
    weekday_check: int | None = None  # "wed, nov 25": the weekday the date must fall on


_EN_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "wed": 2, "thursday": 3, "thurs": 3,
    "thur": 3, "thu": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
#: Month abbreviations → month number.
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11,
    "dec": 12,
}  # fmt: skip
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ORD = r"(?:st|nd|rd|th)?"

# (pattern, builder) in priority order; builders get the match and the configured date order.
_EN_RELATIVE = {
    "the day after tomorrow": (2, None, None), "day after tomorrow": (2, None, None),
    "tomorrow morning": (1, "am", (9, 0)), "tomorrow evening": (1, "pm", (18, 0)),
    "tomorrow night": (1, "night", (20, 0)), "tomorrow": (1, None, None), "tmrw": (1, None, None),
    "tmr": (1, None, None), "tomorow": (1, None, None), "tommorow": (1, None, None), "tommorrow": (1, None, None),
    "this morning": (0, "am", None), "this afternoon": (0, "pm", None), "this evening": (0, "pm", (18, 0)),
    "tonight": (0, "night", (20, 0)), "today": (0, None, None), "yesterday": (-1, None, None),
}  # fmt: skip
_ZH_RELATIVE = {
    "大后天": (3, None, None), "后天": (2, None, None), "明天早上": (1, "am", None), "明早": (1, "am", (9, 0)),
    "明晚": (1, "night", (20, 0)), "明天晚上": (1, "night", None), "明天": (1, None, None), "明日": (1, None, None),
    "今晚": (0, "night", (20, 0)), "今早": (0, "am", None), "今天": (0, None, None), "今日": (0, None, None),
    "昨天": (-1, None, None), "昨晚": (-1, "night", None), "前天": (-2, None, None),
}  # fmt: skip

_EN_RELATIVE_RE = re.compile(r"(?<![a-z])(" + "|".join(map(re.escape, _EN_RELATIVE)) + r")(?![a-z])")
_ZH_RELATIVE_RE = re.compile("(" + "|".join(map(re.escape, sorted(_ZH_RELATIVE, key=len, reverse=True))) + ")")
_EN_WEEKDAY_RE = re.compile(
    r"(?<![a-z])(?:(next|this|coming)\s+)?(" + "|".join(sorted(_EN_WEEKDAYS, key=len, reverse=True)) + r")(?![a-z])"
)
_ZH_WEEKDAY_RE = re.compile(r"(下|这|本)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天七])")
_ISO_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:t(?=\d)|(?!\d))")
_NUMERIC_RE = re.compile(r"(?<![\d:/])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d:/])")
_MONTH_DAY_RE = re.compile(rf"(?<![a-z]){_MONTH}\s*(\d{{1,2}}){_ORD}(?:,?\s*(\d{{4}}))?(?![\d:a-z])")
_DAY_MONTH_RE = re.compile(rf"(?<![\d:])(\d{{1,2}}){_ORD}\s*(?:of\s+)?{_MONTH}(?![a-z])(?:,?\s*(\d{{4}})(?![\d:]))?")
_ZH_DATE_RE = re.compile(r"(?:(\d{4})年)?([\d一二三四五六七八九十]{1,3})月([\d一二三四五六七八九十]{1,3})[日号]?")


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _calendar(month: int | None, day: int | None, year: int | None, said: str) -> DayMatch:
    if month is None or day is None or not 1 <= month <= 12 or not 1 <= day <= 31:
        raise Problem("parse.bad_date", quote=said)
    return DayMatch(CalendarDay(month, day, year), said)


#: Only digits, spaces and colons (``15:30``): every day pattern needs some other character (a letter, a CJK
#: character, ``/``, ``-`` or ``.``), so there is no day word to look for.
_NO_DAY_WORD = re.compile(r"[\d\s:]*")


def _find(text: str, date_order: str, anchored: bool = False) -> tuple[re.Match[str], DayMatch] | None:
    """The first day word by priority (anywhere, or only at the very start of ``text`` when ``anchored``)."""
    if _NO_DAY_WORD.fullmatch(text):  # a clock alone, or what is left of a point once its day is taken
        return None

    def look(pattern: re.Pattern[str]) -> re.Match[str] | None:
        return pattern.match(text) if anchored else pattern.search(text)

    match = look(_ZH_RELATIVE_RE)
    if match:
        offset, period, default = _ZH_RELATIVE[match.group(1)]
        return match, DayMatch(RelativeDay(offset), match.group(0), period, default)
    match = look(_EN_RELATIVE_RE)
    if match:
        offset, period, default = _EN_RELATIVE[match.group(1)]
        return match, DayMatch(RelativeDay(offset), match.group(0), period, default)
    match = look(_ZH_WEEKDAY_RE)
    if match:
        return match, DayMatch(Weekday(_ZH_WEEKDAYS[match.group(2)], match.group(1) == "下"), match.group(0))
    match = look(_EN_WEEKDAY_RE)
    if match:
        return match, DayMatch(Weekday(_EN_WEEKDAYS[match.group(2)], match.group(1) == "next"), match.group(0))
    match = look(_ISO_RE)
    if match:
        return match, _calendar(int(match.group(2)), int(match.group(3)), int(match.group(1)), match.group(0))
    match = look(_ZH_DATE_RE)
    if match:
        year = _year(match.group(1))
        return match, _calendar(cjk_to_int(match.group(2)), cjk_to_int(match.group(3)), year, match.group(0))
    match = look(_MONTH_DAY_RE)
    if match:
        month = MONTHS[match.group(1)[:3]]
        return match, _calendar(month, int(match.group(2)), _year(match.group(3)), match.group(0))
    match = look(_DAY_MONTH_RE)
    if match:
        month = MONTHS[match.group(2)[:3]]
        return match, _calendar(month, int(match.group(1)), _year(match.group(3)), match.group(0))
    match = look(_NUMERIC_RE)
    if match:
        first, second = int(match.group(1)), int(match.group(2))
        month, day = (first, second) if date_order == "MD" else (second, first)
        return match, _calendar(month, day, _year(match.group(3)), match.group(0))
    return None


def day_at_start(text: str, date_order: str = "MD") -> tuple[DayMatch, int] | None:
    """A day word at the very start of lower-cased ``text`` (``dec 31 …``): the day and where it ends."""
    found = _find(text, date_order, anchored=True)
    if found is None:
        return None
    return found[1], found[0].end()


def take_day(text: str, date_order: str = "MD") -> tuple[str, DayMatch | None]:
    """Find the one day word in lower-cased ``text``; return the text without it and what it said.

    Raises :class:`Problem` for an impossible date or for two different days in one time.
    """
    found = _find(text, date_order)
    if found is None:
        return text, None
    match, day = found
    rest = text[: match.start()] + " " + text[match.end() :]
    again = _find(rest, date_order)
    if again is not None:
        first, second = day.day, again[1].day
        if isinstance(first, Weekday) and isinstance(second, CalendarDay) and not first.next_week:
            return take_day_without(rest, again, first.weekday, date_order)
        if isinstance(second, Weekday) and isinstance(first, CalendarDay) and not second.next_week:
            match2 = again[0]
            rest2 = rest[: match2.start()] + " " + rest[match2.end() :]
            return rest2, DayMatch(first, f"{day.said} {again[1].said}", weekday_check=second.weekday)
        raise Problem("parse.two_dates", quote=f"{day.said} … {again[1].said}")
    return rest, day


def take_day_without(
    text: str, found: tuple[re.Match[str], DayMatch], weekday: int, date_order: str
) -> tuple[str, DayMatch]:
    """Remove a calendar date that came with a weekday; the weekday becomes a check on the date."""
    match, day = found
    rest = text[: match.start()] + " " + text[match.end() :]
    if _find(rest, date_order) is not None:
        raise Problem("parse.two_dates", quote=day.said)
    return rest, DayMatch(day.day, day.said, day.period, day.default, weekday_check=weekday)
