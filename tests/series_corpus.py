"""The repeating-schedule corpus: each command with its RRULE, its first occurrences, how many there are and the last
one (or the error kind), every expectation worked out by hand from the rules in README "What a time means".

Four zones: Asia/Shanghai (no DST), America/New_York (DST ends 2026-11-01, starts 2027-03-14), Europe/Berlin (ends
2026-10-25, starts 2027-03-28) and Australia/Sydney (starts 2026-10-04, ends 2027-04-04). The clocks sit in the week
before each change. Used by tests/test_series_corpus.py and bench/parse_bench.py.
"""

from __future__ import annotations

from dataclasses import dataclass

SH, NY, BER, SYD = "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Sydney"
NOW_SH = "2026-12-07T10:00:00+08:00"  # Monday
NOW_NY_FALL = "2026-10-26T12:00:00-04:00"  # Monday; 2026-11-01 02:00 EDT → 01:00 EST
NOW_NY_SPRING = "2027-03-08T12:00:00-05:00"  # Monday; 2027-03-14 02:00 EST → 03:00 EDT
NOW_BER_FALL = "2026-10-19T08:00:00+02:00"  # Monday; 2026-10-25 03:00 CEST → 02:00 CET
NOW_BER_SPRING = "2027-03-22T12:00:00+01:00"  # Monday; 2027-03-28 02:00 CET → 03:00 CEST
NOW_SYD_SPRING = "2026-09-28T10:00:00+10:00"  # Monday; 2026-10-04 02:00 AEST → 03:00 AEDT
NOW_SYD_FALL = "2027-03-29T10:00:00+11:00"  # Monday; 2027-04-04 03:00 AEDT → 02:00 AEST


@dataclass(frozen=True)
class SeriesCase:
    """A series command and what it must mean: ``rrule``, the ``first`` occurrences as (start, end) in RFC 3339,
    the ``count`` of occurrences and the ``last`` start; or an ``error`` key."""

    text: str
    zone: str
    now: str
    rrule: str | None = None
    first: tuple[tuple[str, str], ...] = ()
    count: int | None = None
    last: str | None = None
    error: str | None = None


def w(day: str, start: str, end: str, offset: str, end_day: str | None = None, end_offset: str | None = None) -> tuple[str, str]:  # noqa: PLR0917 - a table row  # fmt: skip
    """``w("2026-10-27", "09:00", "10:00", "-04:00")`` → one occurrence as two RFC 3339 instants."""
    return f"{day}T{start}:00{offset}", f"{end_day or day}T{end}:00{end_offset or offset}"


def ok(text: str, zone: str, now: str, rrule: str, first: list[tuple[str, str]], count: int, last: str) -> SeriesCase:  # noqa: PLR0917 - a table row
    return SeriesCase(f"/record live/s1 {text}", zone, now, rrule, tuple(first), count, last)


def err(text: str, zone: str, now: str, key: str) -> SeriesCase:
    return SeriesCase(f"/record live/s1 {text}", zone, now, error=f"parse.{key}")


