"""The command corpus: every rule of "What a time means" in English and Chinese, with the exact expected window
(or error kind). Fixed clocks: Asia/Shanghai at Sat 2026-11-21 10:00 +08:00, and America/New_York on the evenings
before both 2026 DST changes (Sat Mar 7 22:00 EST, Sat Oct 31 22:00 EDT). Used by tests and by bench/parse_bench.py.
"""

from __future__ import annotations

from dataclasses import dataclass

SH = "Asia/Shanghai"
NY = "America/New_York"
NOW_SH = "2026-11-21T10:00:00+08:00"
NOW_NY_SPRING = "2026-03-07T22:00:00-05:00"  # DST starts Sun 2026-03-08 02:00 → 03:00
NOW_NY_FALL = "2026-10-31T22:00:00-04:00"  # DST ends Sun 2026-11-01 02:00 → 01:00


@dataclass(frozen=True)
class Case:
    """One command and what it must mean: ``start``/``end`` (RFC 3339), ``permanent``, or an ``error`` key."""

    text: str
    start: str | None = None
    end: str | None = None
    error: str | None = None
    permanent: bool = False
    zone: str = SH
    now: str = NOW_SH
    config: str = "default"  # default | dm (date_order DM) | us_cst (CST = US Central) | aliases


def _cmd(text: str) -> str:
    return text if text.startswith(("/", "record ", "relay ")) else f"/record live/s1 {text}"


def _sh(short: str) -> str:
    """``"21 15:00"`` → ``2026-11-21T15:00:00+08:00``."""
    day, clock = short.split(" ")
    return f"2026-11-{int(day):02d}T{clock}:00+08:00"


def ok(text: str, start: str, end: str, config: str = "default") -> Case:
    """A Shanghai case given as ``"DD HH:MM"`` pairs in November 2026."""
    return Case(_cmd(text), _sh(start), _sh(end), config=config)


def at(text: str, start: str, end: str, config: str = "default") -> Case:
    """A case with full RFC 3339 instants (other zones and months)."""
    return Case(_cmd(text), start, end, config=config)


def err(text: str, key: str, config: str = "default") -> Case:
    return Case(_cmd(text), error=f"parse.{key}", config=config)


def forever(text: str) -> Case:
    return Case(text, permanent=True)


