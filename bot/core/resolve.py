"""From what was written to an absolute window: the rules of "What a time means" (see docs/using.md).

Wall times are built as naive date + minutes in the zone, then localised with ``zoneinfo``; a wall time that does
not exist (DST gap) or exists twice (DST fold) is refused, never shifted. Delays and durations are added to
instants, so "now for 6h" is six real hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.core.clocks import ClockTime, hour_of_day
from bot.core.days import CalendarDay, DayMatch, Weekday
from bot.core.model import Note, Window
from bot.core.points import Point, day_date
from bot.core.ranges import TimeExpression
from bot.errors import Problem

DAY = 24 * 60
_PAST_GRACE = timedelta(days=60)  # a month/day without a year this far back means next year


@dataclass(frozen=True)
class _Start:
    instant: datetime
    wall_date: date  # the local date an end without a date takes
    minutes: int  # local wall minutes since that date's midnight
    starts_now: bool = False
    dateless: bool = False


def wall_minutes(clock: ClockTime) -> int:
    hour = hour_of_day(clock)
    if hour is None:
        raise Problem("parse.bad_time", quote=clock.said)
    return hour * 60 + clock.minute


def localize(day: date, minutes: int, zone: tzinfo, said: str) -> datetime:
    """The instant of wall time ``day`` + ``minutes`` in ``zone``; refuses DST gaps and folds."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise Problem("parse.dst_gap", quote=said, time=naive.strftime("%Y-%m-%d %H:%M"))
    if aware.replace(fold=1).utcoffset() != aware.utcoffset():
        first = aware.replace(fold=0).isoformat(timespec="minutes")
        second = aware.replace(fold=1).isoformat(timespec="minutes")
        shown = naive.strftime("%Y-%m-%d %H:%M")
        raise Problem("parse.dst_fold", quote=said, time=shown, first=first, second=second)
    return aware


def clock_of(point: Point) -> ClockTime:
    if point.clock is not None:
        return point.clock
    if point.period == "noon":  # 中午 alone is 12:00
        return ClockTime(12, 0, "noon", False, point.said)
    if point.day is not None and point.day.default is not None:
        hour, minute = point.day.default
        return ClockTime(hour, minute, None, False, point.day.said)
    raise Problem("parse.need_clock", quote=point.said)


def carry_to_start(start: ClockTime, end: ClockTime | None) -> ClockTime:
    """``3 to 4pm``: the end's meridiem carries to a bare start when that keeps the start before the end."""
    if end is None or not start.bare or end.bare or end.period is None:
        return start
    carried = start.with_period(end.period)
    if wall_minutes(carried) < wall_minutes(end):
        return carried
    return start


def end_minutes_same_day(start_clock: ClockTime | None, start_minutes: int, end: ClockTime) -> int | None:
    """An end without a date on the start's day: carried meridiem, as written, or 12 h later (rules 3 and 4)."""
    candidates: list[int] = []
    if end.bare and start_clock is not None and start_clock.period is not None and not start_clock.bare:
        candidates.append(wall_minutes(end.with_period(start_clock.period)))
    candidates.append(wall_minutes(end))
    if end.bare:
        candidates.append(wall_minutes(end) + 12 * 60)
    for value in candidates:
        if start_minutes < value <= DAY:
            return value
    return None


def _resolve_end(
    end: Point, start: _Start, start_clock: ClockTime | None, zone: tzinfo, now: datetime, *, notes: list[Note]
) -> datetime:
    if end.now:
        raise Problem("parse.end_before_start", quote=end.said)
    if end.after is not None:
        return (now.astimezone(UTC) + end.after).astimezone(zone)
    clock = clock_of(end)
    if end.day is not None:
        wall = calendar_date(end.day, now.astimezone(zone).date(), notes, counted_from=start.wall_date)
        return localize(wall, wall_minutes(clock), zone, end.said)
    same_day = end_minutes_same_day(start_clock, start.minutes, clock)
    if same_day is not None:
        return localize(start.wall_date, same_day, zone, end.said)
    return localize(start.wall_date + timedelta(days=1), wall_minutes(clock), zone, end.said)


def calendar_date(match: DayMatch, today: date, notes: list[Note], counted_from: date | None = None) -> date:
    """The date a day word names: a weekday counts from ``counted_from`` (a range's start date) when given, else
    from ``today``; a month/day without a year that passed more than 60 days ago is next year's (noted); a weekday
    written with a date is checked against the date after that roll."""
    day = match.day
    anchor = counted_from if isinstance(day, Weekday) and counted_from is not None else today
    wall = day_date(day, anchor)
    if isinstance(day, CalendarDay) and day.year is None and today - wall > _PAST_GRACE:
        try:
            wall = wall.replace(year=wall.year + 1)
        except ValueError:
            raise Problem("parse.bad_date", quote=match.said) from None
        note = Note("note.next_year", (("date", wall.isoformat()),))
        if note not in notes:
            notes.append(note)
    check = match.weekday_check
    if check is not None and wall.weekday() != check:
        raise Problem("parse.weekday_mismatch", quote=match.said, date=wall.isoformat())
    return wall


def _has_passed(day: date, minutes: int, local_now: datetime) -> bool:
    """Whether wall time ``day`` + ``minutes`` is before the wall clock now (decided before localising, so a
    passed time that falls in a DST gap rolls on instead of being refused)."""
    return datetime.combine(day, time()) + timedelta(minutes=minutes) < local_now.replace(tzinfo=None)


