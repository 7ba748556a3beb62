"""Every provider error code explained: what it means in plain words, and what to do next (``en`` and ``zh-CN``).

Keys are ``provider.code.<family>.<Code>`` with family ``volc``, ``tencent`` (Tencent Cloud API 3.0: Live and TRRO),
``qcloud`` (legacy LVB) or ``any`` (our own transport codes). :func:`render_provider_error` frames an explanation with
the provider, code and RequestId; an unknown code falls back to its parent (``A.B`` → ``A``), then to a generic
sentence with the provider's own message.
"""

from __future__ import annotations

_SUPPORT = (
    "If it keeps happening, contact {p} support with the RequestId.",
    "如果持续出现，请带上 RequestId 联系{p}技术支持。",
)
_RETRY = ("Try again in a minute.", "请稍等一分钟再试。")

# (English, Chinese) per code. "{p}" is replaced by the provider's console/support name below.
_VOLC: dict[str, tuple[str, str]] = {
    "MissingParameter": (
        "A required parameter was missing from the request. This is a bot bug: report it with the RequestId.",
        "请求缺少必填参数。这是机器人的问题：请带上 RequestId 反馈。",
    ),
    "MissingRequestInfo": (
        "The request lacked signing information. This is a bot bug: report it with the RequestId.",
        "请求缺少签名信息。这是机器人的问题：请带上 RequestId 反馈。",
    ),
    "InvalidTimestamp": (
        "The request's timestamp was rejected: the bot's clock is probably wrong. Ask an administrator to sync the server clock (NTP), then try again.",
        "请求时间戳被拒绝：机器人服务器的时钟可能不准。请管理员同步服务器时间（NTP）后再试。",
    ),
    "ServiceNotFound": (
        "Volcengine did not recognise the Live service in the request. Check VOLC_LIVE_ENDPOINT points at live.volcengineapi.com.",
        "火山引擎无法识别请求中的直播服务。请检查 VOLC_LIVE_ENDPOINT 是否指向 live.volcengineapi.com。",
    ),
    "InvalidActionOrVersion": (
        "Volcengine does not offer this action/version here. Check VOLC_LIVE_ENDPOINT; if it is right, report it with the RequestId.",
        "火山引擎在此不提供该接口或版本。请检查 VOLC_LIVE_ENDPOINT；如无误，请带上 RequestId 反馈。",
    ),
    "InvalidAccessKey": (
        "The Volcengine access key is not valid. Ask an administrator to check VOLCENGINE_ACCESS_KEY.",
        "火山引擎 AccessKey 无效。请管理员检查 VOLCENGINE_ACCESS_KEY。",
    ),
    "SignatureDoesNotMatch": (
        "Volcengine rejected the signature: the secret key does not match the access key. Ask an administrator to check VOLCENGINE_SECRET_KEY (a mistyped or rotated key).",
        "火山引擎拒绝了签名：SecretKey 与 AccessKey 不匹配。请管理员检查 VOLCENGINE_SECRET_KEY（可能输错或已轮换）。",
    ),
    "AccessDenied": (
        "The Volcengine account or sub-user has no permission for Live. Ask an administrator to grant Live permissions (IAM) to the bot's key.",
        "该火山引擎账号或子用户没有直播权限。请管理员在 IAM 中为机器人使用的密钥授予直播权限。",
    ),
    "InternalError": (
        "Volcengine had an internal error; the task may or may not exist. Check the Volcengine console before trying again.",
        "火山引擎内部错误，任务可能已创建也可能没有。请先在火山引擎控制台确认再重试。",
    ),
    "InternalServiceTimeout": (
        "A Volcengine service timed out internally; the task may or may not exist. Check the console, then try again.",
        "火山引擎内部服务超时，任务可能已创建也可能没有。请先在控制台确认再重试。",
    ),
    "FailToConnect": (
        "Volcengine's gateway could not reach the Live service. " + _RETRY[0],
        "火山引擎网关无法连接直播服务。" + _RETRY[1],
    ),
    "FlowLimitExceeded": (
        "Too many requests to Volcengine at once (rate limit). " + _RETRY[0],
        "对火山引擎的请求过于频繁（限流）。" + _RETRY[1],
    ),
    "RequestLimitExceeded": (
        "Volcengine refused: too many requests, or the account reached a resource limit. Try again in a minute; if it persists, check the Live quotas in the console.",
        "火山引擎拒绝：请求过多，或账号资源达到上限。请稍后再试；如仍出现，请在控制台检查直播配额。",
    ),
    "ServiceUnavailableTemp": (
        "Volcengine Live is temporarily unavailable. " + _RETRY[0],
        "火山引擎直播服务暂时不可用。" + _RETRY[1],
    ),
    "CommonErr": (
        "Volcengine reported an unclassified error. Try again; if it repeats, contact Volcengine support with the RequestId.",
        "火山引擎返回了未分类错误。请重试；如仍出现，请带上 RequestId 联系火山引擎技术支持。",
    ),
    "InvalidParam": (
        "Volcengine found a parameter invalid (see its message below). Check the names and times in the command and the [providers.volc] settings.",
        "火山引擎认为某个参数无效（见下方原始信息）。请检查命令中的名称和时间，以及 [providers.volc] 配置。",
    ),
    "InvalidParam.BindError": (
        "Volcengine could not read a parameter's type. This is a bot bug: report it with the RequestId.",
        "火山引擎无法解析参数类型。这是机器人的问题：请带上 RequestId 反馈。",
    ),
    "InvalidParam.OutOfRange": (
        "A value is outside what Volcengine allows (for example a time window that is too long). Shorten or correct it and try again.",
        "某个取值超出了火山引擎允许的范围（例如时间段过长）。请修改后再试。",
    ),
    "RequestForbidden": (
        "The Volcengine account has no such resource (vhost, domain, app, record template or certificate). Check [providers.volc] vhost/domain and that a record template is bound to this app.",
        "当前火山引擎账号下没有请求的资源（域名空间、域名、应用、录制模板或证书）。请检查 [providers.volc] 的 vhost/domain，以及该应用是否绑定了录制模板。",
    ),
    "RequestForbidden.AccountIDNotAllow": (
        "This Volcengine account may not use the vhost, domain or app in the request. Check [providers.volc] vhost/domain belong to the bot's account.",
        "该火山引擎账号无权访问请求中的域名空间、域名或应用。请确认 [providers.volc] 的 vhost/domain 属于机器人使用的账号。",
    ),
    "RequestForbidden.BillingStatus": (
        "Live service not enabled or the account is in arrears: top up in the Volcengine console, then try again.",
        "未开通视频直播服务或账号欠费：请在火山引擎控制台开通服务或充值后再试。",
    ),
    "ResourceNotFound": (
        "Volcengine could not find the vhost, domain, app, template or task. Check the names; for a cancel, the task may already be gone.",
        "火山引擎找不到对应的域名空间、域名、应用、模板或任务。请检查名称；如果是取消操作，任务可能已不存在。",
    ),
    "InternalServiceError": (
        "Volcengine services failed between themselves; the task may or may not exist. Check the console before trying again.",
        "火山引擎服务之间出错，任务可能已创建也可能没有。请先在控制台确认再重试。",
    ),
    "InternalServiceError.BadResponse": (
        "A Volcengine service answered badly internally; the task may or may not exist. Check the console before trying again.",
        "火山引擎内部服务响应异常，任务可能已创建也可能没有。请先在控制台确认再重试。",
    ),
}