ENGLISH = [
    ok("from 15:00 to 15:30 on volc", "21 15:00", "21 15:30"),
    ok("now for 45m", "21 10:00", "21 10:45"),
    ok("09:30 to 11:00 on volc", "21 10:00", "21 11:00"),
    err("yesterday 3pm to 4pm", "past"),
    ok("15:00-16:00", "21 15:00", "21 16:00"),
    ok("15:00–16:00", "21 15:00", "21 16:00"),
    ok("15:00~16:00", "21 15:00", "21 16:00"),
    ok("15:00 - 16:00", "21 15:00", "21 16:00"),
    ok("3pm to 4pm", "21 15:00", "21 16:00"),
    ok("3 to 4pm", "21 15:00", "21 16:00"),
    ok("11am to 1", "21 11:00", "21 13:00"),
    ok("from 9 to 11", "21 10:00", "21 11:00"),
    ok("22:00 to 01:00", "21 22:00", "22 01:00"),
    ok("3 to 4", "22 03:00", "22 04:00"),
    ok("8pm to 1", "21 20:00", "22 01:00"),
    ok("9am to 5", "21 10:00", "21 17:00"),
    ok("12 to 2", "21 12:00", "21 14:00"),
    ok("10 to 2pm", "21 10:00", "21 14:00"),
    ok("16:00 to 15:00", "21 16:00", "22 15:00"),
    ok("between 1pm and 2pm", "21 13:00", "21 14:00"),
    ok("1pm until 2pm", "21 13:00", "21 14:00"),
    ok("1pm till 2:30pm", "21 13:00", "21 14:30"),
    ok("3:30 p.m. to 4:15 p.m.", "21 15:30", "21 16:15"),
    ok("at 3pm for 1h", "21 15:00", "21 16:00"),
    ok("until 18:00", "21 10:00", "21 18:00"),
    ok("till 6pm", "21 10:00", "21 18:00"),
    ok("to 18:00", "21 10:00", "21 18:00"),
    ok("until 5", "21 10:00", "21 17:00"),
    ok("until 9", "21 10:00", "21 21:00"),
    ok("for 2 hours", "21 10:00", "21 12:00"),
    ok("for 90 minutes", "21 10:00", "21 11:30"),
    ok("for 1h30m", "21 10:00", "21 11:30"),
    ok("for 1.5h", "21 10:00", "21 11:30"),
    ok("now for 45 min", "21 10:00", "21 10:45"),
    ok("now for 1h", "21 10:00", "21 11:00"),
    ok("now until 12:00", "21 10:00", "21 12:00"),
    ok("45m", "21 10:00", "21 10:45"),
    ok("in 10 minutes for 30m", "21 10:10", "21 10:40"),
    ok("10 minutes from now for 1h", "21 10:10", "21 11:10"),
    ok("in 2 hours for 1h", "21 12:00", "21 13:00"),
    ok("in 10 minutes until 11:00", "21 10:10", "21 11:00"),
    ok("tomorrow 9am to 11am", "22 09:00", "22 11:00"),
    ok("tmrw 9am to 11am", "22 09:00", "22 11:00"),
    ok("tomorrow 9 to 11", "22 09:00", "22 11:00"),
    ok("9am to 11am tomorrow", "22 09:00", "22 11:00"),
    ok("tomorrow at 14:00 for 2h", "22 14:00", "22 16:00"),
    ok("3pm-5pm next wed", "25 15:00", "25 17:00"),
    ok("9 to 5 tomorrow", "22 09:00", "22 17:00"),
    ok("8 to 10 tonight", "21 20:00", "21 22:00"),
    ok("22:00 to 01:00 tomorrow", "22 22:00", "23 01:00"),
    ok("day after tomorrow 10:00 to 12:00", "23 10:00", "23 12:00"),
    ok("tonight 8pm to 10pm", "21 20:00", "21 22:00"),
    ok("tonight for 2h", "21 20:00", "21 22:00"),
    ok("tonight 9 to 11", "21 21:00", "21 23:00"),
    ok("tomorrow morning for 1h", "22 09:00", "22 10:00"),
    ok("noon to 1pm", "21 12:00", "21 13:00"),
    ok("noon for 30m", "21 12:00", "21 12:30"),
    ok("11pm to midnight", "21 23:00", "22 00:00"),
    ok("monday 9am to 10am", "23 09:00", "23 10:00"),
    ok("mon 9:00-10:00", "23 09:00", "23 10:00"),
    ok("on monday at 9am for 1h", "23 09:00", "23 10:00"),
    ok("next monday 9am to 10am", "23 09:00", "23 10:00"),
    ok("saturday 3pm to 4pm", "21 15:00", "21 16:00"),
    ok("saturday 9am to 10am", "28 09:00", "28 10:00"),
    ok("sat 9:30 to 11", "28 09:30", "28 11:00"),
    ok("next saturday 9am to 10am", "28 09:00", "28 10:00"),
    ok("sunday 2pm to 3pm", "22 14:00", "22 15:00"),
    ok("wednesday 10:00 to 11:00", "25 10:00", "25 11:00"),
    ok("friday 18:00-19:00", "27 18:00", "27 19:00"),
    ok("2026-11-25 15:00 to 16:00", "25 15:00", "25 16:00"),
    ok("2026-11-25 15:00-16:00", "25 15:00", "25 16:00"),
    ok("2026-11-25T15:00 to 2026-11-25T16:00", "25 15:00", "25 16:00"),
    ok("11/25 3pm to 4pm", "25 15:00", "25 16:00"),
    ok("11/25/2026 15:00 to 16:00", "25 15:00", "25 16:00"),
    ok("nov 25 3pm to 4pm", "25 15:00", "25 16:00"),
    ok("Nov 25 3pm to 4pm", "25 15:00", "25 16:00"),
    ok("25 Nov 15:00 to 16:00", "25 15:00", "25 16:00"),
    ok("November 25th 2026 at 3pm to 4pm", "25 15:00", "25 16:00"),
    ok("wed nov 25 3pm to 4pm", "25 15:00", "25 16:00"),
    ok("today 3pm to 4pm", "21 15:00", "21 16:00"),
    ok("11/25 15:00 to 11/26 15:00", "25 15:00", "26 15:00"),
    ok("tomorrow 22:00 to 02:00", "22 22:00", "23 02:00"),
    ok("15:00 to tomorrow 10:00", "21 15:00", "22 10:00"),
    ok("15:00 to 16:00 +08:00", "21 15:00", "21 16:00"),
    ok("3pm to 4pm beijing time", "21 15:00", "21 16:00"),
    ok("tomorrow 3pm to 4pm CST", "22 15:00", "22 16:00"),
    ok("3pm HKT to 4pm HKT", "21 15:00", "21 16:00"),
    ok("15:00 Asia/Shanghai to 16:00", "21 15:00", "21 16:00"),
    ok("2026-11-25T15:00+08:00 to 2026-11-25T16:00+08:00", "25 15:00", "25 16:00"),
    ok("15:00 to 16:00 on volcengine", "21 15:00", "21 16:00"),
    ok("15：00 to 16：00", "21 15:00", "21 16:00"),
    ok("dry-run now for 1h", "21 10:00", "21 11:00"),
    ok("15:00-16:00 volc", "21 15:00", "21 16:00"),
    at("december the 1st 3pm to 4pm", "2026-12-01T15:00:00+08:00", "2026-12-01T16:00:00+08:00"),
    at("march the 1st 2027 at 9am for 1h", "2027-03-01T09:00:00+08:00", "2027-03-01T10:00:00+08:00"),
    at("jan 5 3pm to 4pm", "2027-01-05T15:00:00+08:00", "2027-01-05T16:00:00+08:00"),
    at("15:00 utc to 16:00 utc", "2026-11-21T15:00:00+00:00", "2026-11-21T16:00:00+00:00"),
    at("15:00Z to 16:00Z", "2026-11-21T15:00:00+00:00", "2026-11-21T16:00:00+00:00"),
    at("3pm EST to 4pm", "2026-11-21T15:00:00-05:00", "2026-11-21T16:00:00-05:00"),
    at("3pm EDT to 4pm", "2026-11-21T15:00:00-04:00", "2026-11-21T16:00:00-04:00"),
    at("3pm PST to 4pm PST", "2026-11-21T15:00:00-08:00", "2026-11-21T16:00:00-08:00"),
    at("9am to 10am UTC+9", "2026-11-22T09:00:00+09:00", "2026-11-22T10:00:00+09:00"),
    at("22:00 to 23:00 GMT-5", "2026-11-20T22:00:00-05:00", "2026-11-20T23:00:00-05:00"),
    at("9am to 10am Asia/Tokyo", "2026-11-22T09:00:00+09:00", "2026-11-22T10:00:00+09:00"),
    at("9am JST to 10am JST", "2026-11-22T09:00:00+09:00", "2026-11-22T10:00:00+09:00"),
    at("9am KST to 10am", "2026-11-22T09:00:00+09:00", "2026-11-22T10:00:00+09:00"),
    at("9am SGT to 10am", "2026-11-22T09:00:00+08:00", "2026-11-22T10:00:00+08:00"),
    at("3pm to 4pm +05:30", "2026-11-21T15:00:00+05:30", "2026-11-21T16:00:00+05:30"),
    at("tomorrow 3pm to 4pm CST", "2026-11-21T15:00:00-06:00", "2026-11-21T16:00:00-06:00", config="us_cst"),
]

