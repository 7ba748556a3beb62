"""The time part of a command as a whole: a zone, ``permanent``, a range (``A to B``, ``A-B``, ``从A到B``), a
duration (``for 45m``, ``持续2小时``) or an end alone (``until 18:00``). Each side is read by :func:`read_point`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.core.durations import parse_duration
from bot.core.points import Point, read_point
from bot.core.repeat_words import RepeatWords, take_repeat
from bot.core.zones import Zone, take_zone
from bot.errors import Problem, ZoneConflict

_PERMANENT = re.compile(r"(?<![a-z])(?:permanently|permanent|forever)(?![a-z])|永久|长期")
_FOR = re.compile(r"(?:(?<![a-z])for|持续|时长|录制?|共)\s*([^\s].*)$")
# "开始录" / "录" before an end ("下午3点开始录到5点") or ending the text marks the start, not a duration.
_RECORD_BEFORE_END = re.compile(r"(?:开始)?录制?\s*(?=到|至|直到)|(?:开始)?录制?\s*$")
_LEAD = re.compile(r"^(?:(?:from|between|starting|start)(?![a-z])|从|自|由)\s*")
_SEPARATOR = re.compile(r"\s+(?:to|until|till|til|thru|through|and)\s+|\s*(?:-|–|—|~|〜|～|到|至|直到)\s*")
_LEAD_END = re.compile(r"^(?:(?:to|until|till|til|untill)(?![a-z])|到|至|直到)\s*")
_ISO_DASH = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


@dataclass(frozen=True)
class TimeExpression:
    """What the time part said, before any date is known."""

    start: Point | None = None
    end: Point | None = None
    duration: timedelta | None = None
    permanent: bool = False
    zone: Zone | None = None
    repeat: RepeatWords | None = None  # a repeating schedule: the window above is each occurrence's


def read_time_expression(text: str, base: datetime, date_order: str = "MD", cst_means: str = "China") -> TimeExpression:
    """Read the lower-cased time part of a command. Raises :class:`Problem` when something is not understood."""
    try:
        rest, zone = take_zone(text, cst_means)
    except ZoneConflict as conflict:
        raise Problem("parse.two_zones", quote=f"{conflict.first} / {conflict.second}") from None
    except ValueError as bad:
        raise Problem("parse.bad_zone", quote=str(bad)) from None
    rest, repeat = take_repeat(rest.strip(), date_order)
    if repeat is not None:
        rest = rest.strip()
        if not rest:
            raise Problem("parse.series_needs_start", quote=repeat.said)
        return replace(_read_window(rest, base, date_order, zone), repeat=repeat)
    return _read_window(rest.strip(), base, date_order, zone)


def _read_window(rest: str, base: datetime, date_order: str, zone: Zone | None) -> TimeExpression:
    if _PERMANENT.search(rest):
        if _PERMANENT.sub(" ", rest).strip():
            raise Problem("parse.permanent_with_times", quote=rest)
        return TimeExpression(permanent=True, zone=zone)
    if not rest:
        raise Problem("parse.no_time")
    duration = parse_duration(rest)
    if duration is not None:
        return TimeExpression(duration=_positive(duration, rest), zone=zone)
    rest = (_RECORD_BEFORE_END.sub(" ", rest) if "录" in rest else rest).strip() or rest  # both forms say 录
    match = _FOR.search(rest)
    if match:
        duration = parse_duration(match.group(1))
        if duration is None:
            raise Problem("parse.bad_duration", quote=match.group(1).strip())
        rest = rest[: match.start()].strip()
        start = read_point(_LEAD.sub("", rest), base, date_order) if rest else None
        return TimeExpression(start=start, duration=_positive(duration, match.group(1)), zone=zone)
    rest = _ISO_DASH.sub(r"\1/\2/\3", rest)
    lead_end = _LEAD_END.match(rest)
    if lead_end:
        return TimeExpression(end=read_point(rest[lead_end.end() :], base, date_order), zone=zone)
    rest = _LEAD.sub("", rest)
    parts = _SEPARATOR.split(rest)
    if len(parts) > 2:
        raise Problem("parse.range_unclear", quote=rest)
    if len(parts) == 2:
        if not parts[0].strip() or not parts[1].strip():
            raise Problem("parse.range_unclear", quote=rest)
        start, end = read_point(parts[0], base, date_order), read_point(parts[1], base, date_order)
        return TimeExpression(*_share_trailing_day(start, end), zone=zone)
    return TimeExpression(start=read_point(rest, base, date_order), zone=zone)


def _share_trailing_day(start: Point, end: Point) -> tuple[Point, Point]:
    """``3pm to 5pm tomorrow`` / ``9 to 11 next wed``: a day written after the end's clock is the whole window's day.
    (``15:00 to tomorrow 10:00``, with the day before the clock, stays the end's own day.)"""
    day = end.day
    if day is None or end.clock is None or start.day is not None or start.clock is None:
        return start, end
    if not end.said.rstrip(" .,").endswith(day.said):
        return start, end
    clock = start.clock
    if clock.period is None and day.period is not None:
        clock = clock.with_period(day.period)
    return replace(start, said=f"{start.said} {day.said}", day=day, clock=clock), replace(end, day=None)


def _positive(duration: timedelta, said: str) -> timedelta:
    if duration <= timedelta(0):
        raise Problem("parse.bad_duration", quote=said.strip())
    return duration