_TENCENT: dict[str, tuple[str, str]] = {
    "ActionOffline": (
        "Tencent Cloud has taken this API offline. Report it: the bot needs an update.",
        "腾讯云已下线该接口。请反馈：机器人需要更新。",
    ),
    "AuthFailure.InvalidAuthorization": (
        "Tencent Cloud could not read the Authorization header. This is a bot bug: report it with the RequestId.",
        "腾讯云无法解析 Authorization 请求头。这是机器人的问题：请带上 RequestId 反馈。",
    ),
    "AuthFailure.InvalidSecretId": (
        "The Tencent Cloud SecretId is malformed. Ask an administrator to check TENCENTCLOUD_SECRET_ID.",
        "腾讯云 SecretId 格式不正确。请管理员检查 TENCENTCLOUD_SECRET_ID。",
    ),
    "AuthFailure.MFAFailure": (
        "Tencent Cloud requires MFA for this key. Use an API key without MFA for the bot.",
        "该腾讯云密钥需要 MFA 验证。请为机器人使用不需要 MFA 的 API 密钥。",
    ),
    "AuthFailure.SecretIdNotFound": (
        "The Tencent Cloud SecretId does not exist or was disabled. Ask an administrator to check TENCENTCLOUD_SECRET_ID in the CAM console.",
        "腾讯云 SecretId 不存在或已停用。请管理员在访问管理控制台检查 TENCENTCLOUD_SECRET_ID。",
    ),
    "AuthFailure.SignatureExpire": (
        "The signature expired: the bot's clock is more than 5 minutes off. Ask an administrator to sync the server clock (NTP).",
        "签名已过期：机器人服务器时钟偏差超过 5 分钟。请管理员同步服务器时间（NTP）。",
    ),
    "AuthFailure.SignatureFailure": (
        "Tencent Cloud rejected the signature: the secret key does not match the SecretId. Ask an administrator to check TENCENTCLOUD_SECRET_KEY (a mistyped or rotated key).",
        "腾讯云拒绝了签名：SecretKey 与 SecretId 不匹配。请管理员检查 TENCENTCLOUD_SECRET_KEY（可能输错或已轮换）。",
    ),
    "AuthFailure.TokenFailure": (
        "The Tencent Cloud temporary token is invalid or expired. Ask an administrator to renew the credentials.",
        "腾讯云临时凭证无效或已过期。请管理员更新凭证。",
    ),
    "AuthFailure.UnauthorizedOperation": (
        "The Tencent Cloud key is not allowed to call this API. Ask an administrator to grant the permission in CAM.",
        "该腾讯云密钥无权调用此接口。请管理员在访问管理（CAM）中授权。",
    ),
    "DryRunOperation": (
        "Tencent Cloud only checked the request (dry run); nothing was created.",
        "腾讯云只做了预检（DryRun），没有创建任务。",
    ),
    "FailedOperation": (
        "Tencent Cloud could not carry out the operation (see its message). Check the request and try again.",
        "腾讯云无法执行该操作（见原始信息）。请检查请求后再试。",
    ),
    "InternalError": (
        "Tencent Cloud had an internal error; the task may or may not exist. Check the console before trying again.",
        "腾讯云内部错误，任务可能已创建也可能没有。请先在控制台确认再重试。",
    ),
    "InternalError.GetConfigError": (
        "Tencent Cloud could not read the Live configuration. Try again; if it repeats, contact Tencent Cloud support with the RequestId.",
        "腾讯云读取直播配置出错。请重试；如仍出现，请带上 RequestId 联系腾讯云技术支持。",
    ),
    "InternalError.NetworkError": (
        "Tencent Cloud had an internal network error; the task may or may not exist. Check the console before trying again.",
        "腾讯云内部网络错误，任务可能已创建也可能没有。请先在控制台确认再重试。",
    ),
    "InternalError.SystemError": (
        "Tencent Cloud had a system error. Check the console, then try again.",
        "腾讯云系统错误。请先在控制台确认再重试。",
    ),
    "InvalidAction": (
        "Tencent Cloud does not know this API action. Check TENCENT_LIVE_ENDPOINT / TENCENT_TRRO_ENDPOINT.",
        "腾讯云不认识该接口。请检查 TENCENT_LIVE_ENDPOINT / TENCENT_TRRO_ENDPOINT。",
    ),
    "InvalidParameter": (
        "Tencent Cloud found a parameter invalid (see its message). Check the stream names, times and [providers.tencent] domain.",
        "腾讯云认为参数有误（见原始信息）。请检查流名称、时间和 [providers.tencent] 的 domain。",
    ),
    "InvalidParameterValue": (
        "A value is not accepted by Tencent Cloud (see its message). Correct it and try again.",
        "腾讯云不接受某个参数值（见原始信息）。请修改后再试。",
    ),
    "InvalidRequest": (
        "Tencent Cloud could not read the request. This is a bot bug: report it with the RequestId.",
        "腾讯云无法解析请求。这是机器人的问题：请带上 RequestId 反馈。",
    ),
    "IpInBlacklist": (
        "The bot's IP address is blacklisted by Tencent Cloud. Contact Tencent Cloud support.",
        "机器人的 IP 地址被腾讯云列入黑名单。请联系腾讯云技术支持。",
    ),
    "IpNotInWhitelist": (
        "The bot's IP address is not on the key's allow-list. Ask an administrator to add it in CAM.",
        "机器人的 IP 地址不在该密钥的白名单中。请管理员在访问管理中添加。",
    ),
    "LimitExceeded": (
        "A Tencent Cloud quota was reached. Stop unused tasks or raise the quota, then try again.",
        "达到了腾讯云的配额上限。请停止不用的任务或提升配额后再试。",
    ),
    "LimitExceeded.MaximumRunningTask": (
        "Too many recording tasks are running at once on Tencent Cloud. Stop one, or wait for one to end, then try again.",
        "腾讯云上同时运行的录制任务过多。请停止一个或等其结束后再试。",
    ),
    "MissingParameter": (
        "A required parameter was missing. This is a bot bug: report it with the RequestId.",
        "缺少必填参数。这是机器人的问题：请带上 RequestId 反馈。",
    ),
    "NoSuchProduct": (
        "Tencent Cloud does not know this product at this endpoint. Check the endpoint settings.",
        "腾讯云在该地址下找不到此产品。请检查接口地址配置。",
    ),
    "NoSuchVersion": (
        "Tencent Cloud does not offer this API version. Report it: the bot needs an update.",
        "腾讯云不提供该接口版本。请反馈：机器人需要更新。",
    ),
    "RequestLimitExceeded": (
        "Too many requests to Tencent Cloud at once (rate limit). " + _RETRY[0],
        "对腾讯云的请求过于频繁（限流）。" + _RETRY[1],
    ),
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded": (
        "The account made too many requests across regions (rate limit). " + _RETRY[0],
        "该账号跨地域请求过于频繁（限流）。" + _RETRY[1],
    ),
    "RequestLimitExceeded.IPLimitExceeded": (
        "Too many requests from the bot's IP address (rate limit). " + _RETRY[0],
        "来自机器人 IP 的请求过于频繁（限流）。" + _RETRY[1],
    ),
    "RequestLimitExceeded.UinLimitExceeded": (
        "The account made too many requests (rate limit). " + _RETRY[0],
        "该账号请求过于频繁（限流）。" + _RETRY[1],
    ),
    "RequestSizeLimitExceeded": (
        "The request was too large for Tencent Cloud. Report it with the RequestId.",
        "请求内容过大。请带上 RequestId 反馈。",
    ),
    "ResourceInUse": (
        "The resource is in use (for example a task already exists). Check the console.",
        "资源正在使用中（例如任务已存在）。请在控制台确认。",
    ),
    "ResourceInsufficient": (
        "Tencent Cloud lacks resources for this right now. " + _RETRY[0],
        "腾讯云当前资源不足。" + _RETRY[1],
    ),
    "ResourceNotFound": (
        "Tencent Cloud could not find the resource (domain, task or device). Check the names; for a cancel, the task may already be gone.",
        "腾讯云找不到对应资源（域名、任务或设备）。请检查名称；如果是取消操作，任务可能已不存在。",
    ),
    "ResourceNotFound.ForbidService": (
        "The Tencent Cloud Live service is blocked for this account. Contact Tencent Cloud support.",
        "该账号的腾讯云直播服务已被封禁。请联系腾讯云技术支持。",
    ),
    "ResourceNotFound.FreezeService": (
        "The Tencent Cloud Live service is suspended for this account. Check the account status in the console.",
        "该账号的腾讯云直播服务已被冻结。请在控制台检查账号状态。",
    ),
    "ResourceNotFound.StopService": (
        "Tencent Cloud Live is suspended because the account is in arrears: top up in the Tencent Cloud console, then try again.",
        "账号欠费，腾讯云直播服务已停用：请在腾讯云控制台充值后再试。",
    ),
    "ResourceNotFound.UserDisableService": (
        "Tencent Cloud Live was disabled on this account. Re-enable it in the console.",
        "该账号已停用腾讯云直播服务。请在控制台重新开通。",
    ),
    "ResourceUnavailable": (
        "The resource is not available right now. Check its state in the console.",
        "资源当前不可用。请在控制台检查其状态。",
    ),
    "ResourceUnavailable.InvalidVodStatus": (
        "Recording needs Tencent Cloud VOD, which is not enabled: enable VOD in the console, then try again.",
        "录制需要腾讯云点播（VOD），但尚未开通：请在控制台开通点播后再试。",
    ),
    "ResponseSizeLimitExceeded": (
        "The answer was too large. Report it with the RequestId.",
        "返回内容过大。请带上 RequestId 反馈。",
    ),
    "ServiceUnavailable": (
        "Tencent Cloud is temporarily unavailable; the task may or may not exist. Check the console before trying again.",
        "腾讯云服务暂时不可用，任务可能已创建也可能没有。请先在控制台确认再重试。",
    ),
    "UnauthorizedOperation": (
        "The Tencent Cloud key may not do this. Ask an administrator to grant the permission in CAM.",
        "该腾讯云密钥无权执行此操作。请管理员在访问管理中授权。",
    ),
    "UnknownParameter": (
        "Tencent Cloud does not know a parameter the bot sent. Report it: the bot needs an update.",
        "腾讯云不认识机器人发送的某个参数。请反馈：机器人需要更新。",
    ),
    "UnsupportedOperation": (
        "Tencent Cloud does not support this operation for this stream or account (see its message).",
        "腾讯云不支持对该流或账号执行此操作（见原始信息）。",
    ),
    "UnsupportedProtocol": (
        "Tencent Cloud requires HTTPS. Check that the endpoint setting starts with https://.",
        "腾讯云要求使用 HTTPS。请检查接口地址是否以 https:// 开头。",
    ),
    "UnsupportedRegion": (
        "This API is not offered in the chosen region. Use a supported region, e.g. ap-guangzhou.",
        "所选地域不支持该接口。请使用支持的地域，例如 ap-guangzhou。",
    ),
    "OperationDenied": (
        "TRRO refused the operation (see its message). Check the project, device and storage settings.",
        "TRRO 拒绝了该操作（见原始信息）。请检查项目、设备和存储配置。",
    ),
    "OperationDenied.LicensesNotEnoughError": (
        "The TRRO project has no licences left for recording. Add licences in the TRRO console, then try again.",
        "TRRO 项目的录制授权（License）不足。请在 TRRO 控制台增加授权后再试。",
    ),
}

