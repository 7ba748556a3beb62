"""Sentences of a request's life after Confirm: card states, thread replies, push texts, confirm dialogs."""

TEXT: dict[str, dict[str, str]] = {
    # --- the card, by state -------------------------------------------------------------------------------------
    "card.button.stop_now": {"en": "Stop now", "zh-CN": "立即停止"},
    "card.status.running.record": {
        "en": "Recording now · since {since} · ends {end}",
        "zh-CN": "正在录制 · {since} 开始 · {end} 结束",
    },
    "card.status.running.relay": {
        "en": "Relaying now · since {since} · ends {end}",
        "zh-CN": "正在转推 · {since} 开始 · {end} 结束",
    },
    "card.status.running_permanent": {"en": "Running · until cancelled", "zh-CN": "进行中 · 直到取消"},
    "card.status.finished": {"en": "Finished {end}", "zh-CN": "已于 {end} 结束"},
    "card.status.retried": {
        "en": "Failed · retried as request {request} (its progress is in this thread)",
        "zh-CN": "失败 · 已重试为请求 {request}（进展见本消息串）",
    },
    "card.status.cancel_unclear": {
        "en": "Cancel unclear · check the provider's console",
        "zh-CN": "取消结果不明 · 请到服务商控制台确认",
    },
    "card.status.missed": {
        "en": "Missed · the bot was not running when it had to start it",
        "zh-CN": "已错过 · 该开始时机器人没有运行",
    },
    "card.note.dm_fallback": {
        "en": "I can no longer post in this conversation, so what happens to this request now reaches {user} by direct message.",
        "zh-CN": "我已无法在此对话中发消息，这个请求之后的进展会私信告知 {user}。",
    },
    "card.status.cancelling": {"en": "Cancelling… ({user})", "zh-CN": "正在取消…（{user}）"},
    # --- the thread ---------------------------------------------------------------------------------------------
    "thread.started.record": {
        "en": "Recording now on {provider}: {target}, until {end}.",
        "zh-CN": "{provider}正在录制 {target}，到 {end} 结束。",
    },
    "thread.started.relay": {
        "en": "Relaying now on {provider}: {target}, until {end}.",
        "zh-CN": "{provider}正在转推 {target}，到 {end} 结束。",
    },
    "thread.finished": {
        "en": "Finished: {target} on {provider}, {when}.",
        "zh-CN": "已结束：{provider}上的 {target}，{when}。",
    },
    "thread.cancelled": {"en": "{user} cancelled it before it began.", "zh-CN": "{user} 在开始前取消了它。"},
    "thread.cancel_unclear": {
        "en": "Not sure the stop worked: {error}\nCheck the {provider} console for {target}.",
        "zh-CN": "不确定是否已停止：{error}\n请到{provider}控制台检查 {target}。",
    },
    "life.provider_stopped": {
        "en": "{provider} says {target} was stopped before its window began (in its console?), so nothing will be recorded. Check the {provider} console and schedule it again if you still need it.",
        "zh-CN": "{provider}显示 {target} 在时间窗口开始前已被停止（在控制台操作过？），所以不会录到任何内容。请到{provider}控制台检查，如仍需要请重新预约。",
    },
    "life.provider_gone": {
        "en": "{provider} no longer has the task for {target} (TaskId {task_id}): it was deleted or never created, so nothing will be recorded. Check the {provider} console.",
        "zh-CN": "{provider}上已没有 {target} 的任务（TaskId {task_id}）：它被删除了或从未创建，所以不会录到任何内容。请到{provider}控制台检查。",
    },
    "life.stopped_early": {
        "en": "Finished: {target} on {provider}, {when} — but {provider} says the task was stopped before its end (in its console?), so the recording may be shorter than planned.",
        "zh-CN": "已结束：{provider}上的 {target}，{when}——但{provider}显示任务在结束前已被停止（在控制台操作过？），录制可能比计划短。",
    },
    "life.not_saved": {
        "en": "{provider} answered, but the bot could not save the answer, so the outcome is unknown. Check the {provider} console for {target}.",
        "zh-CN": "{provider}已答复，但机器人没能保存答复，所以结果未知。请到{provider}控制台检查 {target}。",
    },
    # --- the phone notification: what and when ------------------------------------------------------------------
    "push.task": {"en": " (TaskId {task_id})", "zh-CN": "（TaskId {task_id}）"},
    "push.confirmed": {
        "en": "Submitting: {target} on {provider}, {when}",
        "zh-CN": "正在提交：{provider} {target}，{when}",
    },
    "push.scheduled": {
        "en": "Scheduled: {target} on {provider}, {when}{task}",
        "zh-CN": "已预约：{provider} {target}，{when}{task}",
    },
    "push.started": {
        "en": "Started: {target} on {provider}, {when}{task}",
        "zh-CN": "已开始：{provider} {target}，{when}{task}",
    },
    "push.finished": {
        "en": "Finished: {target} on {provider}, {when}{task}",
        "zh-CN": "已结束：{provider} {target}，{when}{task}",
    },
    "push.failed": {
        "en": "Failed: {target} on {provider}, {when}{task}",
        "zh-CN": "失败：{provider} {target}，{when}{task}",
    },
    "push.unknown": {
        "en": "Outcome unknown: {target} on {provider}, {when}{task}",
        "zh-CN": "结果未知：{provider} {target}，{when}{task}",
    },
    "push.missed": {"en": "Missed: {target} on {provider}, {when}", "zh-CN": "已错过：{provider} {target}，{when}"},
    "push.cancelling": {
        "en": "Cancelling: {target} on {provider}, {when}",
        "zh-CN": "正在取消：{provider} {target}，{when}",
    },
    "push.cancelled": {
        "en": "Cancelled: {target} on {provider}, {when}{task}",
        "zh-CN": "已取消：{provider} {target}，{when}{task}",
    },
    "push.cancel_failed": {
        "en": "Could not cancel: {target} on {provider}, {when}{task}",
        "zh-CN": "取消失败：{provider} {target}，{when}{task}",
    },
    "push.cancel_unclear": {
        "en": "Cancel unclear: {target} on {provider}, {when}{task}",
        "zh-CN": "取消结果不明：{provider} {target}，{when}{task}",
    },
    "push.retried": {"en": "Retried: {target} on {provider}, {when}", "zh-CN": "已重试：{provider} {target}，{when}"},
    "push.expired": {"en": "Expired: {target} on {provider}, {when}", "zh-CN": "已过期：{provider} {target}，{when}"},
    # --- confirm dialogs on destructive buttons -----------------------------------------------------------------
    "confirm.cancel.title": {"en": "Cancel this task?", "zh-CN": "取消这个任务？"},
    "confirm.cancel.text": {
        "en": "{target} on {provider}, {window} will not run.",
        "zh-CN": "{provider}上的 {target}（{window}）将不会执行。",
    },
    "confirm.cancel.yes": {"en": "Cancel it", "zh-CN": "取消任务"},
    "confirm.stop.title": {"en": "Stop it now?", "zh-CN": "立即停止？"},
    "confirm.stop.text": {
        "en": "{target} on {provider} stops now, before its planned end ({window}).",
        "zh-CN": "{provider}上的 {target} 将立即停止，不再等到计划结束（{window}）。",
    },
    "confirm.stop.yes": {"en": "Stop it", "zh-CN": "停止"},
    "confirm.no": {"en": "Keep it", "zh-CN": "保留"},
    # --- the flow -----------------------------------------------------------------------------------------------
    "flow.already_retried": {
        "en": "Request {request} was retried already, as request {retried_as}: its progress is on the same card and in its thread.",
        "zh-CN": "请求 {request} 已经重试过了，新请求是 {retried_as}：进展见同一张卡片及其消息串。",
    },
    "flow.state.cancelling": {"en": "being cancelled", "zh-CN": "取消中"},
    "flow.state.retried": {"en": "retried", "zh-CN": "已重试"},
    "list.heading.recent": {
        "en": "Recent outcomes, last {hours} h ({count}):",
        "zh-CN": "最近 {hours} 小时的结果（{count} 个）：",
    },
    "list.more": {
        "en": "{count} more not shown. Narrow it down with `/record list mine`, or see the full history with `python -m bot audit`.",
        "zh-CN": "还有 {count} 个没有显示。可用 `/record list mine` 缩小范围，或用 `python -m bot audit` 查看完整记录。",
    },
}
