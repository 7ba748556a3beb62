"""Sentences about a recording's files and trouble: "Recording ready", start failures, lost streams, no file."""

TEXT: dict[str, dict[str, str]] = {
    "callbacks.refused": {"en": "Callback refused: {reason}", "zh-CN": "已拒绝回调：{reason}"},
    "card.status.finished_files": {
        "en": "Finished {end} · {count} files",
        "zh-CN": "已于 {end} 结束 · {count} 个文件",
    },
    "card.status.finished_one_file": {"en": "Finished {end} · 1 file", "zh-CN": "已于 {end} 结束 · 1 个文件"},
    "files.ready": {
        "en": "Recording ready: {target} on {provider}, {when}",
        "zh-CN": "录制文件已就绪：{provider}上的 {target}，{when}",
    },
    "files.ready_many": {
        "en": "Recording ready: {target} on {provider}, {when} · {count} files",
        "zh-CN": "录制文件已就绪：{provider}上的 {target}，{when} · 共 {count} 个文件",
    },
    "files.line": {"en": "{link} · {duration} · {size} · {format}", "zh-CN": "{link} · {duration} · {size} · {format}"},
    "files.no_link": {
        "en": "(no link posted: the provider gave none, or one on a host this bot does not trust; see the audit log)",
        "zh-CN": "（未发布链接：服务商没有提供，或链接不在本机器人信任的域名内；请查看审计日志）",
    },
    "files.needs_login": {
        "en": "opening it needs a login to the provider's console",
        "zh-CN": "打开需要登录服务商控制台",
    },
    "files.size_unknown": {"en": "size not reported", "zh-CN": "未报告大小"},
    "files.duration_unknown": {"en": "duration not reported", "zh-CN": "未报告时长"},
    "files.format_unknown": {"en": "format not reported", "zh-CN": "未报告格式"},
    "files.list_line": {"en": "Files: {links}", "zh-CN": "文件：{links}"},
    "files.trouble.start_failed": {
        "en": "Recording failed to start: {provider} says it could not start recording {target} ({when}). "
        "Check that the stream is being pushed and the recording template is valid.",
        "zh-CN": "录制启动失败：{provider}表示无法开始录制 {target}（{when}）。请检查是否正在推流、录制模板是否有效。",
    },
    "files.trouble.error": {
        "en": "Recording error: {provider} reports an error while recording {target} ({when}). "
        "Check the stream and the provider's console; the file may be incomplete.",
        "zh-CN": "录制出错：{provider}报告录制 {target}（{when}）时出错。请检查直播流和服务商控制台；文件可能不完整。",
    },
    "files.trouble.lost_stream": {
        "en": "Recording lost its stream: {provider} reports the recording of {target} ({when}) was interrupted. "
        "Check the pusher; the recording may be split or short.",
        "zh-CN": "录制中断：{provider}报告 {target}（{when}）的录制失去了直播流。请检查推流端；录制可能被分段或变短。",
    },
    "files.trouble.upload_failed": {
        "en": "Recording upload failed: {provider} could not upload the files of {target} ({when}). "
        "Check the storage bucket and its keys.",
        "zh-CN": "录制上传失败：{provider}无法上传 {target}（{when}）的文件。请检查存储桶及其密钥。",
    },
    "files.none": {
        "en": "No file: the recording of {target} on {provider} ({when}) ended {minutes} min ago and no file has been "
        "reported. Check the provider's console: the stream may never have been pushed.",
        "zh-CN": "没有文件：{provider}上 {target}（{when}）的录制已结束 {minutes} 分钟，仍未收到任何文件。"
        "请检查服务商控制台：可能一直没有推流。",
    },
    "cli.callbacks.no_url": {
        "en": 'Set [callbacks] public_url (e.g. "https://bot.example.com") or pass --url https://bot.example.com: '
        "providers must reach this bot at <url>/callbacks/<provider>.",
        "zh-CN": '请设置 [callbacks] public_url（例如 "https://bot.example.com"）或传入 --url https://bot.example.com：'
        "服务商需要通过 <url>/callbacks/<provider> 访问本机器人。",
    },
    "cli.callbacks.no_key": {
        "en": "{provider}: callbacks are off; set {variable} (a random secret) to turn them on.",
        "zh-CN": "{provider}：回调未启用；设置 {variable}（一个随机密钥）即可启用。",
    },
    "cli.callbacks.register": {
        "en": "# {provider}: register {url} with these calls (the callback key is masked):",
        "zh-CN": "# {provider}：用以下调用注册 {url}（回调密钥已隐藏）：",
    },
    "cli.callbacks.now": {
        "en": "{provider}: registered now: {current}; would become: {url}",
        "zh-CN": "{provider}：当前注册：{current}；将改为：{url}",
    },
    "cli.callbacks.needs_force": {
        "en": "{provider}: not changed. The current callback URL ({current}) is not this bot's, or cannot be read; "
        "these calls replace the whole configuration. Run again with --force to replace it.",
        "zh-CN": "{provider}：未修改。当前回调地址（{current}）不是本机器人的，或无法读取；这些调用会替换整个配置。"
        "确认替换请加 --force 重新运行。",
    },
    "cli.callbacks.answer_ok": {
        "en": "  {action}: done (RequestId {request_id})",
        "zh-CN": "  {action}：完成（RequestId {request_id}）",
    },
    "cli.callbacks.answer_failed": {"en": "  {action}: failed: {error}", "zh-CN": "  {action}：失败：{error}"},
    "cli.callbacks.qcloud_steps": {
        "en": "# Tencent LVB (legacy): set callbacks in its console (Live > Settings > Callback): set the recording "
        "callback URL to {url} and the callback key to the value of {variable}.",
        "zh-CN": "# 腾讯云直播（旧版）：在控制台（直播 > 功能配置 > 回调配置）中设置：录制回调地址填 {url}，"
        "回调密钥填 {variable} 的值。",
    },
    "push.file_ready": {
        "en": "Recording ready: {target} on {provider}, {when}{task}",
        "zh-CN": "录制文件已就绪：{provider} {target}，{when}{task}",
    },
    "push.recording_trouble": {
        "en": "Recording trouble: {target} on {provider}, {when}{task}",
        "zh-CN": "录制异常：{provider} {target}，{when}{task}",
    },
    "push.no_file": {
        "en": "No file: {target} on {provider}, {when}{task}",
        "zh-CN": "没有文件：{provider} {target}，{when}{task}",
    },
}
