"""Provider names, request checks (before any call), configuration gaps, and the frame of explained errors."""

TEXT: dict[str, dict[str, str]] = {
    # --- names -------------------------------------------------------------------------------------------------------
    # --- explained errors --------------------------------------------------------------------------------------------
    "provider.explained": {
        "en": "{explanation}\n{provider_name} error {code} · RequestId {request_id}{said}",
        "zh-CN": "{explanation}\n{provider_name} 错误码 {code} · RequestId {request_id}{said}",
    },
    "provider.unexplained": {
        "en": "{provider_name} refused the request with an error the bot does not know yet: {message}\n"
        "Error {code} · RequestId {request_id} — quote these to the provider's support.",
        "zh-CN": "{provider_name} 拒绝了请求，错误是机器人还不认识的：{message}\n"
        "错误码 {code} · RequestId {request_id}——联系云服务商技术支持时请提供这两项。",
    },
    "provider.said": {"en": "\n{provider_name} said: {message}", "zh-CN": "\n{provider_name} 原始信息：{message}"},
    "provider.detail": {"en": "\nDetails: {message}", "zh-CN": "\n详情：{message}"},
    "provider.not_configured": {
        "en": "{provider} is not set up on this bot. An administrator needs to set: {missing}.",
        "zh-CN": "这个机器人还没有配置 {provider}。需要管理员设置：{missing}。",
    },
    "provider.unknown": {
        "en": "There is no provider called {provider}. Use one of: {known}.",
        "zh-CN": "没有名为 {provider} 的云服务商。可用的有：{known}。",
    },
    "cli.request_needs_schedule": {
        "en": "“request” shows the calls of a command that schedules something, e.g. /record live/s1 now for 45m on volc. help, list and cancel send nothing to create.",
        "zh-CN": "“request”只显示预约类命令会发送的请求，例如：/record live/s1 now for 45m on volc。help、list 和 cancel 不会创建任务。",
    },
    # --- checks before any call -------------------------------------------------------------------------------------
    "check.kind": {
        "en": "{provider} cannot {kind}. Relays are only available on volc, e.g. /relay live/s1 from rtmp://src.example.com/live/s1 now for 2h on volc.",
        "zh-CN": "{provider} 不支持 {kind}。回源（relay）只有 volc 支持，例如：/relay live/s1 from rtmp://src.example.com/live/s1 now for 2h on volc。",
    },
    "check.option_unsupported": {
        "en": "The option “{option}” is not available on {provider}; remove it (the provider's own configuration decides).",
        "zh-CN": "{provider} 不支持选项“{option}”，请去掉它（由云服务商侧的配置决定）。",
    },
    "check.target_stream": {
        "en": "{provider} records an app/stream pair, not “{target}”. Example: live/stream001.",
        "zh-CN": "{provider} 录制的是“应用/流”，不是“{target}”。例如：live/stream001。",
    },
    "check.app_name": {
        "en": "The app name “{app}” must be 1–30 letters, digits, “_”, “-” or “.”. Example: live.",
        "zh-CN": "应用名称“{app}”须为 1–30 位字母、数字、“_”、“-”或“.”。例如：live。",
    },
    "check.stream_name": {
        "en": "The stream name “{stream}” must be 1–100 letters, digits, “_”, “-” or “.”. Example: stream001.",
        "zh-CN": "流名称“{stream}”须为 1–100 位字母、数字、“_”、“-”或“.”。例如：stream001。",
    },
    "check.target_device": {
        "en": "TRRO records a device's video stream, written <device>/<video stream number>, not “{target}”. Example: dev1/0.",
        "zh-CN": "TRRO 录制的是设备的视频流，写作“设备/视频流号”，不是“{target}”。例如：dev1/0。",
    },
    "check.device_id": {
        "en": "The device id “{device}” may only use letters, digits, “_”, “-” and “.” (at most 64). Example: dev1.",
        "zh-CN": "设备 ID“{device}”只能包含字母、数字、“_”、“-”和“.”（最多 64 位）。例如：dev1。",
    },
    "check.video_stream_id": {
        "en": "The video stream number must be 0 or more, not {value}. Example: dev1/0.",
        "zh-CN": "视频流号须为 0 或更大的整数，而不是 {value}。例如：dev1/0。",
    },
    "check.target_channel": {
        "en": "The legacy API records a channel id such as 8888_test123, not “{target}”.",
        "zh-CN": "旧版接口录制的是频道 ID（例如 8888_test123），不是“{target}”。",
    },
    "check.channel_id": {
        "en": "The channel id “{channel}” may only use letters, digits, “_” and “-”. Example: 8888_test123.",
        "zh-CN": "频道 ID“{channel}”只能包含字母、数字、“_”和“-”。例如：8888_test123。",
    },
    "check.window_required": {
        "en": "{provider} needs a start and an end, e.g. “from 15:00 to 16:00” or “now for 1h”.",
        "zh-CN": "{provider} 需要开始和结束时间，例如“15:00 到 16:00”或“now for 1h”。",
    },
    "check.end_before_start": {
        "en": "The end must come after the start, e.g. “from 15:00 to 16:00”.",
        "zh-CN": "结束时间必须晚于开始时间，例如“15:00 到 16:00”。",
    },
    "check.end_passed": {
        "en": "The end time has already passed; choose an end in the future.",
        "zh-CN": "结束时间已经过去了，请选择一个将来的结束时间。",
    },
    "check.too_long_record": {
        "en": "{provider} records at most {limit} in one task; this window is {actual}. Split it into shorter recordings.",
        "zh-CN": "{provider} 单个任务最多录制 {limit}，这个时段有 {actual}。请拆成几段较短的录制。",
    },
    "check.too_long_realtime": {
        "en": "A recording that starts now on {provider} lasts at most {limit}; this one is {actual}. Start it later (scheduled, up to 1 day) or make it shorter.",
        "zh-CN": "{provider} 立即开始的实时录制最长 {limit}，这个有 {actual}。请改为稍后开始（定时录制，最长 1 天）或缩短时长。",
    },
    "check.too_long_relay": {
        "en": "A relay on {provider} lasts at most {limit}; this one is {actual}. Make it shorter, or use “permanent”.",
        "zh-CN": "{provider} 的回源最长 {limit}，这个有 {actual}。请缩短，或使用“permanent”（永久回源）。",
    },
    "check.end_too_far": {
        "en": "{provider} accepts an end at most {limit} from now; choose an earlier end.",
        "zh-CN": "{provider} 的结束时间最多只能在 {limit} 之后，请选择更早的结束时间。",
    },
    "check.start_too_far": {
        "en": "{provider} accepts a start at most {limit} from now; schedule it later.",
        "zh-CN": "{provider} 的开始时间最多只能在 {limit} 之后，请晚些再预约。",
    },
    "check.sources_unexpected": {
        "en": "Source addresses only apply to /relay; a recording takes the stream from the configured pull address.",
        "zh-CN": "源地址只用于 /relay；录制会从配置好的拉流地址获取直播流。",
    },
    "check.relay_source_count": {
        "en": "A relay needs 1 to {limit} source addresses; {count} were given. Example: from rtmp://src.example.com/live/s1.",
        "zh-CN": "回源需要 1 到 {limit} 个源地址，现在有 {count} 个。例如：from rtmp://src.example.com/live/s1。",
    },
    "check.source_private_host": {
        "en": "“{url}” points at a private, loopback or local network address, which a relay may not pull from. Use the source's public address, e.g. rtmp://src.example.com/live/s1 (an operator can allow a host in [relay] allowed_source_hosts).",
        "zh-CN": "“{url}”指向私有、回环或本地网络地址，转推不能从这里拉流。请使用源的公网地址，例如 rtmp://src.example.com/live/s1（运维可在 [relay] allowed_source_hosts 中放行某个主机）。",
    },
    "check.source_credentials": {
        "en": "“{url}” carries a user name or password, which would be shown and stored with the request. Put stream credentials in the query instead (they are sent but never shown), e.g. rtmp://src.example.com/live/s1?token=…",
        "zh-CN": "“{url}”包含用户名或密码，它们会随请求显示并保存。请把拉流凭据放在查询参数里（会发送但不会显示），例如 rtmp://src.example.com/live/s1?token=…",
    },
    "check.relay_source_url": {
        "en": "“{url}” is not an RTMP, FLV/HLS (http/https) or SRT address. Example: rtmp://src.example.com/live/s1.",
        "zh-CN": "“{url}”不是 RTMP、FLV/HLS（http/https）或 SRT 地址。例如：rtmp://src.example.com/live/s1。",
    },
    "check.template_id": {
        "en": "The template id must be a whole number of 0 or more, not {value}. Example: template 1001.",
        "zh-CN": "模板 ID 须为 0 或更大的整数，而不是 {value}。例如：template 1001。",
    },
    "check.region": {
        "en": "“{region}” is not a region where Tencent Live records. Use one of: {regions}.",
        "zh-CN": "“{region}”不是腾讯云直播支持录制的地域。可用：{regions}。",
    },
    "check.format": {
        "en": "{provider} cannot record as “{format}”. Choose one of: {formats}.",
        "zh-CN": "{provider} 不支持录制为“{format}”。可选：{formats}。",
    },
    "check.aac_needs_audio": {
        "en": "The aac format records sound only: add “audio”, e.g. “as aac audio”.",
        "zh-CN": "aac 格式只录音频：请加上“audio”，例如“as aac audio”。",
    },
    "check.audio_format": {
        "en": "{provider} records sound only as aac, not “{format}”: use “as aac audio” or drop “audio”.",
        "zh-CN": "{provider} 只能以 aac 录制纯音频，不能用“{format}”：请用“as aac audio”或去掉“audio”。",
    },
    "check.split_range": {
        "en": "“split” must be whole minutes between 1 min and 24 h, not {value}. Example: split 30m.",
        "zh-CN": "“split”须为 1 分钟到 24 小时之间的整分钟数，而不是 {value}。例如：split 30m。",
    },
    "check.idle_range": {
        "en": "“idle” must be between 5 s and 24 h, not {value} s. Example: idle 60s.",
        "zh-CN": "“idle”须在 5 秒到 24 小时之间，而不是 {value} 秒。例如：idle 60s。",
    },
}
