"""Sentences of what the bot creates itself at its time because the provider cannot hold it ahead: the occurrences of
a series on TRRO (no start or end time at all), and a follow-on on Volcengine (one task per stream at a time)."""

TEXT: dict[str, dict[str, str]] = {
    "series.thread.planned_by_bot": {
        "en": (
            "Series confirmed: {count} recordings. {provider} cannot hold a task ahead of its window, so the bot "
            "starts each one when it begins, stops it when it ends, and reports here."
        ),
        "zh-CN": "重复预约已确认：共 {count} 次。{provider}无法提前保存任务，所以机器人会在每一次开始时启动、结束时停止，并在这里报告。",
    },
    "series.thread.started_late": {
        "en": "Recording now on {provider}, {minutes} min late (the bot was not running at the start): {when} (TaskId {task_id}).",
        "zh-CN": "{provider}正在录制，晚了 {minutes} 分钟（开始时机器人没有运行）：{when}（TaskId {task_id}）。",
    },
    "series.thread.start_failed": {
        "en": "Could not start {when} on {provider}: {error}",
        "zh-CN": "无法在{provider}开始 {when}：{error}",
    },
    "series.thread.start_interrupted": {
        "en": "The bot stopped while starting {when} at {provider}, so a recording it cannot see may already be running "
        "there. It is started again now: check {provider} for a second recording of {target} and delete it.",
        "zh-CN": "机器人在{provider}启动 {when} 时中断，那里可能已有一个它看不到的录制在运行。现已重新启动：请到{provider}"
        "检查 {target} 是否有第二个录制并删除。",
    },
    "series.thread.missed_start": {
        "en": "Missed {when}: the bot was not running while it had to start it at {provider}.",
        "zh-CN": "已错过 {when}：在该由机器人在{provider}启动它的时段内，机器人没有运行。",
    },
    "thread.extended.at_end": {
        "en": (
            "{user} extended it to {end}: {provider} records one task per stream at a time, so the bot creates the "
            "follow-on task at {start}, when the current one ends."
        ),
        "zh-CN": "{user} 已把它延长到 {end}：{provider}每个流同一时间只能有一个录制任务，所以机器人会在当前任务结束的 {start} 创建接续任务。",
    },
    "thread.follow_on_created": {
        "en": "Follow-on task {task_id} on {provider} records from {start} to {end}, as {user} extended it.",
        "zh-CN": "{provider}上的接续任务 {task_id} 从 {start} 录制到 {end}（由 {user} 延长）。",
    },
    "extend.follow_on_missed": {
        "en": "the bot was not running when the current task ended, so it could not create the follow-on at {provider}.",
        "zh-CN": "当前任务结束时机器人没有运行，所以没能在{provider}创建接续任务。",
    },
}
