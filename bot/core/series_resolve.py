"""From repeat words and a daily window to a checked :class:`~bot.core.series.Series` (docs/using.md, "What a time means",
repeating schedules). The recurrence is ``python-dateutil``'s ``rrule``; this module only chooses its first day and
its end, and refuses what could go wrong: no end, too long, no occurrence, a window longer than a day or running
into the next one, and any occurrence that starts or ends in a DST gap or fold (never shifted).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from dateutil.rrule import DAILY, WEEKLY, rrule

from bot.catalogue import text
from bot.core.model import Note, Window
from bot.core.ranges import TimeExpression
from bot.core.repeat_words import WEEKDAYS, RepeatWords
from bot.core.resolve import calendar_date, carry_to_start, clock_of, end_minutes_same_day, localize, wall_minutes
from bot.core.series import Series
from bot.errors import Problem

DAY_SECONDS = 24 * 3600
_LAST_SECOND = time(23, 59, 59)  # "until <date>" includes that date


@dataclass(frozen=True)
class _DailyWindow:
    start: time
    end: time
    end_days: int


def resolve_series(
    expression: TimeExpression, words: RepeatWords, *, now: datetime, zone: tzinfo, zone_name: str, max_weeks: float,
    lang: str,
) -> tuple[Window, Series, list[Note]]:  # fmt: skip
    """The series ``words`` + the daily window in ``expression`` mean at ``now`` in ``zone``: its first window, the
    series and the card notes. Raises :class:`Problem` for anything it refuses."""
    window = _daily_window(expression, words)
    notes: list[Note] = []
    local_now = now.astimezone(zone).replace(tzinfo=None)
    today = local_now.date()
    begin = today
    if words.first_day is not None:
        begin = calendar_date(words.first_day, today, notes)
        if begin < today:
            raise Problem("parse.past", quote=words.first_day.said, time=begin.isoformat())
    if datetime.combine(begin, window.start) < local_now:
        begin += timedelta(days=1)  # today's window has already begun: the series starts with the next one
    first = _rule(words.days, datetime.combine(begin, window.start)).after(datetime.combine(begin, window.start), True)
    if first is None:  # pragma: no cover - an endless daily/weekly rule always has a next date
        raise Problem("parse.series_empty", quote=words.said)
    first_day = first.date()
    limit = first_day + timedelta(days=int(7 * max_weeks) - 1)
    rule = _ended_rule(words, first, today, notes, lang=lang, limit=limit)
    starts = _starts_within(rule, limit, words, max_weeks, lang)
    if not starts:
        raise Problem("parse.series_empty", quote=words.said)
    occurrences = _checked_occurrences(starts, window, zone, words, lang)
    series = Series(
        rrule=_rrule_value(rule),
        first_day=first_day,
        start=window.start,
        end=window.end,
        end_days=window.end_days,
        timezone=zone_name,
    )
    first_window = Window(occurrences[0][0], occurrences[0][1])
    notes.append(
        Note(
            "note.series",
            (
                ("days", _days_text(words.days, lang)),
                ("count", str(len(occurrences))),
                ("first", first_day.isoformat()),
                ("last", starts[-1].date().isoformat()),
                ("start", window.start.strftime("%H:%M")),
                ("end", window.end.strftime("%H:%M")),
                ("zone", zone_name),
            ),
        )
    )
    return first_window, series, notes


def _daily_window(expression: TimeExpression, words: RepeatWords) -> _DailyWindow:
    """The wall-clock window each occurrence has: clock times only; a duration becomes a wall-clock end."""
    start_point, end_point, duration = expression.start, expression.end, expression.duration
    if start_point is None or start_point.now or start_point.after is not None:
        raise Problem("parse.series_needs_start", quote=words.said)
    for point in (start_point, end_point):
        if point is not None and (point.day is not None or point.now or point.after is not None):
            raise Problem("parse.series_window_clock", quote=point.said)
    end_clock = end_point.clock if end_point is not None else None
    start_clock = carry_to_start(clock_of(start_point), end_clock)
    start_minutes = wall_minutes(start_clock)
    if start_minutes >= 24 * 60:
        raise Problem("parse.series_window_clock", quote=start_point.said)
    if duration is not None:
        end_seconds = start_minutes * 60 + int(duration.total_seconds())
    else:
        assert end_point is not None
        clock = clock_of(end_point)
        same_day = end_minutes_same_day(start_clock, start_minutes, clock)
        end_seconds = 60 * (same_day if same_day is not None else wall_minutes(clock) + 24 * 60)
    if end_seconds - start_minutes * 60 > DAY_SECONDS:
        raise Problem("parse.series_window_too_long", quote=start_point.said)
    end_days, seconds = divmod(end_seconds, DAY_SECONDS)
    end = time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    return _DailyWindow(time(start_minutes // 60, start_minutes % 60), end, end_days)


def _rule(days: tuple[int, ...], dtstart: datetime, until: datetime | None = None, count: int | None = None) -> rrule:
    if days:
        return rrule(WEEKLY, byweekday=days, dtstart=dtstart, until=until, count=count)
    return rrule(DAILY, dtstart=dtstart, until=until, count=count)


def _ended_rule(
    words: RepeatWords, first: datetime, today: date, notes: list[Note], *, lang: str, limit: date
) -> rrule:
    """The rule from the first occurrence to the end the words give; refuses a series without an end."""
    if words.count is not None:
        return _rule(words.days, first, count=words.count)
    if words.weeks is not None:
        last = first.date() + timedelta(days=7 * words.weeks - 1)
        return _rule(words.days, first, until=datetime.combine(last, _LAST_SECOND))
    if words.until_day is not None:
        last = calendar_date(words.until_day, today, notes, counted_from=first.date())
        return _rule(words.days, first, until=datetime.combine(last, _LAST_SECOND))
    suggested = min(first.date() + timedelta(days=27), limit)
    raise Problem("parse.series_no_end", quote=words.said, append=_until_phrase(suggested, lang))


def _starts_within(rule: rrule, limit: date, words: RepeatWords, max_weeks: float, lang: str) -> list[datetime]:
    """Every wall start of ``rule``, refusing a series that runs past ``limit`` (listing stops there)."""
    starts: list[datetime] = []
    for wall in rule:
        if wall.date() > limit:
            shown = f"{max_weeks:g}"
            replace = ((words.end_said, _until_phrase(limit, lang)),) if words.end_said else ()
            raise Problem("parse.series_too_long", quote=words.end_said or words.said, weeks=shown, replace=replace)
        starts.append(wall)
    return starts


def _checked_occurrences(
    starts: list[datetime], window: _DailyWindow, zone: tzinfo, words: RepeatWords, lang: str
) -> list[tuple[datetime, datetime]]:
    """Each occurrence localised; refuses DST gaps/folds (naming the dates) and windows running into the next."""
    bad: list[date] = []
    out: list[tuple[datetime, datetime]] = []
    for wall in starts:
        end_wall = datetime.combine(wall.date() + timedelta(days=window.end_days), window.end)
        try:
            start = localize(wall.date(), wall.hour * 60 + wall.minute, zone, words.said)
            end = localize(end_wall.date(), end_wall.hour * 60 + end_wall.minute, zone, words.said)
        except Problem as problem:
            if problem.key not in ("parse.dst_gap", "parse.dst_fold"):
                raise
            bad.append(wall.date())
            continue
        out.append((start, end + timedelta(seconds=end_wall.second)))
    if bad:
        raise Problem(
            "parse.series_clock_change",
            quote=words.said,
            dates=", ".join(day.isoformat() for day in bad),
            start=window.start.strftime("%H:%M"),
            end=window.end.strftime("%H:%M"),
            replace=_around(starts, bad, words, lang),
        )
    for (_, end), (next_start, _) in itertools.pairwise(out):
        if end >= next_start:
            raise Problem("parse.series_overlap", quote=words.said, end=end.isoformat(), next=next_start.isoformat())
    return out


def _around(starts: list[datetime], bad: list[date], words: RepeatWords, lang: str) -> tuple[tuple[str, str], ...]:
    """Replacements that keep the series clear of the clock changes: end before the first, or begin after the last."""
    if not words.end_said:
        return ()
    if starts[0].date() < bad[0]:
        return ((words.end_said, _until_phrase(bad[0] - timedelta(days=1), lang)),)
    if starts[-1].date() > bad[-1]:
        begin = _from_phrase(bad[-1] + timedelta(days=1), lang)
        return ((words.first_said, ""), (words.end_said, f"{begin} {words.end_said}")) if words.first_said else (
            (words.end_said, f"{begin} {words.end_said}"),
        )  # fmt: skip
    return ()


def _until_phrase(day: date, lang: str) -> str:
    if lang.startswith("zh"):
        return f"到{day.year}年{day.month}月{day.day}日为止"
    return f"until {day.isoformat()}"


def _from_phrase(day: date, lang: str) -> str:
    if lang.startswith("zh"):
        return f"从{day.year}年{day.month}月{day.day}日起"
    return f"from {day.isoformat()}"


def _days_text(days: tuple[int, ...], lang: str) -> str:
    if not days:
        return text("series.every_day", lang)
    if days == WEEKDAYS:
        return text("series.weekdays", lang)
    names = text("series.list_separator", lang).join(text(f"series.day.{day}", lang) for day in days)
    return text("series.on_days", lang, days=names)


def _rrule_value(rule: rrule) -> str:
    """The RRULE value (what follows ``RRULE:``) of ``rule``."""
    for line in str(rule).splitlines():
        if line.startswith("RRULE:"):
            return line.removeprefix("RRULE:")
    raise ValueError("rrule without an RRULE line")  # pragma: no cover - dateutil always writes one
