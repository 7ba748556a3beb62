"""Sentences of series whose occurrences the bot starts and stops itself (providers that cannot hold a task ahead of
its window, e.g. TRRO)."""

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
    "series.thread.missed_start": {
        "en": "Missed {when}: the bot was not running while it had to start it at {provider}.",
        "zh-CN": "已错过 {when}：在该由机器人在{provider}启动它的时段内，机器人没有运行。",
    },
}
