"""Sentences of the producer's controls: extending a scheduled or running window (buttons, command, thread)."""

TEXT: dict[str, dict[str, str]] = {
    # --- buttons and the card -----------------------------------------------------------------------------------
    "card.button.extend_15": {"en": "+15 min", "zh-CN": "+15 分钟"},
    "card.button.extend_30": {"en": "+30 min", "zh-CN": "+30 分钟"},
    "card.button.extend_60": {"en": "+1 h", "zh-CN": "+1 小时"},
    "card.status.extended": {"en": "Extended to {end} by {user}", "zh-CN": "已由 {user} 延长到 {end}"},
    # --- answers to the person who asked ------------------------------------------------------------------------
    "extend.started": {
        "en": "Extending request {request} to {end}; the result will appear in its thread.",
        "zh-CN": "正在把请求 {request} 延长到 {end}，结果会出现在它的消息串中。",
    },
    "extend.not_active": {
        "en": "Request {request} cannot be extended now: it is {state}. Only a scheduled or running task can be.",
        "zh-CN": "请求 {request} 现在无法延长：它{state}。只有已安排或进行中的任务可以延长。",
    },
    "extend.permanent": {
        "en": "Request {request} has no end (it runs until cancelled), so there is nothing to extend.",
        "zh-CN": "请求 {request} 没有结束时间（直到取消才停），无需延长。",
    },
    "extend.ended": {
        "en": "Request {request} already ended at {end}; schedule a new one instead, e.g. `/record live/stream001 now for 30m`.",
        "zh-CN": "请求 {request} 已于 {end} 结束；请重新预约，例如 `/record live/stream001 现在 持续30分钟`。",
    },
    "extend.covered": {
        "en": "Request {request} already runs until {end}, which covers this window; nothing to add.",
        "zh-CN": "请求 {request} 已经持续到 {end}，覆盖了这个时间段，无需再加。",
    },
    "extend.busy": {
        "en": "Request {request} is being extended by someone else right now; try again in a moment.",
        "zh-CN": "别人正在延长请求 {request}，请稍后再试。",
    },
    # --- the thread ---------------------------------------------------------------------------------------------
    "thread.extended.follow_on": {
        "en": "{user} extended it to {end}: follow-on task {task_id} on {provider} from {start} to {end}, no gap.",
        "zh-CN": "{user} 已把它延长到 {end}：{provider}上的接续任务 {task_id}，从 {start} 到 {end}，无缝衔接。",
    },
    "thread.extended.in_place": {
        "en": "{user} extended it to {end}: {provider} changed the relay in place.",
        "zh-CN": "{user} 已把它延长到 {end}：{provider}已直接修改转推。",
    },
    "thread.extended.bot_kept": {
        "en": "{user} extended it to {end}: the bot will stop it then.",
        "zh-CN": "{user} 已把它延长到 {end}：机器人会在那时停止它。",
    },
    "thread.extend_failed": {
        "en": "Could not extend it to {end}: {error}\nIt still ends at {old_end}.",
        "zh-CN": "无法延长到 {end}：{error}\n它仍在 {old_end} 结束。",
    },
    "thread.extend_unclear": {
        "en": "Not sure the extension to {end} worked: {error}\nCheck the {provider} console for {target} after {old_end}.",
        "zh-CN": "不确定是否已延长到 {end}：{error}\n请到{provider}控制台检查 {target} 在 {old_end} 之后的任务。",
    },
    "push.extended": {
        "en": "Extended: {target} on {provider}, {when}{task}",
        "zh-CN": "已延长：{provider} {target}，{when}{task}",
    },
    "push.extend_failed": {
        "en": "Not extended: {target} on {provider}, {when}{task}",
        "zh-CN": "未能延长：{provider} {target}，{when}{task}",
    },
    # --- overlaps, said before Confirm --------------------------------------------------------------------------
    "card.overlap.record": {
        "en": "{user} already records {target} {window} ({request})",
        "zh-CN": "{user} 已在录制 {target} {window}（{request}）",
    },
    "card.overlap.relay": {
        "en": "{user} already relays to {target} {window} ({request})",
        "zh-CN": "{user} 已在转推到 {target} {window}（{request}）",
    },
    "card.overlap.until_cancelled": {"en": "until cancelled", "zh-CN": "直到取消"},
    "card.overlap.capped": {
        "en": "{provider} allows {cap} task(s) per stream at a time, so it would refuse this one.",
        "zh-CN": "{provider}每个流同一时间最多允许 {cap} 个任务，所以会拒绝这个请求。",
    },
    "card.overlap.extend_instead": {
        "en": "Extend {request} to {end} instead: one recording, no gap.",
        "zh-CN": "可以改为把 {request} 延长到 {end}：同一个录制，没有间断。",
    },
    "card.button.extend_instead": {"en": "Extend {request} to {end}", "zh-CN": "把 {request} 延长到 {end}"},
    # --- the App Home tab -----------------------------------------------------------------------------------------
    "home.title": {"en": "Your recordings and relays", "zh-CN": "你的录制和转推"},
    "home.zone": {"en": "Times in {timezone}.", "zh-CN": "时间按 {timezone} 显示。"},
    "home.running": {"en": "Running now ({count})", "zh-CN": "进行中（{count}）"},
    "home.upcoming": {"en": "Upcoming ({count})", "zh-CN": "即将开始（{count}）"},
    "home.recent": {"en": "Recent, last 7 days ({count})", "zh-CN": "最近 7 天（{count}）"},
    "home.everyone": {
        "en": "Everyone's running and upcoming ({count})",
        "zh-CN": "所有人进行中和即将开始的（{count}）",
    },
    "home.nothing": {"en": "Nothing here.", "zh-CN": "暂无。"},
    "home.more": {
        "en": "{count} more not shown here: see them with /record list.",
        "zh-CN": "还有 {count} 个未显示：用 /record list 查看。",
    },
    # --- series -------------------------------------------------------------------------------------------------
    "series.next": {"en": "Next: {dates}", "zh-CN": "接下来：{dates}"},
    "series.thread.planned": {
        "en": "Series confirmed: {count} recordings. Each one is created at {provider} ahead of its time and reported here.",
        "zh-CN": "重复预约已确认：共 {count} 次。每一次都会提前在{provider}创建，并在这里报告。",
    },
    "series.thread.scheduled": {
        "en": "Scheduled {when} on {provider}: TaskId {task_id}.",
        "zh-CN": "已在{provider}预约 {when}：TaskId {task_id}。",
    },
    "series.thread.started": {
        "en": "Recording now on {provider}: {when} (TaskId {task_id}).",
        "zh-CN": "{provider}正在录制：{when}（TaskId {task_id}）。",
    },
    "series.thread.finished": {
        "en": "Finished on {provider}: {when} (TaskId {task_id}).",
        "zh-CN": "{provider}已结束：{when}（TaskId {task_id}）。",
    },
    "series.thread.failed": {
        "en": "Could not schedule {when} on {provider}: {error}",
        "zh-CN": "无法在{provider}预约 {when}：{error}",
    },
    "series.thread.missed": {
        "en": "Missed {when}: the bot was not running when it had to create it at {provider}.",
        "zh-CN": "已错过 {when}：该在{provider}创建时机器人没有运行。",
    },
    "series.thread.stop_failed": {
        "en": "Could not stop {when} on {provider}: {error}",
        "zh-CN": "无法在{provider}停止 {when}：{error}",
    },
    "series.thread.skipped": {
        "en": "{user} cancelled {when}; {left} left in the series.",
        "zh-CN": "{user} 取消了 {when}；这个重复预约还剩 {left} 次。",
    },
    "series.skip_done": {
        "en": "Cancelled the {day} recording of {request}; {left} left in the series.",
        "zh-CN": "已取消 {request} 在 {day} 的录制；这个重复预约还剩 {left} 次。",
    },
    "series.thread.cancelled": {
        "en": "{user} cancelled the series and its {count} upcoming recordings.",
        "zh-CN": "{user} 取消了整个重复预约及其接下来的 {count} 次录制。",
    },
    "series.cancel_started": {
        "en": "Cancelling the series {request} and its {count} upcoming recordings; the result will appear in its thread.",
        "zh-CN": "正在取消重复预约 {request} 及其接下来的 {count} 次录制，结果会出现在消息串中。",
    },
    "series.cancel_done": {
        "en": "Cancelled the series {request} and its {count} upcoming recordings.",
        "zh-CN": "已取消重复预约 {request} 及其接下来的 {count} 次录制。",
    },
    "series.still_planning": {
        "en": "Request {request} is still being planned; its recordings are created once the plan is written.",
        "zh-CN": "请求 {request} 仍在安排中；安排写好后才会创建各次录制。",
    },
    "series.not_series": {
        "en": "Request {request} does not repeat; cancel it with `/record cancel {request}`.",
        "zh-CN": "请求 {request} 不是重复预约；用 `/record cancel {request}` 取消它。",
    },
    "series.no_occurrence": {
        "en": "Request {request} has no upcoming recording on {day}; see its dates with `/record list`.",
        "zh-CN": "请求 {request} 在 {day} 没有待进行的录制；用 `/record list` 查看它的日期。",
    },
    "series.cannot_extend": {
        "en": "Request {request} repeats; extend one recording by scheduling a window after it, e.g. `/record live/stream001 now for 30m`.",
        "zh-CN": "请求 {request} 是重复预约；如需延长某一次，请在它之后另约一个时间段，例如 `/record live/stream001 现在 持续30分钟`。",
    },
    "card.status.series": {
        "en": "Repeating · {left} to come · next {next} · by {user}",
        "zh-CN": "重复中 · 还有 {left} 次 · 下一次 {next} · {user}",
    },
    "card.button.cancel_series": {"en": "Cancel series", "zh-CN": "取消全部"},
    "card.button.skip": {"en": "Skip {day}", "zh-CN": "跳过 {day}"},
    "confirm.cancel_series.title": {"en": "Cancel the series?", "zh-CN": "取消整个重复预约？"},
    "confirm.cancel_series.text": {
        "en": "All {count} upcoming recordings of {target} on {provider} will be cancelled.",
        "zh-CN": "{provider}上 {target} 接下来的 {count} 次录制都会被取消。",
    },
    "confirm.cancel_series.yes": {"en": "Cancel all {count}", "zh-CN": "全部取消（{count}）"},
    "list.series": {
        "en": "repeats {days} · next {next} · {left} to come",
        "zh-CN": "重复 {days} · 下一次 {next} · 还有 {left} 次",
    },
    "push.occurrence_scheduled": {
        "en": "Scheduled one of the series: {target} on {provider}{task}",
        "zh-CN": "重复预约中的一次已预约：{provider} {target}{task}",
    },
    "push.occurrence_started": {
        "en": "Recording now, one of the series: {target} on {provider}",
        "zh-CN": "重复预约中的一次正在录制：{provider} {target}",
    },
    "push.occurrence_finished": {
        "en": "Finished, one of the series: {target} on {provider}",
        "zh-CN": "重复预约中的一次已结束：{provider} {target}",
    },
    "push.occurrence_failed": {
        "en": "Failed, one of the series: {target} on {provider}",
        "zh-CN": "重复预约中的一次失败：{provider} {target}",
    },
    "push.occurrence_missed": {
        "en": "Missed, one of the series: {target} on {provider}",
        "zh-CN": "重复预约中的一次已错过：{provider} {target}",
    },
    "push.occurrence_skipped": {
        "en": "Skipped, one of the series: {target} on {provider}",
        "zh-CN": "重复预约中的一次已取消：{provider} {target}",
    },
    "push.overlaps_found": {
        "en": "Heads-up: {target} on {provider}, {when} overlaps another request on the same stream",
        "zh-CN": "注意：{provider} {target}（{when}）与同一路流上的其他预约时间重叠",
    },
}
