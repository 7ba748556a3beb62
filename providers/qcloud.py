"""Tencent legacy LVB: ``Live_Tape_Start`` / ``Live_Tape_Stop`` through ``common_access`` (an "API 2.0" interface).

``GET common_access?appid=..&interface=..&Param.s.*=..&t=<expiry>&sign=md5(key + t)``. Times are China Standard Time
``YYYY-MM-DD HH:MM:SS`` whatever the requester's zone. A window that starts now uses real-time recording
(``task_sub_type`` 1, at most 30 minutes); a later one is scheduled (at most one day). The answer is
``{"ret", "message", "output"}``. There is no look-up, and the documentation warns that retries within 3 s can
duplicate tasks: a create whose outcome is unclear is reported as unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from bot.core.model import ChannelTarget, TaskRequest
from bot.errors import ProviderError, Retry
from bot.provider_info import BY_KEY
from providers.base import PlannedCall, TaskResult, TaskStatus
from providers.checks import Problems, starts_now
from providers.config import QCLOUD_FORMATS, QcloudSettings
from providers.files import FoundFile
from providers.ratelimit import RateLimits
from providers.signing import Clock, LegacyMd5Signer
from providers.transport import (
    ApiClient,
    ErrorPolicy,
    Reply,
    create_without_duplicates,
    lookup_inconclusive,
    new_http_client,
    planned_call,
    read_json,
    sign_for_plan,
)

CHINA = ZoneInfo("Asia/Shanghai")
REALTIME_MAX = timedelta(minutes=30)
SCHEDULED_MAX = timedelta(days=1)

POLICY = ErrorPolicy(
    rate_limited=frozenset(),
    expired_signature=frozenset({"TimeExpired"}),
    maybe_acted=frozenset({"1201"}),
    min_retry_delay=3.0,
)

# The legacy API says what went wrong in ``message``; these get stable codes of their own.
_MESSAGE_CODES = (
    ("sign invalid", "SignInvalid"),
    ("time expired", "TimeExpired"),
    ("appid is invalid", "AppidInvalid"),
)


def china_time(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in China Standard Time."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def parse_response(response: httpx.Response, action: str) -> Reply:
    """``output`` of a legacy answer, or a :class:`ProviderError` (code from ``message``, else ``ret``)."""
    data = read_json(response, "qcloud", action, POLICY)
    ret = data.get("ret")
    message = str(data.get("message") or "")
    if not isinstance(ret, int) or isinstance(ret, bool):
        raise ProviderError("qcloud", "BadResponse", "the answer has no numeric ret", None, action=action,
                            http_status=response.status_code, retry=Retry.AFTER_LOOKUP)  # fmt: skip
    if ret != 0:
        lowered = message.lower()
        code = next((c for text, c in _MESSAGE_CODES if text in lowered), str(ret))
        raise ProviderError("qcloud", code, message, None, action=action, http_status=response.status_code,
                            retry=POLICY.retry_for(code), details={"ret": ret})  # fmt: skip
    output = data.get("output")
    return Reply(output if isinstance(output, dict) else {}, None)


class QcloudProvider:
    """Tencent legacy LVB recording of a channel."""

    key = "qcloud"
    keeps_window = BY_KEY["qcloud"].keeps_window
    can_look_up = BY_KEY["qcloud"].can_look_up
    can_report_status = False

    def __init__(
        self,
        settings: QcloudSettings,
        *,
        limits: RateLimits,
        transport: httpx.BaseTransport | None = None,
        clock: Clock,
        sleep: Callable[[float], None],
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.signer = LegacyMd5Signer(settings.api_key, clock=clock)
        http = new_http_client(settings.timeout_seconds, self.signer, transport)
        secrets = (settings.api_key.reveal(),)
        self.api = ApiClient(self.key, http, parse_response, POLICY, limits, secrets=secrets, sleep=sleep)

    def _request(self, interface: str, params: list[tuple[str, str]]) -> httpx.Request:
        query: list[tuple[str, str | int | float | bool | None]] = [
            ("appid", self.settings.appid),
            ("interface", interface),
            *params,
        ]
        return self.api.http.build_request("GET", self.settings.endpoint, params=query)

    def _format(self, request: TaskRequest) -> str:
        return request.options.format or ("aac" if request.options.audio_only else self.settings.file_format)

    def _start_params(self, request: TaskRequest, now: datetime) -> list[tuple[str, str]]:
        target, window = request.target, request.window
        assert isinstance(target, ChannelTarget) and window is not None  # validated
        realtime = starts_now(request, now)
        params = [
            ("Param.s.channel_id", target.channel_id),
            ("Param.s.start_time", china_time(now if realtime else window.start)),
            ("Param.s.end_time", china_time(window.end)),
            ("Param.n.task_sub_type", "1" if realtime else "0"),
            ("Param.s.file_format", self._format(request)),
        ]
        if request.options.audio_only:
            params.append(("Param.s.record_type", "audio"))
        return params

    def validate(self, request: TaskRequest, now: datetime) -> None:
        problems = Problems(self.key)
        problems.kind(request, ("record",))
        problems.channel_target(request.target)
        problems.unsupported_options(request, {"format", "audio_only"})
        file_format = self._format(request)
        if file_format not in QCLOUD_FORMATS:
            problems.add("check.format", format=file_format, formats=", ".join(QCLOUD_FORMATS), provider=self.key)
        elif file_format == "aac" and not request.options.audio_only:
            problems.add("check.aac_needs_audio")
        window = request.window
        if problems.window_ahead(request, now) and window is not None:
            if starts_now(request, now):
                problems.at_most(window.end - now, REALTIME_MAX, "realtime")
            else:
                problems.at_most(window.duration, SCHEDULED_MAX, "record")
        problems.raise_if_any()

    def plan(self, request: TaskRequest, now: datetime) -> list[PlannedCall]:
        self.validate(request, now)
        http_request = self._request("Live_Tape_Start", self._start_params(request, now))
        signed = sign_for_plan(self.signer.with_clock(lambda: now), http_request)
        return [planned_call(self.key, "Live_Tape_Start", signed)]

    def create(self, request: TaskRequest) -> TaskResult:
        now = self.clock()
        self.validate(request, now)
        params = self._start_params(request, now)

        def send() -> TaskResult:
            reply = self.api.call("Live_Tape_Start", self._request("Live_Tape_Start", params))
            task_id = reply.data.get("task_id")
            if isinstance(task_id, bool) or not isinstance(task_id, int | str) or str(task_id) in ("", "0"):
                raise ProviderError("qcloud", "BadResponse", "the answer has no output.task_id", None,
                                    action="Live_Tape_Start", retry=Retry.AFTER_LOOKUP)  # fmt: skip
            return TaskResult(self.key, "Live_Tape_Start", str(task_id), None)

        return create_without_duplicates(self.key, "Live_Tape_Start", send, None)

    def cancel(self, request: TaskRequest, task_id: str) -> TaskResult:
        target = request.target
        channel = target.channel_id if isinstance(target, ChannelTarget) else target.label()
        params = [("Param.s.channel_id", channel), ("Param.n.task_id", task_id)]
        reply = self.api.call("Live_Tape_Stop", self._request("Live_Tape_Stop", params))
        return TaskResult(self.key, "Live_Tape_Stop", task_id, reply.request_id)

    def tasks_per_stream(self, request: TaskRequest) -> int | None:
        """No documented cap."""
        return None

    def can_extend_in_place(self, request: TaskRequest) -> bool:
        """No call changes a created task: an extension is a follow-on task (or, kept by the bot, a moved stop)."""
        return False

    def extend_in_place(self, request: TaskRequest, task_id: str) -> TaskResult:
        raise ProviderError(self.key, "UnsupportedOperation", "tasks cannot be changed in place", action="extend")

    def find(self, request: TaskRequest) -> str | None:
        return None  # the legacy API has no look-up

    def status(self, request: TaskRequest, task_id: str) -> TaskStatus:
        raise lookup_inconclusive(self.key, "status", "this provider cannot report a task's status")

    def recorded_files(self, request: TaskRequest, since: datetime, until: datetime) -> list[FoundFile]:
        """``Live_Tape_GetFilelist`` for the request's channel (China time, one day at most per call; its docs ask
        for few calls: the bot calls it once after the end, then backs off)."""
        target = request.target
        if not isinstance(target, ChannelTarget):
            return []
        since = max(since, until - timedelta(days=1))
        params = [("Param.s.channel_id", target.channel_id), ("Param.n.page_no", "1"), ("Param.n.page_size", "100"),
                  ("Param.s.start_time", china_time(since)), ("Param.s.end_time", china_time(until))]  # fmt: skip
        reply = self.api.call("Live_Tape_GetFilelist", self._request("Live_Tape_GetFilelist", params))
        listed = reply.data.get("file_list")
        found = []
        for item in listed if isinstance(listed, list) else []:
            if not isinstance(item, dict) or not (item.get("file_id") or item.get("record_file_url")):
                continue
            started, ended = _china_moment(item.get("start_time")), _china_moment(item.get("end_time"))
            url = str(item.get("record_file_url") or "") or None
            found.append(FoundFile(
                key=str(item.get("file_id") or url), url=url, started_at=started, ended_at=ended,
                duration_seconds=(ended - started).total_seconds() if started and ended and ended > started else None,
                format=url.rsplit(".", 1)[-1].lower() if url and "." in url.rsplit("/", 1)[-1] else None,
            ))  # fmt: skip
        return found

    def close(self) -> None:
        self.api.close()


def _china_moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        return None
