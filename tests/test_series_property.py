"""Properties of every repeating schedule the parser accepts: each occurrence has the written wall times in its
zone, occurrences strictly increase and never overlap, the first one is the command's window, none has begun, and
the series stays within its days and ``[bot] max_series_weeks``. Anything refused is refused for a series reason."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config
from bot.core import parse_command
from bot.core.model import Schedule
from bot.errors import ParseError

ZONES = ("Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Sydney")
REPEATS = {
    "every day": set(range(7)), "daily": set(range(7)), "每天": set(range(7)), "weekdays": {0, 1, 2, 3, 4},
    "每个工作日": {0, 1, 2, 3, 4}, "every mon, wed and fri": {0, 2, 4}, "每周一三五": {0, 2, 4},
    "every saturday": {5}, "每周六": {5}, "every tuesday and sunday": {1, 6},
}  # fmt: skip
REFUSALS = {"parse.series_clock_change", "parse.series_overlap", "parse.series_empty", "parse.series_too_long"}
UNAMBIGUOUS_HOURS = [*range(10), *range(13, 24)]  # 10–12 written bare may mean the evening (docs/using.md rule 4)
CONFIG = Config()


@st.composite
def series_commands(draw: st.DrawFn) -> tuple[str, str, datetime, str, tuple[int, int], timedelta | tuple[int, int]]:
    zone = draw(st.sampled_from(ZONES))
    instant = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 2 * 365 * 24 * 60)))
    now = instant.astimezone(ZoneInfo(zone))
    repeat = draw(st.sampled_from(sorted(REPEATS)))
    start = (draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45])))
    end: timedelta | tuple[int, int]
    if draw(st.booleans()):
        end = (draw(st.sampled_from(UNAMBIGUOUS_HOURS)), draw(st.sampled_from([0, 15, 30, 45])))
        window = f"{start[0]:02d}:{start[1]:02d} to {end[0]:02d}:{end[1]:02d}"
    else:
        end = timedelta(minutes=draw(st.integers(1, 24 * 60)))
        window = f"{start[0]:02d}:{start[1]:02d} for {int(end.total_seconds() // 60)}m"
    bound = draw(
        st.one_of(
            st.integers(1, 13).map(lambda n: f"for {n} weeks"),
            st.integers(1, 40).map(lambda n: f"{n} times"),
            st.integers(0, 90).map(lambda d: f"until {(now + timedelta(days=d)).date().isoformat()}"),
        )
    )
    return f"/record live/s1 {repeat} {window} {bound}", zone, now, repeat, start, end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series_commands())
def test_every_accepted_series_keeps_its_wall_times_in_order_without_overlap(
    drawn: tuple[str, str, datetime, str, tuple[int, int], timedelta | tuple[int, int]],
) -> None:
    text, zone, now, repeat, start, end = drawn
    try:
        command = parse_command(text, now=now, tz=zone, config=CONFIG, allow_series=True)
    except ParseError as error:
        assert error.key in REFUSALS, (text, error.key)
        return
    assert isinstance(command, Schedule)
    assert command.series is not None
    occurrences = command.series.occurrences()
    window = command.request.window
    assert window is not None
    assert (occurrences[0].start, occurrences[0].end) == (window.start, window.end)
    tz = ZoneInfo(zone)
    for occurrence in occurrences:
        local_start, local_end = occurrence.start.astimezone(tz), occurrence.end.astimezone(tz)
        assert (local_start.hour, local_start.minute) == start
        if isinstance(end, tuple):
            assert (local_end.hour, local_end.minute) == end
        else:
            written_end = datetime.combine(local_start.date(), local_start.time()) + end
            assert local_end.replace(tzinfo=None) == written_end
        assert local_start.weekday() in REPEATS[repeat]
        assert occurrence.start < occurrence.end
        assert occurrence.start >= now
    for earlier, later in itertools.pairwise(occurrences):
        assert earlier.start < later.start
        assert earlier.end < later.start
    span = occurrences[-1].start.astimezone(tz).date() - occurrences[0].start.astimezone(tz).date()
    assert span < timedelta(weeks=CONFIG.bot.max_series_weeks)