_QCLOUD: dict[str, tuple[str, str]] = {
    "SignInvalid": (
        "The legacy LVB API rejected the signature. Ask an administrator to check QCLOUD_LIVE_API_KEY.",
        "旧版直播接口拒绝了签名。请管理员检查 QCLOUD_LIVE_API_KEY。",
    ),
    "TimeExpired": (
        "The legacy LVB API says the signature expired: the bot's clock is probably wrong. Ask an administrator to sync the server clock.",
        "旧版直播接口提示签名已过期：机器人服务器时钟可能不准。请管理员同步服务器时间。",
    ),
    "AppidInvalid": (
        "The legacy LVB API does not know this APPID. Ask an administrator to check QCLOUD_LIVE_APPID.",
        "旧版直播接口不认识该 APPID。请管理员检查 QCLOUD_LIVE_APPID。",
    ),
    "1201": (
        "The legacy LVB API had an internal error; the task may or may not exist. Check the console before trying again.",
        "旧版直播接口内部错误，任务可能已创建也可能没有。请先在控制台确认再重试。",
    ),
    "1202": (
        "The legacy LVB API refused the request as invalid or too frequent. Wait a minute, check the channel id, then try again.",
        "旧版直播接口认为请求无效或过于频繁。请稍等一分钟并检查频道 ID 后再试。",
    ),
    "1204": (
        "The legacy LVB API found a parameter invalid (see its message). Check the channel id, times and format.",
        "旧版直播接口认为参数无效（见原始信息）。请检查频道 ID、时间和格式。",
    ),
}