NEW_YORK = [
    ok("every day 9:00 to 10:00 for 2 weeks", NY, NOW_NY_FALL, "FREQ=DAILY;UNTIL=20261109T235959",
       [w("2026-10-27", "09:00", "10:00", "-04:00"), w("2026-10-28", "09:00", "10:00", "-04:00"),
        w("2026-10-29", "09:00", "10:00", "-04:00"), w("2026-10-30", "09:00", "10:00", "-04:00"),
        w("2026-10-31", "09:00", "10:00", "-04:00"), w("2026-11-01", "09:00", "10:00", "-05:00"),
        w("2026-11-02", "09:00", "10:00", "-05:00")], 14, "2026-11-09T09:00:00-05:00"),
    err("every day 1:30 to 2:30 for 2 weeks", NY, NOW_NY_FALL, "series_clock_change"),
    ok("every day 1:30 to 2:30 until oct 31", NY, NOW_NY_FALL, "FREQ=DAILY;UNTIL=20261031T235959",
       [w("2026-10-27", "01:30", "02:30", "-04:00")], 5, "2026-10-31T01:30:00-04:00"),
    ok("every day 1:30 to 2:30 from nov 2 for 1 week", NY, NOW_NY_FALL, "FREQ=DAILY;UNTIL=20261108T235959",
       [w("2026-11-02", "01:30", "02:30", "-05:00")], 7, "2026-11-08T01:30:00-05:00"),
    err("every sunday 0:30 to 1:30 for 3 weeks", NY, NOW_NY_FALL, "series_clock_change"),
    ok("every sunday 3:00 to 4:00 for 3 weeks", NY, NOW_NY_FALL, "FREQ=WEEKLY;UNTIL=20261121T235959;BYDAY=SU",
       [w("2026-11-01", "03:00", "04:00", "-05:00"), w("2026-11-08", "03:00", "04:00", "-05:00")], 3,
       "2026-11-15T03:00:00-05:00"),
    err("every day 23:00 to 1:00 for 1 week", NY, NOW_NY_FALL, "series_clock_change"),
    ok("every day 22:00 to 0:30 until oct 30", NY, NOW_NY_FALL, "FREQ=DAILY;UNTIL=20261030T235959",
       [w("2026-10-26", "22:00", "00:30", "-04:00", "2026-10-27")], 5, "2026-10-30T22:00:00-04:00"),
    err("every day 2:30 to 3:30 for 2 weeks", NY, NOW_NY_SPRING, "series_clock_change"),
    ok("every day 2:30 to 3:30 until 3/13", NY, NOW_NY_SPRING, "FREQ=DAILY;UNTIL=20270313T235959",
       [w("2027-03-09", "02:30", "03:30", "-05:00")], 5, "2027-03-13T02:30:00-05:00"),
    ok("every weekday 9:00 to 17:00 for 2 weeks", NY, NOW_NY_SPRING,
       "FREQ=WEEKLY;UNTIL=20270322T235959;BYDAY=MO,TU,WE,TH,FR",
       [w("2027-03-09", "09:00", "17:00", "-05:00"), w("2027-03-10", "09:00", "17:00", "-05:00"),
        w("2027-03-11", "09:00", "17:00", "-05:00"), w("2027-03-12", "09:00", "17:00", "-05:00"),
        w("2027-03-15", "09:00", "17:00", "-04:00")], 10, "2027-03-22T09:00:00-04:00"),
    ok("every saturday 1:00 to 4:00 for 2 weeks", NY, NOW_NY_SPRING, "FREQ=WEEKLY;UNTIL=20270326T235959;BYDAY=SA",
       [w("2027-03-13", "01:00", "04:00", "-05:00"), w("2027-03-20", "01:00", "04:00", "-04:00")], 2,
       "2027-03-20T01:00:00-04:00"),
    ok("every sunday 1:00 to 4:00 for 2 weeks", NY, NOW_NY_SPRING, "FREQ=WEEKLY;UNTIL=20270327T235959;BYDAY=SU",
       [w("2027-03-14", "01:00", "04:00", "-05:00", end_offset="-04:00"),
        w("2027-03-21", "01:00", "04:00", "-04:00")], 2, "2027-03-21T01:00:00-04:00"),
    ok("every day 20:00 for 90 minutes 5 times", NY, NOW_NY_SPRING, "FREQ=DAILY;COUNT=5",
       [w("2027-03-08", "20:00", "21:30", "-05:00")], 5, "2027-03-12T20:00:00-05:00"),
    err("每天 凌晨2点半到3点半 共10次", NY, NOW_NY_SPRING, "series_clock_change"),
    ok("每周日 上午9点到10点 共3次", NY, NOW_NY_SPRING, "FREQ=WEEKLY;COUNT=3;BYDAY=SU",
       [w("2027-03-14", "09:00", "10:00", "-04:00"), w("2027-03-21", "09:00", "10:00", "-04:00")], 3,
       "2027-03-28T09:00:00-04:00"),
]  # fmt: skip