ENGLISH_ERRORS = [
    err("thu nov 25 3pm to 4pm", "weekday_mismatch"),
    err("nov 20 3pm to 4pm", "past"),
    err("2026-11-20 15:00 to 16:00", "past"),
    err("today 9am to 11am", "past"),
    err("9 to 11 today", "past"),
    err("3pm JST to 4pm KST", "two_zones"),
    err("15:00 to 16:00 UTC+15", "bad_zone"),
    err("tomorrow 4pm to tomorrow 3pm", "end_before_start"),
    err("", "no_time"),
    err("from 15:00", "no_end"),
    err("tomorrow", "no_end"),
    err("in 10 minutes", "no_end"),
    err("tomorrow to 5pm", "need_clock"),
    err("25:00 to 26:00", "bad_time"),
    err("15am to 4pm", "bad_time"),
    err("2/30 3pm to 4pm", "bad_date"),
    err("blah blah", "time_not_understood"),
    err("the 1st at 3pm to 4pm", "time_not_understood"),
    err("december the 1st to 4pm", "need_clock"),
    err("15:00 to 16:00 to 17:00", "range_unclear"),
    err("for 0m", "bad_duration"),
    err("for ages", "bad_duration"),
    err("permanent", "permanent_record"),
    err("tomorrow 3pm 4pm", "two_times"),
    err("tomorrow monday 3pm to 4pm", "two_dates"),
    err("15:00-16:00 tomorrw", "unknown_word_suggest"),
    err("15:00 to 16:00 tempalte 5 on tencent", "unknown_word_suggest"),
    err("15:00-16:00 on volcc", "unknown_provider_suggest"),
    err("15:00-16:00 on foo", "unknown_provider"),
    err("15:00-16:00 on volc on tencent", "two_providers"),
    err("15:00-16:00 as mp5", "bad_format"),
    err("15:00-16:00 template abc on tencent", "bad_template"),
    err("15:00-16:00 region 42 on tencent", "bad_region"),
    err("15:00-16:00 split 30m", "option_not_for_provider"),
    err("15:00-16:00 audio", "option_not_for_provider"),
    err("15:00-16:00 as mp4 as flv", "option_twice"),
    err("now for 1h split forever on trro", "bad_option_duration"),
    err("/recrod live/s1 now for 1h", "unknown_command_suggest"),
    err("/foo live/s1 now for 1h", "unknown_command"),
    err("/record lsit", "unknown_subcommand"),
    err("/record tomorrow 3pm to 4pm", "no_target"),
    err("/record live/stream#1 now for 1h", "bad_name_chars"),
    err("/record " + "a" * 31 + "/s1 now for 1h", "name_too_long"),
    err("/record live/" + "s" * 101 + " now for 1h", "name_too_long"),
    err("/record live/s1 now for 1h on qcloud", "bad_channel"),
    err("/record device01/x now for 1h on trro", "bad_device"),
    err("/record cancel", "cancel_needs_id"),
    err("/record cancel 4 2", "bad_task_id"),
    err("/record list foo", "extra_words"),
    err("/relay live/s1 now for 1h", "relay_needs_source"),
    err("/relay live/s1 from rtmp://a.example.com/l/s now for 1h on tencent", "relay_provider"),
    err("/record live/s1 from rtmp://a.example.com/l/s now for 1h", "sources_on_record"),
    err("/relay live/s1 from rtmp:// now for 1h", "bad_source"),
    err("/relay live/s1 from rtmp://a.example.com/l/s permanent tomorrow", "permanent_with_times"),
    err("/record live/s1 " + "x" * 490, "too_long"),
    err("25/11 15:00 to 16:00", "bad_date"),
]