_ANY: dict[str, tuple[str, str]] = {
    "Timeout": (
        "{p} did not answer in time; the task may or may not exist. Check the {p} console before trying again.",
        "{p} 没有及时响应，任务可能已创建也可能没有。请先在{p}控制台确认再重试。",
    ),
    "ConnectionFailed": (
        "The bot could not reach {p} (connection refused, reset or unreachable). "
        + _RETRY[0]
        + " If it keeps failing, an administrator should check the network and the endpoint setting.",
        "机器人无法连接到{p}（连接被拒绝、重置或不可达）。"
        + _RETRY[1]
        + "如果一直失败，请管理员检查网络和接口地址配置。",
    ),
    "BadResponse": (
        "{p} answered with something that is not a valid API answer (for example an HTML page from a proxy). Check the {p} console before trying again.",
        "{p} 返回的不是有效的接口响应（例如代理返回的 HTML 页面）。请先在{p}控制台确认再重试。",
    ),
    "HttpError": (
        "{p} answered with an HTTP error and no API error code. " + _SUPPORT[0],
        "{p} 返回了 HTTP 错误，但没有接口错误码。" + _SUPPORT[1],
    ),
}

_FAMILIES = {"volc": _VOLC, "tencent": _TENCENT, "qcloud": _QCLOUD, "any": _ANY}


def _build() -> dict[str, dict[str, str]]:
    text: dict[str, dict[str, str]] = {}
    for family, codes in _FAMILIES.items():
        for code, (en, zh) in codes.items():
            text[f"provider.code.{family}.{code}"] = {"en": en, "zh-CN": zh}
    return text


TEXT: dict[str, dict[str, str]] = _build()
