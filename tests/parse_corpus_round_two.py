"""Round two of the command corpus (issue 12): year ends in three zones and both languages, the relay week of the
manifest typed on every day of a week, the 开始录 phrasings, "did you mean" and sentence punctuation. Every
expectation is worked out by hand from docs/using.md "What a time means". Used with :data:`tests.parse_corpus.CORPUS`.
"""

from __future__ import annotations

from tests.parse_corpus import NOW_SH, SH, Case

BER, NY = "Europe/Berlin", "America/New_York"
NOW_BER_YEAR_END = "2026-12-30T10:00:00+01:00"  # Wednesday
NOW_SH_YEAR_END = "2026-12-31T20:00:00+08:00"  # Thursday
NOW_NY_YEAR_END = "2026-12-31T18:00:00-05:00"  # Thursday
RELAY_WEEK = "/relay live/stream-123 from rtmp://src.example.com/live/x mon 09:00 to fri 18:00 on volc"


def case(text: str, zone: str, now: str, start: str | None = None, end: str | None = None, error: str | None = None) -> Case:  # noqa: PLR0917 - a table row  # fmt: skip
    full = text if text.startswith("/") else f"/record live/s1 {text}"
    return Case(full, start, end, f"parse.{error}" if error else None, zone=zone, now=now)


YEAR_ENDS = [
    case("/record gala/main Dec 31 23:30 to Jan 1 00:30 on volc", BER, NOW_BER_YEAR_END,
         "2026-12-31T23:30:00+01:00", "2027-01-01T00:30:00+01:00"),
    case("/record gala/main 12月31日 23:30 到 1月1日 00:30", BER, NOW_BER_YEAR_END,
         "2026-12-31T23:30:00+01:00", "2027-01-01T00:30:00+01:00"),
    case("fri Jan 1 00:00 to 02:00", BER, NOW_BER_YEAR_END, "2027-01-01T00:00:00+01:00", "2027-01-01T02:00:00+01:00"),
    case("周五 1月1日 0点到2点", BER, NOW_BER_YEAR_END, "2027-01-01T00:00:00+01:00", "2027-01-01T02:00:00+01:00"),
    case("thu jan 1 00:00 to 02:00", BER, NOW_BER_YEAR_END, error="weekday_mismatch"),
    case("Jan 3 10:00 to Jan 2 10:00", BER, NOW_BER_YEAR_END, error="end_before_start"),
    case("jan 2 10:00 to jan 3 10:00", BER, NOW_BER_YEAR_END, "2027-01-02T10:00:00+01:00", "2027-01-03T10:00:00+01:00"),
    case("dec 31 23:00 to jan 1 1:00", SH, NOW_SH_YEAR_END, "2026-12-31T23:00:00+08:00", "2027-01-01T01:00:00+08:00"),
    case("12月31日 晚上11点到1月1日 凌晨1点", SH, NOW_SH_YEAR_END, "2026-12-31T23:00:00+08:00",
         "2027-01-01T01:00:00+08:00"),
    case("jan 1 00:00 to jan 1 02:00", SH, NOW_SH_YEAR_END, "2027-01-01T00:00:00+08:00", "2027-01-01T02:00:00+08:00"),
    case("Dec 31 23:59 to Jan 1 0:30", NY, NOW_NY_YEAR_END, "2026-12-31T23:59:00-05:00", "2027-01-01T00:30:00-05:00"),
    case("12月31日 23:30到1月1日 0:30", NY, NOW_NY_YEAR_END, "2026-12-31T23:30:00-05:00", "2027-01-01T00:30:00-05:00"),
    case("today 23:00 to jan 1 01:00", NY, NOW_NY_YEAR_END, "2026-12-31T23:00:00-05:00", "2027-01-01T01:00:00-05:00"),
]  # fmt: skip

