"""One point in time as written: a day word and/or a clock time, ``now``, or ``in 10 minutes``.

:func:`read_point` reads one side of a range with our own grammar (:mod:`bot.core.days`, :mod:`bot.core.clocks`);
only what that grammar does not know goes to dateparser (:mod:`bot.core.fallback`). Nothing here knows the date:
:mod:`bot.core.resolve` turns a :class:`Point` into an instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.core import fallback
from bot.core.clocks import ClockTime, take_clock, take_period
from bot.core.days import MONTHS, CalendarDay, Day, DayMatch, RelativeDay, Weekday, take_day
from bot.core.durations import parse_duration
from bot.errors import Problem

NOW_WORDS = frozenset({"now", "right now", "immediately", "asap", "现在", "马上", "立即", "立刻", "即刻", "now now"})
_FILLER = re.compile(
    r"(?<![a-z])(?:at|on|the|of|around|about|starting|start|begin|beginning|by|@)(?![a-z])|[,，、。的在起开始从于.!！()（）]"
)
# "现在开始", "半小时后开始", "starting now": the start marker says nothing more than where the point stands.
_START_MARK = re.compile(r"(?:开始|起)$|^(?:starting|start|beginning|begin)(?![a-z])\s*")
_START_WORDS = frozenset({"开始", "起", "start", "starting"})  # a start marker alone: now
_SPACES = re.compile(r"\s+")
_IN = re.compile(r"^(?:in|after)\s+(.+)$")
_FROM_NOW = re.compile(r"^(.+?)\s*(?:from now|later|from today)$")
_ZH_AFTER = re.compile(r"^(.+?)(?:以后|之后|后)$")


@dataclass(frozen=True)
class Point:
    """A point as written. Exactly one of: ``now``; ``after`` (a delay from now); or ``day`` and/or ``clock``."""

    said: str
    now: bool = False
    after: timedelta | None = None
    day: DayMatch | None = None
    clock: ClockTime | None = None
    period: str | None = None  # a part of day with no clock of its own (明天下午, tonight)


def read_point(fragment: str, base: datetime, date_order: str = "MD") -> Point:
    """Read one lower-cased point ``fragment``; ``base`` is the naive wall clock now (for the fallback reader).

    Raises :class:`Problem` (``parse.time_not_understood`` quoting the fragment) when it is not a time.
    """
    text = _SPACES.sub(" ", fragment).strip()
    text = _START_MARK.sub("", text).strip() or text
    if text in NOW_WORDS or text in _START_WORDS:
        return Point(said=text, now=True)
    delay = _read_delay(text)
    if delay is not None:
        return Point(said=text, after=delay)
    rest, day = take_day(text, date_order)
    rest, clock = take_clock(rest)
    rest, period = take_period(rest)
    if _FILLER.sub(" ", rest).strip() == "" and (day is not None or clock is not None or period == "noon"):
        period = period or (day.period if day else None)
        if clock is not None and clock.period is None and period is not None:
            clock = clock.with_period(period)
        return Point(said=text, day=day, clock=clock, period=period)
    return _fallback(text, base, date_order)


def _read_delay(text: str) -> timedelta | None:
    for pattern in (_IN, _FROM_NOW, _ZH_AFTER):
        match = pattern.match(text)
        if match:
            delay = parse_duration(match.group(1))
            if delay is not None:
                return delay
    return None


_MONTH_NAME = re.compile(r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?![a-z])")
_TIME_HINT = re.compile(r"\d:\d|\d\s*[ap]\.?m|noon|midnight")


def _fallback(text: str, base: datetime, date_order: str) -> Point:
    """dateparser reads dates our grammar does not know ("december the 1st"). Only accepted when the result keeps
    the month named and a day number written in the text, so a guess can never pass as an answer."""
    month = _MONTH_NAME.search(text)
    if month is None:
        raise Problem("parse.time_not_understood", quote=text)
    wall = fallback.read_wall_time(text, base, date_order)
    numbers = {int(n) for n in re.findall(r"\d+", text)}
    if wall is None or wall.month != MONTHS[month.group(1)] or wall.day not in numbers:
        raise Problem("parse.time_not_understood", quote=text)
    year = wall.year if wall.year in numbers else None
    day = DayMatch(CalendarDay(wall.month, wall.day, year), text)
    clock = None
    if _TIME_HINT.search(text):
        clock = ClockTime(wall.hour, wall.minute, None, False, text)
    return Point(said=text, day=day, clock=clock)


def day_date(day: Day, today: date) -> date:
    """The calendar date a day word names, seen from ``today`` (a weekday is its next occurrence, today included)."""
    if isinstance(day, RelativeDay):
        return today + timedelta(days=day.offset)
    if isinstance(day, Weekday):
        if day.next_week:
            return today - timedelta(days=today.weekday()) + timedelta(days=7 + day.weekday)
        return today + timedelta(days=(day.weekday - today.weekday()) % 7)
    year = day.year if day.year is not None else today.year
    try:
        return date(year, day.month, day.day)
    except ValueError:
        raise Problem("parse.bad_date", quote=f"{day.month}/{day.day}") from None
