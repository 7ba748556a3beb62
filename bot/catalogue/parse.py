"""Sentences of the command language: parse errors (each quotes what was not understood), card notes, help."""

TEXT: dict[str, dict[str, str]] = {
    # --- the hint every parse error ends with -------------------------------------------------------------------
    "parse.example": {"en": "Try: `{example}`", "zh-CN": "试试：`{example}`"},
    "example.record": {
        "en": "/record {target} from 15:00 to 15:30 on {provider}",
        "zh-CN": "/record {target} 明天下午3点到4点 on {provider}",
    },
    "example.relay": {
        "en": "/relay {target} from rtmp://src.example.com/live/in tomorrow 9am to 11am",
        "zh-CN": "/relay {target} from rtmp://src.example.com/live/in 明天上午9点到11点",
    },
    # --- whole command ------------------------------------------------------------------------------------------
    "parse.not_understood": {"en": "Sorry, I did not understand “{quote}”.", "zh-CN": "抱歉，没看懂“{quote}”。"},
    "parse.too_long": {
        "en": "That command is {length} characters long; I read at most {limit}. Please shorten it.",
        "zh-CN": "这条命令有 {length} 个字符，最多只能读 {limit} 个，请缩短一些。",
    },
    "parse.empty": {"en": "The command is empty.", "zh-CN": "命令是空的。"},
    "parse.unknown_command": {
        "en": "“{quote}” is not a command here; commands start with record or relay.",
        "zh-CN": "“{quote}”不是命令；命令以 record 或 relay 开头。",
    },
    "parse.unknown_command_suggest": {
        "en": "“{quote}” is not a command. Did you mean {suggestion}?",
        "zh-CN": "“{quote}”不是命令。你是想用 {suggestion} 吗？",
    },
    "parse.unknown_subcommand": {
        "en": "“{quote}” is neither a subcommand nor a target. Did you mean {suggestion}?",
        "zh-CN": "“{quote}”既不是子命令也不是录制目标。你是想用 {suggestion} 吗？",
    },
    "parse.extra_words": {"en": "I did not expect “{quote}” here.", "zh-CN": "这里不应有“{quote}”。"},
    "parse.cancel_needs_id": {
        "en": "Which task? Give its id or TaskId after cancel.",
        "zh-CN": "要取消哪个任务？请在 cancel 后面写上编号或 TaskId。",
    },
    "parse.extend_needs_id": {
        "en": "Which task? Give its id and how much longer, e.g. extend rk4q2mz 30m.",
        "zh-CN": "要延长哪个任务？请写上编号和延长多久，例如：延长 rk4q2mz 30分钟。",
    },
    "parse.extend_needs_duration": {
        "en": "How much longer? Give a duration after the id, such as 15m, 30m or 1h.",
        "zh-CN": "要延长多久？请在编号后写上时长，例如 15分钟、30分钟 或 1小时。",
    },
    "parse.extend_bad_duration": {
        "en": "I could not read “{quote}” as a duration of at least a minute (try 15m, 30m, 1h or 1h30m).",
        "zh-CN": "无法把“{quote}”理解为至少一分钟的时长（可以写 15分钟、30分钟、1小时 或 1小时30分）。",
    },
    "parse.extend_too_long": {
        "en": "“{quote}” is more than {hours} h; extend by at most {hours} h at a time.",
        "zh-CN": "“{quote}”超过了 {hours} 小时；每次最多延长 {hours} 小时。",
    },
    "parse.bad_task_id": {"en": "“{quote}” is not a task id.", "zh-CN": "“{quote}”不是任务编号。"},
    # --- target and provider -------------------------------------------------------------------------------------
    "parse.no_target": {
        "en": "What should I use? Name a target such as live/stream001 (or an alias) first.",
        "zh-CN": "要操作哪个流？请先写目标，例如 live/stream001（或配置的别名）。",
    },
    "parse.bad_target": {
        "en": "“{quote}” is not a target for {provider}; write it as app/stream, e.g. {target_example}.",
        "zh-CN": "“{quote}”不是 {provider} 的录制目标；请写成 app/stream，例如 {target_example}。",
    },
    "parse.bad_channel": {
        "en": "“{quote}” is not a qcloud channel id; it looks like {target_example}.",
        "zh-CN": "“{quote}”不是 qcloud 的频道 ID；格式类似 {target_example}。",
    },
    "parse.bad_device": {
        "en": "“{quote}” is not a trro target; write <device>/<video stream number>, e.g. {target_example}.",
        "zh-CN": "“{quote}”不是 trro 的目标；请写成 <设备>/<视频流编号>，例如 {target_example}。",
    },
    "parse.bad_name_chars": {
        "en": "“{quote}” has characters a stream name cannot have; use only letters, digits, _ . - (e.g. {target_example}).",
        "zh-CN": "“{quote}”含有流名称不允许的字符；只能用字母、数字和 _ . -（例如 {target_example}）。",
    },
    "parse.dots_name": {
        "en": "“{quote}” has a name made only of dots, which is a path step rather than a stream name; use letters or digits, e.g. {target_example}.",
        "zh-CN": "“{quote}”里有只由点组成的名称，这是路径而不是流名称；请使用字母或数字，例如 {target_example}。",
    },
    "parse.name_too_long": {
        "en": "The {part} name “{quote}” is too long (at most {limit} characters).",
        "zh-CN": "{part} 名称“{quote}”太长了（最多 {limit} 个字符）。",
    },
    "parse.unknown_provider": {
        "en": "“{quote}” is not a provider I know (volc, tencent, qcloud, trro).",
        "zh-CN": "不认识云服务商“{quote}”（可用：volc、tencent、qcloud、trro）。",
    },
    "parse.unknown_provider_suggest": {
        "en": "“{quote}” is not a provider I know. Did you mean {suggestion}?",
        "zh-CN": "不认识云服务商“{quote}”。你是想用 {suggestion} 吗？",
    },
    "parse.two_providers": {
        "en": "Two different providers were named ({quote}); name one.",
        "zh-CN": "写了两个不同的云服务商（{quote}），请只写一个。",
    },
    "parse.relay_provider": {
        "en": "Relays run on volc only, not on {provider}.",
        "zh-CN": "转推只支持 volc，不支持 {provider}。",
    },
    "parse.relay_needs_source": {
        "en": "Where from? A relay needs a source: from rtmp://…",
        "zh-CN": "从哪里拉流？转推需要源地址：from rtmp://…",
    },
    "parse.sources_on_record": {
        "en": "A recording takes no source (“{quote}”); did you mean /relay?",
        "zh-CN": "录制不需要源地址（“{quote}”）；你是想用 /relay 吗？",
    },
    "parse.bad_source": {
        "en": "“{quote}” is not a source URL such as rtmp://host/app/stream.",
        "zh-CN": "“{quote}”不是源地址，格式类似 rtmp://host/app/stream。",
    },
    # --- options ---------------------------------------------------------------------------------------------------
    "parse.bad_format": {
        "en": "“{quote}” is not a format; use flv, hls, mp4 or aac. Did you mean {suggestion}?",
        "zh-CN": "“{quote}”不是文件格式；可用 flv、hls、mp4、aac。你是想用 {suggestion} 吗？",
    },
    "parse.bad_template": {
        "en": "The template id “{quote}” must be a number.",
        "zh-CN": "模板 ID“{quote}”必须是数字。",
    },
    "parse.bad_region": {
        "en": "“{quote}” is not a region such as ap-guangzhou.",
        "zh-CN": "“{quote}”不是地域，格式类似 ap-guangzhou。",
    },
    "parse.option_needs_value": {
        "en": "“{quote}” needs a value after it.",
        "zh-CN": "“{quote}”后面需要一个值。",
    },
    "parse.bad_option_duration": {
        "en": "I could not read the duration in “{quote}”; write {option} 30m or {option} 1h.",
        "zh-CN": "没看懂“{quote}”里的时长；请写成 {option} 30m 或 {option} 1h。",
    },
    "parse.option_twice": {"en": "The option “{quote}” was given twice.", "zh-CN": "选项“{quote}”写了两次。"},
    "parse.option_not_for_provider": {
        "en": "The option “{quote}” does not apply to {provider} (only to {providers}).",
        "zh-CN": "选项“{quote}”不适用于 {provider}（只适用于 {providers}）。",
    },
    "parse.unknown_word_suggest": {
        "en": "I did not understand “{quote}”. Did you mean {suggestion}?",
        "zh-CN": "没看懂“{quote}”。你是想用 {suggestion} 吗？",
    },
    # --- time ------------------------------------------------------------------------------------------------------
    "parse.no_time": {
        "en": "When? Add a time, e.g. from 15:00 to 15:30, now for 45m, or until 18:00.",
        "zh-CN": "什么时候？请加上时间，例如 15:00到15:30、现在 持续45分钟、到18点。",
    },
    "parse.no_end": {
        "en": "“{quote}” says when to start but not when to stop; add an end (to 16:00) or a duration (for 1h).",
        "zh-CN": "“{quote}”只说了开始时间，没说结束；请加上结束时间（到16点）或时长（持续1小时）。",
    },
    "parse.need_clock": {
        "en": "“{quote}” needs a clock time, e.g. 3pm or 15:00.",
        "zh-CN": "“{quote}”需要具体钟点，例如 下午3点 或 15:00。",
    },
    "parse.time_not_understood": {
        "en": "I did not understand the time “{quote}”.",
        "zh-CN": "没看懂时间“{quote}”。",
    },
    "parse.bad_time": {"en": "“{quote}” is not a clock time.", "zh-CN": "“{quote}”不是有效的钟点。"},
    "parse.bad_date": {"en": "“{quote}” is not a date in the calendar.", "zh-CN": "“{quote}”不是有效的日期。"},
    "parse.two_dates": {
        "en": "One time names two dates ({quote}); keep one.",
        "zh-CN": "一个时间里写了两个日期（{quote}），请只保留一个。",
    },
    "parse.two_times": {
        "en": "I found two clock times ({quote}) where I expected one; for a window write “A to B”.",
        "zh-CN": "这里有两个钟点（{quote}）；表示时间段请写“A到B”。",
    },
    "parse.two_zones": {
        "en": "Two different time zones were named ({quote}); use one for the whole command.",
        "zh-CN": "写了两个不同的时区（{quote}），整条命令请只用一个时区。",
    },
    "parse.bad_zone": {"en": "“{quote}” is not a time-zone offset.", "zh-CN": "“{quote}”不是有效的时区偏移。"},
    "parse.range_unclear": {
        "en": "I could not tell where the window starts and ends in “{quote}”.",
        "zh-CN": "没看出“{quote}”从什么时候开始、到什么时候结束。",
    },
    "parse.bad_duration": {
        "en": "“{quote}” is not a duration such as 45m or 2 hours.",
        "zh-CN": "“{quote}”不是时长，例如 45分钟、2小时。",
    },
    "parse.past": {
        "en": "“{quote}” ({time}) has already passed.",
        "zh-CN": "“{quote}”（{time}）已经过去了。",
    },
    "parse.end_before_start": {
        "en": "The end ({quote}) is not after the start.",
        "zh-CN": "结束时间（{quote}）不在开始时间之后。",
    },
    "parse.weekday_mismatch": {
        "en": "“{quote}” is {date}, which is not the weekday you wrote.",
        "zh-CN": "“{quote}”是 {date}，与写的星期几不一致。",
    },
    "parse.dst_gap": {
        "en": "{time} does not exist in this time zone (the clocks jump forward then); pick another time.",
        "zh-CN": "{time} 在这个时区不存在（那天调快了时钟），请换一个时间。",
    },
    "parse.dst_fold": {
        "en": "{time} happens twice in this time zone (the clocks go back then): {first} or {second}? Add the offset you mean.",
        "zh-CN": "{time} 在这个时区出现两次（那天时钟回拨）：{first} 还是 {second}？请写明偏移量。",
    },
    "parse.permanent_record": {
        "en": "A recording needs an end; only a relay can be permanent.",
        "zh-CN": "录制必须有结束时间；只有转推可以永久。",
    },
    "parse.permanent_with_times": {
        "en": "“{quote}” says both permanent and a time; choose one.",
        "zh-CN": "“{quote}”既写了永久又写了时间，请二选一。",
    },
    # --- notes on the confirmation card ------------------------------------------------------------------------------
    "note.starts_now": {"en": "Starts now.", "zh-CN": "立即开始。"},
    "note.in_progress": {
        "en": "The window from {start} has already begun, so it starts now.",
        "zh-CN": "从 {start} 开始的时间段已经开始了，所以立即开始。",
    },
    "note.today": {"en": "Today, {date}.", "zh-CN": "今天（{date}）。"},
    "note.tomorrow": {
        "en": "Tomorrow, {date} (that time has passed today).",
        "zh-CN": "明天（{date}），今天的这个时间已过。",
    },
    "note.ends_later_day": {"en": "Ends on {date}.", "zh-CN": "在 {date} 结束。"},
    "note.next_year": {
        "en": "That date has passed this year, so it is {date}.",
        "zh-CN": "今年的这个日期已过，所以是 {date}。",
    },
    "note.zone": {"en": "Times read in {zone} ({said}).", "zh-CN": "时间按 {zone}（{said}）理解。"},
    "note.permanent": {"en": "No end: runs until cancelled.", "zh-CN": "没有结束时间：一直运行到取消为止。"},
    "note.default_provider": {"en": "On {provider} (the default).", "zh-CN": "使用 {provider}（默认）。"},
    # --- help -------------------------------------------------------------------------------------------------------
    "help.title": {"en": "*/{kind}* — what you can do:", "zh-CN": "*/{kind}* 可以这样用："},
    "help.nothing_allowed": {
        "en": "You may not use /{kind} here.",
        "zh-CN": "你不能在这里使用 /{kind}。",
    },
    "help.times": {
        "en": (
            "Times are in your time zone unless you name one (UTC, +08:00, Asia/Shanghai, EST, Beijing time). "
            "A time without a date is its next occurrence: 15:00 to 16:00, 3 to 4pm, tomorrow 9am, monday 10:00, "
            "11/25 14:00, now for 45m, until 18:00, in 10 minutes for 1h."
        ),
        "zh-CN": (
            "时间按你的时区理解，也可以写明时区（UTC、+08:00、北京时间）。没写日期的时间指下一次出现："
            "15:00到16:00、下午3点到4点、明天上午9点、周一10点、11月25日14点、现在 持续45分钟、到18点、10分钟后 持续1小时。"
        ),
    },
    "help.options": {
        "en": "Options: as flv|hls|mp4|aac, audio (qcloud), template <id> (tencent), region <r>, split 30m / idle 60s (trro), dry-run.",
        "zh-CN": "选项：as flv|hls|mp4|aac、audio（qcloud）、template <编号>（tencent）、region <地域>、split 30m / idle 60s（trro）、dry-run。",
    },
}
