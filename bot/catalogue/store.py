"""Sentences of the durable-request parts: permissions, the scheduler, restart reconciliation."""

TEXT: dict[str, dict[str, str]] = {
    # --- permissions (bot/permissions.py) ---
    "permission.record.denied": {
        "en": "You may not start recordings on {provider} here. {helpers} can help.",
        "zh-CN": "你没有权限在这里用 {provider} 录制。可以联系 {helpers}。",
    },
    "permission.record.nobody": {
        "en": "Nobody may start recordings on {provider} yet. A bot administrator can allow it in the [permissions] configuration.",
        "zh-CN": "目前还没有人可以用 {provider} 录制。机器人管理员可以在配置的 [permissions] 中开放。",
    },
    "permission.relay.denied": {
        "en": "You may not start relays on {provider} here. {helpers} can help.",
        "zh-CN": "你没有权限在这里用 {provider} 转推。可以联系 {helpers}。",
    },
    "permission.relay.nobody": {
        "en": "Nobody may start relays on {provider} yet. A bot administrator can allow it in the [permissions] configuration.",
        "zh-CN": "目前还没有人可以用 {provider} 转推。机器人管理员可以在配置的 [permissions] 中开放。",
    },
    "permission.relay_permanent.denied": {
        "en": "You may not create a permanent relay (one without an end time) on {provider}. Give it an end, e.g. `until 18:00`, or ask {helpers}.",
        "zh-CN": "你没有权限在 {provider} 上创建永久转推（没有结束时间）。请加上结束时间，例如 `到 18:00`，或联系 {helpers}。",
    },
    "permission.relay_permanent.nobody": {
        "en": "Permanent relays (without an end time) are not allowed on {provider}. Give it an end, e.g. `until 18:00`; a bot administrator can allow them in the [permissions] configuration.",
        "zh-CN": "{provider} 上不允许永久转推（没有结束时间）。请加上结束时间，例如 `到 18:00`；机器人管理员可以在配置的 [permissions] 中开放。",
    },
    "permission.cancel_any.denied": {
        "en": "You may only cancel your own requests. {helpers} can cancel this one.",
        "zh-CN": "你只能取消自己的请求。{helpers} 可以取消这个。",
    },
    "permission.cancel_any.nobody": {
        "en": "You may only cancel your own requests; the person who created this one can cancel it.",
        "zh-CN": "你只能取消自己的请求；创建这个请求的人可以取消它。",
    },
    # --- scheduler (bot/scheduler.py): posted in the card's thread ---
    "schedule.started": {
        "en": "Recording started on {provider} (TaskId {task_id}).",
        "zh-CN": "已在 {provider} 开始录制（TaskId {task_id}）。",
    },
    "schedule.started_late": {
        "en": "Recording started on {provider} {minutes} min late: the bot was not running at the start time. (TaskId {task_id})",
        "zh-CN": "已在 {provider} 开始录制，晚了 {minutes} 分钟：开始时机器人没有运行。（TaskId {task_id}）",
    },
    "schedule.missed": {
        "en": "Missed: the bot was not running between {start} and {end}, so nothing was recorded on {provider}.",
        "zh-CN": "已错过：{start} 到 {end} 之间机器人没有运行，{provider} 上没有录到任何内容。",
    },
    "schedule.stop_failed": {
        "en": "Could not stop the recording on {provider} (TaskId {task_id}):\n{error}\nPlease stop it in the {provider} console.",
        "zh-CN": "无法停止 {provider} 上的录制（TaskId {task_id}）：\n{error}\n请到 {provider} 控制台手动停止。",
    },
    # --- restart reconciliation (bot/flow/reconcile.py) ---
    "reconcile.found": {
        "en": "The bot restarted (or its database failed) before it could save {provider}'s answer. {provider} has the task: TaskId {task_id}.",
        "zh-CN": "机器人重启（或数据库出错），没能保存{provider}的答复。{provider}上已有该任务：TaskId {task_id}。",
    },
    "reconcile.not_found": {
        "en": "The bot restarted (or its database failed) before it could save {provider}'s answer, so it looked the task up: the provider has no such task, so nothing was created; it is safe to try again.",
        "zh-CN": "机器人重启（或数据库出错），没能保存{provider}的答复，所以查询了该任务：服务商那里没有这个任务，所以什么都没有创建；可以放心重试。",
    },
    "reconcile.unknown": {
        "en": "The bot restarted (or its database failed) before it could save {provider}'s answer, and {provider} cannot be looked up, so the task may or may not exist. Check the {provider} console for {target} before trying again.",
        "zh-CN": "机器人重启（或数据库出错），没能保存{provider}的答复，而{provider}无法查询任务，所以任务可能已创建也可能没有。请先在{provider}控制台检查 {target}，再决定是否重试。",
    },
    "reconcile.lookup_failed": {
        "en": "The bot restarted (or its database failed) before it could save {provider}'s answer, and looking the task up failed too ({code}), so it may or may not exist. Check the {provider} console for {target} before trying again.",
        "zh-CN": "机器人重启（或数据库出错），没能保存{provider}的答复，查询任务也失败了（{code}），所以任务可能已创建也可能没有。请先在{provider}控制台检查 {target}，再决定是否重试。",
    },
    # --- cards, list and cancel (bot/flow, bot/slack) ---
    "card.note.zone_unknown": {
        "en": "I couldn't read your Slack time zone, so times are in {timezone} — check them before you confirm.",
        "zh-CN": "无法读取你的 Slack 时区，所以时间按 {timezone} 理解——确认前请核对时间。",
    },
    "card.status.expired_within": {
        "en": "Expired — nobody confirmed within {hours} h; send the command again if you still need it",
        "zh-CN": "已过期——{hours} 小时内没有人确认；如仍需要，请重新发送命令",
    },
    "list.heading.channel": {
        "en": "Upcoming and running in this channel ({count}):",
        "zh-CN": "本频道即将开始和进行中的任务（{count} 个）：",
    },
    "list.heading.mine": {
        "en": "Your upcoming and running requests ({count}):",
        "zh-CN": "你即将开始和进行中的请求（{count} 个）：",
    },
    "list.heading.failures": {
        "en": "Failed or unsure in the last {hours} h ({count}):",
        "zh-CN": "最近 {hours} 小时内失败或结果未知的（{count} 个）：",
    },
    "list.nothing_active": {
        "en": "Nothing upcoming or running here. Schedule one with `/record live/stream001 from 15:00 to 15:30 on volc`.",
        "zh-CN": "这里没有即将开始或进行中的任务。可以这样预约：`/record live/stream001 明天 15:00 到 15:30 on volc`。",
    },
    "list.cancel_done": {
        "en": "Cancelled {request}.",
        "zh-CN": "已取消 {request}。",
    },
}
