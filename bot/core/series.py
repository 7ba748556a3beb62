"""A repeating schedule: an RFC 5545 recurrence rule (``python-dateutil``'s ``rrule``), one daily wall-clock window,
and the zone the wall clock is read in. Every occurrence keeps the written wall times across DST changes.

The rule's first date (``DTSTART``) is the first occurrence's date; :meth:`Series.occurrences` lists the windows as
aware datetimes. A :class:`Series` only exists once every occurrence has been checked (:mod:`bot.core.series_resolve`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrule, rruleset, rrulestr

from bot.core.zones import zone_for_name


@dataclass(frozen=True)
class Occurrence:
    """One window of a series (both ends aware, in the series' zone)."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Series:
    """``rrule`` is the RRULE value (``FREQ=WEEKLY;UNTIL=20261231T235959;BYDAY=MO,WE,FR``); its ``DTSTART`` is
    ``first_day`` at ``start``. Each occurrence runs from ``start`` to ``end`` wall time, ``end_days`` days later
    (0, or 1 for a window across midnight), in ``timezone`` (an IANA key or ``UTC±hh:mm``)."""

    rrule: str
    first_day: date
    start: time
    end: time
    end_days: int
    timezone: str

    def wall_starts(self) -> Iterator[datetime]:
        """The naive wall-clock start of every occurrence, in order."""
        yield from _parsed_rule(self.rrule, datetime.combine(self.first_day, self.start))

    def occurrences(self, limit: int | None = None) -> tuple[Occurrence, ...]:
        """The occurrences as aware windows (the first ``limit`` of them when given)."""
        zone = zone_for_name(self.timezone)
        out: list[Occurrence] = []
        for wall in self.wall_starts():
            if limit is not None and len(out) >= limit:
                break
            end = datetime.combine(wall.date() + timedelta(days=self.end_days), self.end)
            out.append(Occurrence(wall.replace(tzinfo=zone), end.replace(tzinfo=zone)))
        return tuple(out)


@functools.lru_cache(maxsize=256)
def _parsed_rule(rule: str, dtstart: datetime) -> rrule | rruleset:
    """The parsed rule (parsing its ``UNTIL`` costs more than listing a few dates), kept for the series read again."""
    return rrulestr(rule, dtstart=dtstart)