BERLIN = [
    err("every day 2:30 to 3:30 for 2 weeks", BER, NOW_BER_FALL, "series_clock_change"),
    ok("every day 9:00 to 10:00 for 1 week", BER, NOW_BER_FALL, "FREQ=DAILY;UNTIL=20261025T235959",
       [w("2026-10-19", "09:00", "10:00", "+02:00"), w("2026-10-20", "09:00", "10:00", "+02:00")], 7,
       "2026-10-25T09:00:00+01:00"),
    ok("every mon, wed and fri 18:00 to 19:30 for 2 weeks", BER, NOW_BER_FALL,
       "FREQ=WEEKLY;UNTIL=20261101T235959;BYDAY=MO,WE,FR",
       [w("2026-10-19", "18:00", "19:30", "+02:00"), w("2026-10-21", "18:00", "19:30", "+02:00"),
        w("2026-10-23", "18:00", "19:30", "+02:00"), w("2026-10-26", "18:00", "19:30", "+01:00"),
        w("2026-10-28", "18:00", "19:30", "+01:00")], 6, "2026-10-30T18:00:00+01:00"),
    ok("每周一三五 晚上8点到10点 共4次", BER, NOW_BER_FALL, "FREQ=WEEKLY;COUNT=4;BYDAY=MO,WE,FR",
       [w("2026-10-19", "20:00", "22:00", "+02:00"), w("2026-10-21", "20:00", "22:00", "+02:00"),
        w("2026-10-23", "20:00", "22:00", "+02:00"), w("2026-10-26", "20:00", "22:00", "+01:00")], 4,
       "2026-10-26T20:00:00+01:00"),
    err("every sunday 1:00 to 2:00 for 2 weeks", BER, NOW_BER_FALL, "series_clock_change"),
    ok("every sunday 1:00 to 2:00 from nov 1 for 2 weeks", BER, NOW_BER_FALL,
       "FREQ=WEEKLY;UNTIL=20261114T235959;BYDAY=SU",
       [w("2026-11-01", "01:00", "02:00", "+01:00"), w("2026-11-08", "01:00", "02:00", "+01:00")], 2,
       "2026-11-08T01:00:00+01:00"),
    err("every day 2:15 to 2:45 for 1 week", BER, NOW_BER_SPRING, "series_clock_change"),
    ok("every day 12:00 to 13:00 for 1 week", BER, NOW_BER_SPRING, "FREQ=DAILY;UNTIL=20270328T235959",
       [w("2027-03-22", "12:00", "13:00", "+01:00")], 7, "2027-03-28T12:00:00+02:00"),
    ok("weekdays 9:00 to 17:00 until 3/31", BER, NOW_BER_SPRING,
       "FREQ=WEEKLY;UNTIL=20270331T235959;BYDAY=MO,TU,WE,TH,FR",
       [w("2027-03-23", "09:00", "17:00", "+01:00"), w("2027-03-24", "09:00", "17:00", "+01:00"),
        w("2027-03-25", "09:00", "17:00", "+01:00"), w("2027-03-26", "09:00", "17:00", "+01:00"),
        w("2027-03-29", "09:00", "17:00", "+02:00")], 7, "2027-03-31T09:00:00+02:00"),
    ok("工作日 上午9点到10点 到2027年3月30日为止", BER, NOW_BER_SPRING,
       "FREQ=WEEKLY;UNTIL=20270330T235959;BYDAY=MO,TU,WE,TH,FR",
       [w("2027-03-23", "09:00", "10:00", "+01:00")], 6, "2027-03-30T09:00:00+02:00"),
    ok("every saturday 23:00 to 3:00 for 1 week", BER, NOW_BER_SPRING, "FREQ=WEEKLY;UNTIL=20270402T235959;BYDAY=SA",
       [w("2027-03-27", "23:00", "03:00", "+01:00", "2027-03-28", "+02:00")], 1, "2027-03-27T23:00:00+01:00"),
    err("every saturday 23:00 to 2:30 for 1 week", BER, NOW_BER_SPRING, "series_clock_change"),
]  # fmt: skip