# The manifest's /relay hint on every day of the week of Mon 2026-12-07 at noon, and on that Monday before 09:00.
RELAY_WEEKS = [
    *(case(RELAY_WEEK, SH, f"2026-12-{day:02d}T12:00:00+08:00", "2026-12-14T09:00:00+08:00",
           "2026-12-18T18:00:00+08:00") for day in range(7, 14)),
    case(RELAY_WEEK, SH, "2026-12-07T08:00:00+08:00", "2026-12-07T09:00:00+08:00", "2026-12-11T18:00:00+08:00"),
    case("周一 9点到周五18点", SH, "2026-12-09T12:00:00+08:00", "2026-12-14T09:00:00+08:00", "2026-12-18T18:00:00+08:00"),
    case("fri 20:00 to mon 08:00", SH, "2026-12-12T12:00:00+08:00", "2026-12-18T20:00:00+08:00",
         "2026-12-21T08:00:00+08:00"),
    case("sat 10:00 to sat 12:00", SH, "2026-12-09T12:00:00+08:00", "2026-12-12T10:00:00+08:00",
         "2026-12-12T12:00:00+08:00"),
    case("sat 12:00 to sat 10:00", SH, "2026-12-09T12:00:00+08:00", error="end_before_start"),
]  # fmt: skip

PHRASINGS = [
    case("从现在开始录45分钟", SH, NOW_SH, "2026-11-21T10:00:00+08:00", "2026-11-21T10:45:00+08:00"),
    case("半小时后开始录一个小时", SH, NOW_SH, "2026-11-21T10:30:00+08:00", "2026-11-21T11:30:00+08:00"),
    case("现在开始录到12点", SH, NOW_SH, "2026-11-21T10:00:00+08:00", "2026-11-21T12:00:00+08:00"),
    case("下午3点开始录到5点", SH, NOW_SH, "2026-11-21T15:00:00+08:00", "2026-11-21T17:00:00+08:00"),
    case("10分钟后开始 持续30分钟", SH, NOW_SH, "2026-11-21T10:10:00+08:00", "2026-11-21T10:40:00+08:00"),
    case("开始录45分钟", SH, NOW_SH, "2026-11-21T10:00:00+08:00", "2026-11-21T10:45:00+08:00"),
    case("明天下午3点开始录2小时", SH, NOW_SH, "2026-11-22T15:00:00+08:00", "2026-11-22T17:00:00+08:00"),
    case("现在开始录", SH, NOW_SH, error="no_end"),
    case("now for 1h on 腾迅", SH, NOW_SH, error="unknown_provider_suggest"),
    case("now for 1h on 火三", SH, NOW_SH, error="unknown_provider_suggest"),
    case("now for 1h on tencnet", SH, NOW_SH, error="unknown_provider_suggest"),
    case("15:00-16:00 on volcc as mp5", SH, NOW_SH, error="unknown_provider"),
    case("now for 1h on Volc.", SH, NOW_SH, "2026-11-21T10:00:00+08:00", "2026-11-21T11:00:00+08:00"),
    case("tomorrow 9am to 11am on tencent!", SH, NOW_SH, "2026-11-22T09:00:00+08:00", "2026-11-22T11:00:00+08:00"),
    case("明天下午3点到4点，on 腾讯。", SH, NOW_SH, "2026-11-22T15:00:00+08:00", "2026-11-22T16:00:00+08:00"),
    case("tomorrow, 3pm to 4pm.", SH, NOW_SH, "2026-11-22T15:00:00+08:00", "2026-11-22T16:00:00+08:00"),
    case("15:00 to 16:00 !", SH, NOW_SH, "2026-11-21T15:00:00+08:00", "2026-11-21T16:00:00+08:00"),
    case("every weekday 9:00 to 10:00", SH, NOW_SH, error="series_not_yet"),
    case("每天 9点到10点 共5次", SH, NOW_SH, error="series_not_yet"),
]  # fmt: skip

ROUND_TWO: list[Case] = [*YEAR_ENDS, *RELAY_WEEKS, *PHRASINGS]
