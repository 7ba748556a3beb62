"""Sentences of the confirmation card, its thread, the request flow, the Slack app and the console."""

from bot.provider_info import PROVIDERS

TEXT: dict[str, dict[str, str]] = {
    # --- providers by name --------------------------------------------------------------------------------------
    **{f"card.provider.{info.key}": {"en": info.name_en, "zh-CN": info.name_zh} for info in PROVIDERS},
    # --- the card -----------------------------------------------------------------------------------------------
    "card.title.record": {"en": "Record {target} on {provider}?", "zh-CN": "在{provider}录制 {target}？"},
    "card.title.relay": {"en": "Relay into {target} on {provider}?", "zh-CN": "在{provider}转推到 {target}？"},
    "card.summary.record": {
        "en": "Record {target} on {provider}, {window}? Confirm or cancel.",
        "zh-CN": "在{provider}录制 {target}，{window}？请确认或取消。",
    },
    "card.summary.relay": {
        "en": "Relay into {target} on {provider}, {window}? Confirm or cancel.",
        "zh-CN": "在{provider}转推到 {target}，{window}？请确认或取消。",
    },
    "card.window.range": {"en": "{start} – {end} ({timezone})", "zh-CN": "{start} – {end}（{timezone}）"},
    "card.window.permanent": {"en": "permanent (until cancelled)", "zh-CN": "永久（直到取消）"},
    "card.duration.days": {"en": "{n} d", "zh-CN": "{n} 天"},
    "card.duration.hours": {"en": "{n} h", "zh-CN": "{n} 小时"},
    "card.duration.minutes": {"en": "{n} min", "zh-CN": "{n} 分钟"},
    "card.field.target": {"en": "Target", "zh-CN": "目标"},
    "card.field.provider": {"en": "Provider", "zh-CN": "服务商"},
    "card.field.window": {"en": "When", "zh-CN": "时间"},
    "card.field.duration": {"en": "Duration", "zh-CN": "时长"},
    "card.field.options": {"en": "Options", "zh-CN": "选项"},
    "card.field.sources": {"en": "Sources", "zh-CN": "源地址"},
    "card.field.local_time": {"en": "Your local time", "zh-CN": "你的本地时间"},
    "card.requested_by": {"en": "Requested by {user} · request {request}", "zh-CN": "发起人 {user} · 请求 {request}"},
    "card.button.confirm": {"en": "Confirm", "zh-CN": "确认"},
    "card.button.cancel": {"en": "Cancel", "zh-CN": "取消"},
    "card.button.retry": {"en": "Retry", "zh-CN": "重试"},
    "card.button.stop": {"en": "Cancel task", "zh-CN": "取消任务"},
    "card.status.submitting": {"en": "Submitting… ({user})", "zh-CN": "正在提交…（{user}）"},
    "card.status.scheduled": {
        "en": "Scheduled · TaskId {task_id} · by {user}",
        "zh-CN": "已创建 · TaskId {task_id} · 由 {user} 确认",
    },
    "card.status.waiting": {
        "en": "Scheduled · the bot starts it when the window begins · by {user}",
        "zh-CN": "已预约 · 时间窗口开始时由机器人启动 · 由 {user} 确认",
    },
    "card.status.failed": {"en": "Failed · {code}", "zh-CN": "失败 · {code}"},
    "card.status.unknown": {"en": "Outcome unknown · check the provider", "zh-CN": "结果未知 · 请到服务商控制台确认"},
    "card.status.expired": {
        "en": "Expired · nobody confirmed it in time; send the command again",
        "zh-CN": "已过期 · 没有人及时确认；请重新发送命令",
    },
    "card.status.cancelled": {"en": "Cancelled by {user}", "zh-CN": "已由 {user} 取消"},
    # --- the card's thread --------------------------------------------------------------------------------------
    "thread.scheduled": {
        "en": "Scheduled on {provider}. TaskId `{task_id}` (RequestId `{request_id}`).",
        "zh-CN": "已在{provider}创建。TaskId `{task_id}`（RequestId `{request_id}`）。",
    },
    "thread.waiting": {
        "en": "{provider} cannot keep a time window itself, so the bot will start the task when the window begins and stop it when it ends. The TaskId will appear here.",
        "zh-CN": "{provider}自身不支持时间窗口，机器人会在窗口开始时启动任务、结束时停止任务。TaskId 会出现在这里。",
    },
    "thread.failed": {"en": "It did not work: {error}", "zh-CN": "没有成功：{error}"},
    "thread.failed_retry": {
        "en": "Nothing was created, so it is safe to try again.",
        "zh-CN": "任务没有被创建，可以放心重试。",
    },
    "thread.unknown": {"en": "Not sure it worked: {error}", "zh-CN": "不确定是否成功：{error}"},
    "thread.stopped": {
        "en": "{user} cancelled TaskId `{task_id}` on {provider} (RequestId `{request_id}`).",
        "zh-CN": "{user} 已在{provider}取消 TaskId `{task_id}`（RequestId `{request_id}`）。",
    },
    "thread.stop_failed": {
        "en": "Cancelling did not work: {error}",
        "zh-CN": "取消没有成功：{error}",
    },
    # --- the request flow ---------------------------------------------------------------------------------------
    "flow.only_requester": {
        "en": "Only {requester} can confirm or cancel this request.",
        "zh-CN": "只有 {requester} 可以确认或取消这个请求。",
    },
    "flow.already_settled": {
        "en": "Request {request} is already {state}; nothing was changed.",
        "zh-CN": "请求 {request} 的状态已经是「{state}」，没有做任何改动。",
    },
    "flow.unknown_request": {
        "en": "I do not know request {request} (it may have been removed). Please send the command again.",
        "zh-CN": "找不到请求 {request}（可能已被删除）。请重新发送命令。",
    },
    "flow.cancel_in_progress": {
        "en": "Cancelling is already under way; the result will appear in the thread.",
        "zh-CN": "已经在取消了，结果会出现在消息串中。",
    },
    "flow.dry_run": {
        "en": "Dry run: this is what Confirm would send to {provider}. Nothing was sent.",
        "zh-CN": "演练：以下是确认后会发送给{provider}的请求。没有发送任何请求。",
    },
    # --- Slack --------------------------------------------------------------------------------------------------
    "slack.not_understood": {"en": "I did not understand that. {reason}", "zh-CN": "没有看懂。{reason}"},
    "slack.mention_empty": {
        "en": "Tell me what to record, for example: `@bot record live/stream001 from 15:00 to 15:30 on volc`",
        "zh-CN": "请告诉我要录制什么，例如：`@bot record live/stream001 明天 15:00 到 15:30 on volc`",
    },
    "slack.modal.title": {"en": "Schedule a recording", "zh-CN": "预约录制"},
    "slack.modal.submit": {"en": "Show card", "zh-CN": "生成确认卡片"},
    "slack.modal.close": {"en": "Close", "zh-CN": "关闭"},
    "slack.modal.provider": {"en": "Provider", "zh-CN": "服务商"},
    "slack.modal.target": {
        "en": "Stream (app/stream, device/stream id or channel id)",
        "zh-CN": "流（app/stream、设备/流 ID 或频道 ID）",
    },
    "slack.modal.sources": {
        "en": "Source URLs (rtmp, flv, hls or srt; separate several with commas)",
        "zh-CN": "源地址（rtmp、flv、hls 或 srt；多个用逗号分隔）",
    },
    "slack.modal.start": {"en": "Start", "zh-CN": "开始"},
    "slack.modal.end": {"en": "End", "zh-CN": "结束"},
    "slack.modal.options": {"en": "Options (optional), e.g. as mp4", "zh-CN": "选项（可选），例如 as mp4"},
    "slack.modal.missing_time": {"en": "Pick a date and time.", "zh-CN": "请选择日期和时间。"},
    "slack.list.empty": {"en": "No requests to show here.", "zh-CN": "这里没有可显示的请求。"},
    "slack.cancel_started": {
        "en": "Cancelling {request}; the result will appear in its thread.",
        "zh-CN": "正在取消 {request}，结果会出现在消息串中。",
    },
    "flow.state.proposed": {"en": "waiting for confirmation", "zh-CN": "待确认"},
    "flow.state.confirmed": {"en": "confirmed", "zh-CN": "已确认"},
    "flow.state.submitting": {"en": "being submitted", "zh-CN": "提交中"},
    "flow.state.scheduled": {"en": "scheduled", "zh-CN": "已创建"},
    "flow.state.running": {"en": "running", "zh-CN": "进行中"},
    "flow.state.done": {"en": "done", "zh-CN": "已完成"},
    "flow.state.failed": {"en": "failed", "zh-CN": "失败"},
    "flow.state.cancelled": {"en": "cancelled", "zh-CN": "已取消"},
    "flow.state.expired": {"en": "expired", "zh-CN": "已过期"},
    "flow.state.unknown": {"en": "of unknown outcome", "zh-CN": "结果未知"},
    "flow.state.missed": {"en": "missed", "zh-CN": "已错过"},
    # --- console ------------------------------------------------------------------------------------------------
    "console.welcome": {
        "en": "live-record-bot console. Type a command (e.g. `record live/stream001 from 15:00 to 15:30 on volc`), `help`, or `quit`.",
        "zh-CN": "live-record-bot 控制台。输入命令（例如 `record live/stream001 明天 15:00 到 15:30 on volc`）、`help` 或 `quit`。",
    },
    "console.dry_run_mode": {
        "en": "No provider credentials are set: this is a dry run. Nothing will be sent to any provider.",
        "zh-CN": "没有设置服务商凭证：这是演练模式，不会向任何服务商发送请求。",
    },
    "console.confirm_prompt": {"en": "Confirm? [y/N] ", "zh-CN": "确认吗？[y/N] "},
    "console.not_confirmed": {"en": "Not confirmed; nothing was sent.", "zh-CN": "未确认，没有发送任何请求。"},
    "console.understood": {
        "en": "Dry run: nothing was sent. This is what was understood:",
        "zh-CN": "演练：没有发送任何请求。理解到的请求如下：",
    },
    "console.nothing_sent": {
        "en": "Dry run: nothing was sent. This is the request Confirm would send:",
        "zh-CN": "演练：没有发送任何请求。确认后会发送的请求如下：",
    },
}