OTHER_FORMS = [
    at("/record 8888_test123 tonight 8pm-10pm on qcloud as mp4", _sh("21 20:00"), _sh("21 22:00")),
    at("/record 8888_test123 now for 1h on lvb audio", _sh("21 10:00"), _sh("21 11:00")),
    at("/record device01/0 until 18:00 on trro split 30m idle 60s", _sh("21 10:00"), _sh("21 18:00")),
    at("/record live/s1 now for 1h on tx template 12 region ap-guangzhou", _sh("21 10:00"), _sh("21 11:00")),
    at("record live/s1 now for 1h on ve", _sh("21 10:00"), _sh("21 11:00")),
    at("/record main-stage 15:00-16:00", _sh("21 15:00"), _sh("21 16:00"), config="aliases"),
    at(
        "/record 25/11 15:00 to 16:00".replace("/record ", "/record live/s1 "),
        _sh("25 15:00"),
        _sh("25 16:00"),
        config="dm",
    ),
    at(
        "/relay live/s1 from rtmp://a.example.com/l/s, rtmp://b.example.com/l/s tomorrow 9am to 11am",
        _sh("22 09:00"),
        _sh("22 11:00"),
    ),
    at("relay live/s1 from rtmp://a.example.com/l/s now for 2h", _sh("21 10:00"), _sh("21 12:00")),
    forever("/relay live/s1 from rtmp://a.example.com/l/s permanent"),
    forever("/relay live/s1 from rtmp://a.example.com/l/s forever"),
    forever("/relay live/s1 from rtmp://a.example.com/l/s 永久"),
]