SYDNEY = [
    err("every day 2:30 to 3:30 for 2 weeks", SYD, NOW_SYD_SPRING, "series_clock_change"),
    ok("every day 19:00 to 21:00 for 1 week", SYD, NOW_SYD_SPRING, "FREQ=DAILY;UNTIL=20261004T235959",
       [w("2026-09-28", "19:00", "21:00", "+10:00")], 7, "2026-10-04T19:00:00+11:00"),
    ok("every sunday 1:00 to 4:00 for 2 weeks", SYD, NOW_SYD_SPRING, "FREQ=WEEKLY;UNTIL=20261017T235959;BYDAY=SU",
       [w("2026-10-04", "01:00", "04:00", "+10:00", end_offset="+11:00"),
        w("2026-10-11", "01:00", "04:00", "+11:00")], 2, "2026-10-11T01:00:00+11:00"),
    ok("每天 晚上7点到9点 共3次", SYD, NOW_SYD_SPRING, "FREQ=DAILY;COUNT=3",
       [w("2026-09-28", "19:00", "21:00", "+10:00"), w("2026-09-29", "19:00", "21:00", "+10:00"),
        w("2026-09-30", "19:00", "21:00", "+10:00")], 3, "2026-09-30T19:00:00+10:00"),
    ok("every day 2:30 to 3:30 from oct 5 for 1 week", SYD, NOW_SYD_SPRING, "FREQ=DAILY;UNTIL=20261011T235959",
       [w("2026-10-05", "02:30", "03:30", "+11:00")], 7, "2026-10-11T02:30:00+11:00"),
    err("every day 2:30 to 3:30 for 2 weeks", SYD, NOW_SYD_FALL, "series_clock_change"),
    ok("every day 8:00 to 9:00 for 2 weeks", SYD, NOW_SYD_FALL, "FREQ=DAILY;UNTIL=20270412T235959",
       [w("2027-03-30", "08:00", "09:00", "+11:00"), w("2027-03-31", "08:00", "09:00", "+11:00"),
        w("2027-04-01", "08:00", "09:00", "+11:00"), w("2027-04-02", "08:00", "09:00", "+11:00"),
        w("2027-04-03", "08:00", "09:00", "+11:00"), w("2027-04-04", "08:00", "09:00", "+10:00")], 14,
       "2027-04-12T08:00:00+10:00"),
    err("every sunday 2:00 to 3:00 for 1 week", SYD, NOW_SYD_FALL, "series_clock_change"),
    ok("every sunday 3:00 to 4:00 for 2 weeks", SYD, NOW_SYD_FALL, "FREQ=WEEKLY;UNTIL=20270417T235959;BYDAY=SU",
       [w("2027-04-04", "03:00", "04:00", "+10:00"), w("2027-04-11", "03:00", "04:00", "+10:00")], 2,
       "2027-04-11T03:00:00+10:00"),
    ok("every day 22:00 to 1:00 until apr 3", SYD, NOW_SYD_FALL, "FREQ=DAILY;UNTIL=20270403T235959",
       [w("2027-03-29", "22:00", "01:00", "+11:00", "2027-03-30")], 6, "2027-04-03T22:00:00+11:00"),
    err("every day 22:00 to 2:30 until apr 4", SYD, NOW_SYD_FALL, "series_clock_change"),
]  # fmt: skip