def _resolve_start(point: Point, clock: ClockTime, zone: tzinfo, now: datetime, notes: list[Note]) -> _Start:
    """A start with a day word (a dateless start is decided in :func:`resolve_window`)."""
    assert point.day is not None
    local_now = now.astimezone(zone)
    today = local_now.date()
    minutes = wall_minutes(clock)
    day = point.day.day
    wall = calendar_date(point.day, today, notes)
    if _has_passed(wall, minutes, local_now):
        if isinstance(day, Weekday) and not day.next_week:
            wall += timedelta(days=7)
        else:
            shown = (datetime.combine(wall, time()) + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")
            raise Problem("parse.past", quote=point.said, time=shown)
    return _Start(localize(wall, minutes, zone, point.said), wall, minutes)


def _start_at(local: datetime, *, starts_now: bool = False, dateless: bool = False) -> _Start:
    """A start at ``local``, an instant already in the window's zone."""
    return _Start(local, local.date(), local.hour * 60 + local.minute, starts_now=starts_now, dateless=dateless)


def resolve_window(expression: TimeExpression, *, now: datetime, zone: tzinfo) -> tuple[Window | None, list[Note]]:
    """The absolute window ``expression`` means at ``now`` (aware) in ``zone``, and the notes the card shows.

    Returns ``(None, notes)`` for ``permanent``. Raises :class:`Problem` for anything unclear, past or impossible.
    """
    now = now.replace(microsecond=0)
    today = now.astimezone(zone).date()
    notes: list[Note] = []
    if expression.zone is not None:
        notes.append(Note("note.zone", (("zone", expression.zone.name), ("said", expression.zone.said))))
    if expression.permanent:
        notes.append(Note("note.permanent"))
        return None, notes
    start_point, end_point, duration = expression.start, expression.end, expression.duration
    if end_point is None and duration is None:
        raise Problem("parse.no_end", quote=start_point.said if start_point else "")
    start_clock: ClockTime | None = None
    if start_point is None or start_point.now:
        start = _start_at(now.astimezone(zone), starts_now=True)
    elif start_point.after is not None:
        start = _start_at((now.astimezone(UTC) + start_point.after).astimezone(zone))
    else:
        end_clock = end_point.clock if end_point is not None and end_point.day is None else None
        start_clock = carry_to_start(clock_of(start_point), end_clock)
        if start_point.day is None:
            return _resolve_dateless(
                start_point, start_clock, end_point=end_point, duration=duration, zone=zone, now=now, notes=notes
            )
        start = _resolve_start(start_point, start_clock, zone, now, notes)
    end = _end_of(start, start_clock, end_point=end_point, duration=duration, zone=zone, now=now, notes=notes)
    return _finish(start, end, notes, today, in_progress=False)


def _resolve_dateless(
    point: Point,
    clock: ClockTime,
    *,
    end_point: Point | None,
    duration: timedelta | None,
    zone: tzinfo,
    now: datetime,
    notes: list[Note],
) -> tuple[Window, list[Note]]:
    """Rules 2 and 8: a start without a date is today if still ahead; if it has passed but the window's end (also
    without a date) is still ahead, the window is in progress and starts now; otherwise it is tomorrow."""
    local_now = now.astimezone(zone)
    today = local_now.date()
    minutes = wall_minutes(clock)
    if not _has_passed(today, minutes, local_now):
        start = _Start(localize(today, minutes, zone, point.said), today, minutes, dateless=True)
        end = _end_of(start, clock, end_point=end_point, duration=duration, zone=zone, now=now, notes=notes)
        return _finish(start, end, notes, today, in_progress=False)
    if end_point is None or end_point.day is None:
        end_today: datetime | None = None
        try:
            start = _Start(localize(today, minutes, zone, point.said), today, minutes, dateless=True)
            end_today = _end_of(start, clock, end_point=end_point, duration=duration, zone=zone, now=now, notes=notes)
        except Problem as problem:
            if problem.key not in ("parse.dst_gap", "parse.dst_fold"):
                raise
        if end_today is not None and end_today > now:
            notes.append(Note("note.in_progress", (("start", point.said),)))
            start = _start_at(local_now, starts_now=True, dateless=True)
            return _finish(start, end_today, notes, today, in_progress=True)
    tomorrow = today + timedelta(days=1)
    start = _Start(localize(tomorrow, minutes, zone, point.said), tomorrow, minutes, dateless=True)
    end = _end_of(start, clock, end_point=end_point, duration=duration, zone=zone, now=now, notes=notes)
    return _finish(start, end, notes, today, in_progress=False)


def _end_of(
    start: _Start,
    start_clock: ClockTime | None,
    *,
    end_point: Point | None,
    duration: timedelta | None,
    zone: tzinfo,
    now: datetime,
    notes: list[Note],
) -> datetime:
    if duration is not None:
        return (start.instant.astimezone(UTC) + duration).astimezone(zone)
    assert end_point is not None
    return _resolve_end(end_point, start, start_clock, zone, now, notes=notes)


def _finish(
    start: _Start, end: datetime, notes: list[Note], today: date, *, in_progress: bool
) -> tuple[Window, list[Note]]:
    zone = start.instant.tzinfo
    begin = start.instant
    end = end.astimezone(zone)
    if end <= begin:
        raise Problem("parse.end_before_start", quote=end.strftime("%Y-%m-%d %H:%M"))
    if start.starts_now and not in_progress:
        notes.append(Note("note.starts_now"))
    if start.dateless and not in_progress:
        key = "note.today" if begin.date() == today else "note.tomorrow"
        notes.append(Note(key, (("date", begin.date().isoformat()),)))
    midnight_after = end.time() == time() and end.date() == begin.date() + timedelta(days=1)
    if end.date() > begin.date() and not midnight_after:
        notes.append(Note("note.ends_later_day", (("date", end.date().isoformat()),)))
    return Window(begin, end, starts_now=start.starts_now), notes