CHINESE = [
    ok("明天下午3点到4点 on tencent", "22 15:00", "22 16:00"),
    ok("下午3点到4点", "21 15:00", "21 16:00"),
    ok("3点到4点", "22 03:00", "22 04:00"),
    ok("今晚8点到10点", "21 20:00", "21 22:00"),
    ok("晚上8点到10点", "21 20:00", "21 22:00"),
    ok("晚上8点到12点", "21 20:00", "22 00:00"),
    ok("凌晨2点到4点", "22 02:00", "22 04:00"),
    ok("明天凌晨2点到4点", "22 02:00", "22 04:00"),
    ok("明天上午9点到11点", "22 09:00", "22 11:00"),
    ok("明天中午12点到1点", "22 12:00", "22 13:00"),
    ok("中午到下午1点", "21 12:00", "21 13:00"),
    ok("午夜到凌晨2点", "22 00:00", "22 02:00"),
    ok("3点半到4点半", "22 03:30", "22 04:30"),
    ok("下午3点半到4点", "21 15:30", "21 16:00"),
    ok("15点30分到16点", "21 15:30", "21 16:00"),
    ok("15点30到16点30", "21 15:30", "21 16:30"),
    ok("下午三点到四点", "21 15:00", "21 16:00"),
    ok("十点半到十一点", "21 10:30", "21 11:00"),
    ok("现在 持续2小时", "21 10:00", "21 12:00"),
    ok("持续45分钟", "21 10:00", "21 10:45"),
    ok("现在 持续半小时", "21 10:00", "21 10:30"),
    ok("现在 持续一个半小时", "21 10:00", "21 11:30"),
    ok("现在 持续1小时30分", "21 10:00", "21 11:30"),
    ok("现在 持续两小时", "21 10:00", "21 12:00"),
    ok("现在 持续30分钟", "21 10:00", "21 10:30"),
    ok("现在 持续1小时", "21 10:00", "21 11:00"),
    ok("10分钟后 持续30分钟", "21 10:10", "21 10:40"),
    ok("半小时后 持续1小时", "21 10:30", "21 11:30"),
    ok("到18点", "21 10:00", "21 18:00"),
    ok("从15:00到16:00", "21 15:00", "21 16:00"),
    ok("15:00至16:00", "21 15:00", "21 16:00"),
    ok("下午3点-4点", "21 15:00", "21 16:00"),
    ok("从明天下午3点到5点", "22 15:00", "22 17:00"),
    ok("后天上午10点到11点", "23 10:00", "23 11:00"),
    ok("大后天 10点到11点", "24 10:00", "24 11:00"),
    ok("周一 9点到10点", "23 09:00", "23 10:00"),
    ok("星期一 上午9点到10点", "23 09:00", "23 10:00"),
    ok("礼拜一 9:00到10:00", "23 09:00", "23 10:00"),
    ok("下周一 9点到10点", "23 09:00", "23 10:00"),
    ok("下周三 下午2点到3点", "25 14:00", "25 15:00"),
    ok("周六 下午3点到4点", "21 15:00", "21 16:00"),
    ok("周六 上午9点到10点", "28 09:00", "28 10:00"),
    ok("周日 晚上8点到9点", "22 20:00", "22 21:00"),
    ok("11月25日 下午3点到4点", "25 15:00", "25 16:00"),
    ok("11月25号 15:00到16:00", "25 15:00", "25 16:00"),
    ok("2026年11月25日 15:00到16:00", "25 15:00", "25 16:00"),
    ok("十一月二十五日 下午三点到四点", "25 15:00", "25 16:00"),
    ok("明早 持续1小时", "22 09:00", "22 10:00"),
    ok("今晚 持续2小时", "21 20:00", "21 22:00"),
    ok("明晚 持续1小时", "22 20:00", "22 21:00"),
    ok("北京时间 明天下午3点到4点", "22 15:00", "22 16:00"),
    ok("明天下午3点 持续2小时", "22 15:00", "22 17:00"),
    ok("明天下午3点 持续两小时", "22 15:00", "22 17:00"),
    ok("下午3点到4点 on 火山", "21 15:00", "21 16:00"),
    ok("下午3点到4点 on 腾讯", "21 15:00", "21 16:00"),
    ok("9点到11点", "21 10:00", "21 11:00"),
    ok("8点到10点 明天", "22 08:00", "22 10:00"),
    ok("今天 下午3点到4点", "21 15:00", "21 16:00"),
    at("/record live/s1明天下午3点到4点", _sh("22 15:00"), _sh("22 16:00")),
    at("/record live/s1 15：00到16：00", _sh("21 15:00"), _sh("21 16:00")),
    err("昨天下午3点到4点", "past"),
    err("11月20日 下午3点到4点", "past"),
    err("明天下午到5点", "need_clock"),
    err("明天下午3点", "no_end"),
    err("永久", "permanent_record"),
    err("现在 持续0分钟", "bad_duration"),
    err("下午3点到4点 on volcc", "unknown_provider_suggest"),
    err("随便什么时候", "time_not_understood"),
    err("2月30日 下午3点到4点", "bad_date"),
    err("明天 后天 下午3点到4点", "two_dates"),
]