SHANGHAI = [
    ok("every day 9:00 to 10:00 for 4 weeks", SH, NOW_SH, "FREQ=DAILY;UNTIL=20270104T235959",
       [w("2026-12-08", "09:00", "10:00", "+08:00"), w("2026-12-09", "09:00", "10:00", "+08:00")], 28,
       "2027-01-04T09:00:00+08:00"),
    ok("daily 20:00 to 21:00 for 1 week", SH, NOW_SH, "FREQ=DAILY;UNTIL=20261213T235959",
       [w("2026-12-07", "20:00", "21:00", "+08:00")], 7, "2026-12-13T20:00:00+08:00"),
    ok("every weekday 9:00 to 10:00 for 1 week", SH, NOW_SH, "FREQ=WEEKLY;UNTIL=20261214T235959;BYDAY=MO,TU,WE,TH,FR",
       [w("2026-12-08", "09:00", "10:00", "+08:00"), w("2026-12-09", "09:00", "10:00", "+08:00"),
        w("2026-12-10", "09:00", "10:00", "+08:00"), w("2026-12-11", "09:00", "10:00", "+08:00"),
        w("2026-12-14", "09:00", "10:00", "+08:00")], 5, "2026-12-14T09:00:00+08:00"),
    ok("every mon, wed and fri 9:00 to 10:00 for 4 weeks", SH, NOW_SH,
       "FREQ=WEEKLY;UNTIL=20270105T235959;BYDAY=MO,WE,FR",
       [w("2026-12-09", "09:00", "10:00", "+08:00"), w("2026-12-11", "09:00", "10:00", "+08:00"),
        w("2026-12-14", "09:00", "10:00", "+08:00")], 12, "2027-01-04T09:00:00+08:00"),
    ok("every saturday 15:00 to 17:00 until 12/31", SH, NOW_SH, "FREQ=WEEKLY;UNTIL=20261231T235959;BYDAY=SA",
       [w("2026-12-12", "15:00", "17:00", "+08:00"), w("2026-12-19", "15:00", "17:00", "+08:00"),
        w("2026-12-26", "15:00", "17:00", "+08:00")], 3, "2026-12-26T15:00:00+08:00"),
    err("every day 9:00 to 10:00", SH, NOW_SH, "series_no_end"),
    err("every day 9:00 to 10:00 for 13 weeks", SH, NOW_SH, "series_too_long"),
    ok("every day 9:00 to 10:00 for 12 weeks", SH, NOW_SH, "FREQ=DAILY;UNTIL=20270301T235959",
       [w("2026-12-08", "09:00", "10:00", "+08:00")], 84, "2027-03-01T09:00:00+08:00"),
    err("every day 9:00 to 10:00 85 times", SH, NOW_SH, "series_too_long"),
    ok("every day 9:00 to 10:00 84 times", SH, NOW_SH, "FREQ=DAILY;COUNT=84",
       [w("2026-12-08", "09:00", "10:00", "+08:00")], 84, "2027-03-01T09:00:00+08:00"),
    err("every day 9:00 for 25h for 1 week", SH, NOW_SH, "series_window_too_long"),
    err("every day 09:00 to 09:00 for 1 week", SH, NOW_SH, "series_overlap"),
    err("every day 9:00 for 24h for 1 week", SH, NOW_SH, "series_overlap"),
    err("every mon and tue 20:00 for 24h 2 times", SH, NOW_SH, "series_overlap"),
    err("every monday 9:00 to 10:00 from 12/8 until 12/13", SH, NOW_SH, "series_empty"),
    err("every day 9:00 to 10:00 from dec 1 for 1 week", SH, NOW_SH, "past"),
    err("every day tomorrow 9 to 10 for 1 week", SH, NOW_SH, "series_window_clock"),
    err("every day for 1h for 1 week", SH, NOW_SH, "series_needs_start"),
    err("9:00 to 10:00 for 2 weeks", SH, NOW_SH, "series_needs_days"),
    err("every day 9:00 to 10:00 for 2 weeks 3 times", SH, NOW_SH, "series_two_ends"),
    ok("每天 9点到10点 共3次", SH, NOW_SH, "FREQ=DAILY;COUNT=3",
       [w("2026-12-08", "09:00", "10:00", "+08:00"), w("2026-12-09", "09:00", "10:00", "+08:00"),
        w("2026-12-10", "09:00", "10:00", "+08:00")], 3, "2026-12-10T09:00:00+08:00"),
    ok("每个工作日 晚上8点到10点 到12月11日为止", SH, NOW_SH, "FREQ=WEEKLY;UNTIL=20261211T235959;BYDAY=MO,TU,WE,TH,FR",
       [w("2026-12-07", "20:00", "22:00", "+08:00")], 5, "2026-12-11T20:00:00+08:00"),
    ok("每周一三五 晚上8点到10点 共6次", SH, NOW_SH, "FREQ=WEEKLY;COUNT=6;BYDAY=MO,WE,FR",
       [w("2026-12-07", "20:00", "22:00", "+08:00"), w("2026-12-09", "20:00", "22:00", "+08:00"),
        w("2026-12-11", "20:00", "22:00", "+08:00"), w("2026-12-14", "20:00", "22:00", "+08:00")], 6,
       "2026-12-18T20:00:00+08:00"),
    ok("每周六 下午3点到5点 共2次", SH, NOW_SH, "FREQ=WEEKLY;COUNT=2;BYDAY=SA",
       [w("2026-12-12", "15:00", "17:00", "+08:00"), w("2026-12-19", "15:00", "17:00", "+08:00")], 2,
       "2026-12-19T15:00:00+08:00"),
    ok("每天 晚上11点到凌晨1点 共2次", SH, NOW_SH, "FREQ=DAILY;COUNT=2",
       [w("2026-12-07", "23:00", "01:00", "+08:00", "2026-12-08"),
        w("2026-12-08", "23:00", "01:00", "+08:00", "2026-12-09")], 2, "2026-12-08T23:00:00+08:00"),
    ok("every day 9:00 to 10:00 from jan 4 until jan 6", SH, NOW_SH, "FREQ=DAILY;UNTIL=20270106T235959",
       [w("2027-01-04", "09:00", "10:00", "+08:00")], 3, "2027-01-06T09:00:00+08:00"),
    ok("every day 23:30 to 0:30 from dec 31 2 times", SH, NOW_SH, "FREQ=DAILY;COUNT=2",
       [w("2026-12-31", "23:30", "00:30", "+08:00", "2027-01-01"),
        w("2027-01-01", "23:30", "00:30", "+08:00", "2027-01-02")], 2, "2027-01-01T23:30:00+08:00"),
    ok("从12月20日起 每天 9点到10点 共3次", SH, NOW_SH, "FREQ=DAILY;COUNT=3",
       [w("2026-12-20", "09:00", "10:00", "+08:00")], 3, "2026-12-22T09:00:00+08:00"),
    ok("每天 9点到10点 从2027年1月1日起 到2027年1月3日为止", SH, NOW_SH, "FREQ=DAILY;UNTIL=20270103T235959",
       [w("2027-01-01", "09:00", "10:00", "+08:00")], 3, "2027-01-03T09:00:00+08:00"),
    ok("每周一到周五 上午9点到10点 共2周", SH, NOW_SH, "FREQ=WEEKLY;UNTIL=20261221T235959;BYDAY=MO,TU,WE,TH,FR",
       [w("2026-12-08", "09:00", "10:00", "+08:00")], 10, "2026-12-21T09:00:00+08:00"),
    ok("every tuesday and thursday 19:00 for 2h until dec 17", SH, NOW_SH,
       "FREQ=WEEKLY;UNTIL=20261217T235959;BYDAY=TU,TH",
       [w("2026-12-08", "19:00", "21:00", "+08:00"), w("2026-12-10", "19:00", "21:00", "+08:00")], 4,
       "2026-12-17T19:00:00+08:00"),
]  # fmt: skip

SERIES_CORPUS: list[SeriesCase] = [*NEW_YORK, *BERLIN, *SYDNEY, *SHANGHAI]
