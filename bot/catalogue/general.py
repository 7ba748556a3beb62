"""Sentences shared by every part of the bot: generic errors, configuration, permissions, request states."""

TEXT: dict[str, dict[str, str]] = {
    "error.generic": {
        "en": "Something went wrong. Nothing was sent to the provider.",
        "zh-CN": "出了点问题。没有向云服务商发送任何请求。",
    },
    "config.problems": {
        "en": "The configuration has problems:\n{problems}",
        "zh-CN": "配置有问题：\n{problems}",
    },
    "validation.problems": {
        "en": "{provider} would refuse this request:",
        "zh-CN": "{provider} 会拒绝这个请求：",
    },
    "permission.denied": {
        "en": "You may not {action} here. {helpers} can help.",
        "zh-CN": "你没有权限在这里{action}。可以联系 {helpers}。",
    },
    "request.already_settled": {
        "en": "This request was already {state}.",
        "zh-CN": "这个请求已经{state}。",
    },
    "provider.error": {
        "en": "{provider} answered {code}: {message} (RequestId {request_id})",
        "zh-CN": "{provider} 返回 {code}：{message}（RequestId {request_id}）",
    },
    "provider.outcome_unknown": {
        "en": (
            "{provider} did not give a clear answer ({code}: {reason}), so the task may or may not have been created. "
            "Check the {provider} console before trying again: sending it twice could record twice."
        ),
        "zh-CN": "{provider} 没有给出明确答复（{code}：{reason}），任务可能已创建，也可能没有。请先在{provider}控制台确认再重试，重复提交可能会录制两次。",
    },
    "provider.not_created": {
        "en": (
            "{provider} did not give a clear answer ({code}: {reason}), so the bot looked the task up: "
            "the provider has no such task, so nothing was created; it is safe to try again."
        ),
        "zh-CN": "{provider} 没有给出明确答复（{code}：{reason}），所以机器人查询了该任务：服务商那里没有这个任务，所以什么都没有创建；可以放心重试。",
    },
    "provider.outcome_unknown.request_id": {
        "en": "RequestId {request_id}: quote it to the provider's support.",
        "zh-CN": "RequestId {request_id}：联系云服务商技术支持时请提供。",
    },
}