NEW_YORK = [
    at("tomorrow 9am to 10am", "2026-03-08T09:00:00-04:00", "2026-03-08T10:00:00-04:00"),
    at("sunday 9am to 10am", "2026-03-08T09:00:00-04:00", "2026-03-08T10:00:00-04:00"),
    at("2026-03-08 10:00 to 11:00", "2026-03-08T10:00:00-04:00", "2026-03-08T11:00:00-04:00"),
    at("1:30 to 3", "2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00"),
    at("now for 6h", "2026-03-07T22:00:00-05:00", "2026-03-08T05:00:00-04:00"),
    at("11pm to 4am", "2026-03-07T23:00:00-05:00", "2026-03-08T04:00:00-04:00"),
    at("tomorrow 9am to 10am EST", "2026-03-08T09:00:00-05:00", "2026-03-08T10:00:00-05:00"),
    at("明天上午9点到10点", "2026-03-08T09:00:00-04:00", "2026-03-08T10:00:00-04:00"),
    at("until 23:30", "2026-03-07T22:00:00-05:00", "2026-03-07T23:30:00-05:00"),
    err("tomorrow 2:30am to 3:30am", "dst_gap"),
    err("tomorrow 2am to 3am", "dst_gap"),
    err("2:15 to 4:00", "dst_gap"),
]
NEW_YORK = [Case(c.text, c.start, c.end, c.error, c.permanent, NY, NOW_NY_SPRING, c.config) for c in NEW_YORK]

NEW_YORK_FALL = [
    at("tomorrow 9am to 10am", "2026-11-01T09:00:00-05:00", "2026-11-01T10:00:00-05:00"),
    at("now for 6h", "2026-10-31T22:00:00-04:00", "2026-11-01T03:00:00-05:00"),
    at("11pm to 3am", "2026-10-31T23:00:00-04:00", "2026-11-01T03:00:00-05:00"),
    at("tomorrow 1:30am EDT to 2:30am EDT", "2026-11-01T01:30:00-04:00", "2026-11-01T02:30:00-04:00"),
    at("tomorrow 2:00 to 3:00", "2026-11-01T02:00:00-05:00", "2026-11-01T03:00:00-05:00"),
    at("sunday noon to 1pm", "2026-11-01T12:00:00-05:00", "2026-11-01T13:00:00-05:00"),
    at("11/1 9am to 10am", "2026-11-01T09:00:00-05:00", "2026-11-01T10:00:00-05:00"),
    at("今晚11点到12点", "2026-10-31T23:00:00-04:00", "2026-11-01T00:00:00-04:00"),
    err("tomorrow 1:30am to 2:30am", "dst_fold"),
    err("1:30am to 2:30am", "dst_fold"),
    err("tomorrow 0:30 to 1:00", "dst_fold"),
    err("凌晨1点半到3点", "dst_fold"),
]
NEW_YORK_FALL = [Case(c.text, c.start, c.end, c.error, c.permanent, NY, NOW_NY_FALL, c.config) for c in NEW_YORK_FALL]

# The mornings after: a passed wall time that does not exist (or exists twice) today simply rolls to tomorrow.
AFTER_THE_CHANGES = [
    Case(_cmd("2:30 to 3:30"), "2026-03-09T02:30:00-04:00", "2026-03-09T03:30:00-04:00", zone=NY,
         now="2026-03-08T10:00:00-04:00"),
    Case(_cmd("sunday 2:30am to 3:30am"), "2026-03-15T02:30:00-04:00", "2026-03-15T03:30:00-04:00", zone=NY,
         now="2026-03-08T10:00:00-04:00"),
    Case(_cmd("1:30 to 2:30"), "2026-11-02T01:30:00-05:00", "2026-11-02T02:30:00-05:00", zone=NY,
         now="2026-11-01T10:00:00-05:00"),
    Case(_cmd("today 1:30am to 2:30am"), error="parse.past", zone=NY, now="2026-11-01T10:00:00-05:00"),
]  # fmt: skip

CORPUS: list[Case] = [*ENGLISH, *ENGLISH_ERRORS, *OTHER_FORMS, *CHINESE, *NEW_YORK, *NEW_YORK_FALL, *AFTER_THE_CHANGES]
