"""Sentences about repeating schedules ("every day 9:00 to 10:00 for 4 weeks", "每周一三五 晚上8点到10点 共6次")."""

TEXT: dict[str, dict[str, str]] = {
    "example.record_series": {
        "en": "/record {target} every day 9:00 to 10:00 for 4 weeks on {provider}",
        "zh-CN": "/record {target} 每天 9点到10点 共4周 on {provider}",
    },
    "example.relay_series": {
        "en": "/relay {target} from rtmp://src.example.com/live/in every day 9:00 to 10:00 for 4 weeks",
        "zh-CN": "/relay {target} from rtmp://src.example.com/live/in 每天 9点到10点 共4周",
    },
    "example.single_window": {
        "en": "/{kind} {target}{sources} {date} {start} to {end} on {provider}",
        "zh-CN": "/{kind} {target}{sources} {date} {start}到{end} on {provider}",
    },
    "parse.series_not_yet": {
        "en": (
            "I understood a repeating schedule, but repeating schedules cannot be scheduled from chat yet. "
            "Schedule the first one as a single window for now:"
        ),
        "zh-CN": "看懂了这是一个重复的安排，但暂时还不能在聊天里安排重复任务。请先把第一次作为单个时间段安排：",
    },
    "parse.series_no_end": {
        "en": (
            "“{quote}” repeats but does not say when it stops; add an end: until <date> (that day included), "
            "for <N> weeks, or <N> times."
        ),
        "zh-CN": "“{quote}”是重复的安排，但没说什么时候结束；请加上结束：到<日期>为止（含当天）、共<N>周或共<N>次。",
    },
    "parse.series_too_long": {
        "en": "“{quote}” makes the series longer than {weeks} weeks, the most one series may span.",
        "zh-CN": "“{quote}”让这个重复安排超过了 {weeks} 周，一个重复安排最多只能跨 {weeks} 周。",
    },
    "parse.series_empty": {
        "en": "“{quote}” has no occurrence between its first day and its end; check the days and the dates.",
        "zh-CN": "“{quote}”在开始和结束之间一次也没有；请检查星期和日期。",
    },
    "parse.series_needs_start": {
        "en": "“{quote}” needs a daily window with a start time, e.g. 9:00 to 10:00 or 20:00 for 2h.",
        "zh-CN": "“{quote}”需要每天的时间段和开始钟点，例如 9点到10点 或 晚上8点 持续2小时。",
    },
    "parse.series_window_clock": {
        "en": (
            "In a repeating schedule the window is clock times only (“{quote}” is not); "
            "the days come from the repeat words, the first day from “from <date>”."
        ),
        "zh-CN": "重复安排里的时间段只能写钟点（“{quote}”不是）；哪几天由“每天/每周…”决定，第一天用“从<日期>起”。",
    },
    "parse.series_window_too_long": {
        "en": "A repeating window starting “{quote}” would be longer than a day; each occurrence must fit in 24 hours.",
        "zh-CN": "从“{quote}”开始的重复时间段超过了一天；每次最多 24 小时。",
    },
    "parse.series_overlap": {
        "en": "Each window must end before the next one starts, but one ends {end} and the next starts {next}.",
        "zh-CN": "每次必须在下一次开始前结束，但有一次在 {end} 结束，下一次在 {next} 开始。",
    },
    "parse.series_clock_change": {
        "en": (
            "The clocks change on {dates}: {start}–{end} does not exist or happens twice on that day in this time "
            "zone, and a repeating schedule is never shifted. Leave those dates out with from/until, or choose "
            "another time."
        ),
        "zh-CN": "{dates} 这个时区调整时钟：那天的 {start}–{end} 不存在或出现两次，重复安排不会自动挪动时间。请用“从…起/到…为止”避开这些日期，或换一个时间。",
    },
    "parse.series_two_rules": {
        "en": "Two different repeats were written (“{quote}” and another); write one, e.g. every mon, wed and fri.",
        "zh-CN": "写了两种重复（“{quote}”和另一个），请只写一种，例如 每周一三五。",
    },
    "parse.series_two_ends": {
        "en": "Two ends were given ({quote}); keep one.",
        "zh-CN": "写了两个结束（{quote}），请只保留一个。",
    },
    "parse.series_bad_count": {
        "en": "“{quote}” is not a number of weeks or times I can use.",
        "zh-CN": "“{quote}”不是可用的周数或次数。",
    },
    "parse.series_needs_days": {
        "en": "“{quote}” repeats, but on which days? Add every day, weekdays or every mon, wed and fri.",
        "zh-CN": "“{quote}”是重复的，但在哪几天？请加上 每天、工作日 或 每周一三五。",
    },
    "parse.bad_format_choices": {
        "en": "“{quote}” is not a format; use flv, hls, mp4 or aac.",
        "zh-CN": "“{quote}”不是文件格式；可用 flv、hls、mp4、aac。",
    },
    "note.series": {
        "en": "Repeats {days}, {start}–{end} ({zone}): {count} times, {first} to {last}.",
        "zh-CN": "重复：{days} {start}–{end}（{zone}），共 {count} 次，{first} 至 {last}。",
    },
    "series.every_day": {"en": "every day", "zh-CN": "每天"},
    "series.weekdays": {"en": "on weekdays", "zh-CN": "每个工作日"},
    "series.on_days": {"en": "every {days}", "zh-CN": "每{days}"},
    "series.list_separator": {"en": ", ", "zh-CN": "、"},
    "series.day.0": {"en": "Mon", "zh-CN": "周一"},
    "series.day.1": {"en": "Tue", "zh-CN": "周二"},
    "series.day.2": {"en": "Wed", "zh-CN": "周三"},
    "series.day.3": {"en": "Thu", "zh-CN": "周四"},
    "series.day.4": {"en": "Fri", "zh-CN": "周五"},
    "series.day.5": {"en": "Sat", "zh-CN": "周六"},
    "series.day.6": {"en": "Sun", "zh-CN": "周日"},
}
