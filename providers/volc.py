"""Volcengine Live: recording (``CreatePullRecordTask``) and relay from source (``CreateRelaySourceV4``).

One provider key, ``volc``, serves both request kinds. Calls are ``POST /?Action=..&Version=2023-01-01`` with a JSON
body, signed with :class:`~providers.signing.VolcSigner`. Errors may arrive with HTTP 200 in
``ResponseMetadata.Error``. Record times are RFC 3339 with the window's own offset; relay times are UNIX seconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.core.model import StreamTarget, TaskRequest
from bot.core.sources import display_source
from bot.provider_info import BY_KEY
from providers.base import PlannedCall, TaskResult, TaskStatus
from providers.checks import Problems, starts_now
from providers.config import VolcSettings
from providers.files import FoundFile, seconds
from providers.ratelimit import RateLimits
from providers.signing import Clock, VolcSigner
from providers.transport import (
    ApiClient,
    ErrorPolicy,
    Reply,
    create_without_duplicates,
    lookup_inconclusive,
    new_http_client,
    planned_call,
    raise_for_error,
    read_json,
    sign_for_plan,
    task_id_of,
)

VERSION = "2023-01-01"
RELAY_MAX = timedelta(days=7)
RELAY_SCHEMES = ("rtmp", "rtmps", "http", "https", "srt")
RELAY_MAX_SOURCES = 10
#: Look-ups read at most this many pages of tasks.
LOOKUP_PAGES = 5

POLICY = ErrorPolicy(
    rate_limited=frozenset({"RequestLimitExceeded", "FlowLimitExceeded"}),
    expired_signature=frozenset({"InvalidTimestamp"}),
    maybe_acted=frozenset(
        {
            "CommonErr",
            "InternalError",
            "InternalServiceError",
            "InternalServiceTimeout",
            "ServiceUnavailableTemp",
            "FailToConnect",
        }
    ),
)


def parse_response(response: httpx.Response, action: str) -> Reply:
    """``Result`` of a Volcengine answer, or the :class:`ProviderError` in ``ResponseMetadata.Error``."""
    data = read_json(response, "volc", action, POLICY)
    meta = data.get("ResponseMetadata")
    meta = meta if isinstance(meta, dict) else {}
    request_id = meta.get("RequestId") if isinstance(meta.get("RequestId"), str) else None
    raise_for_error("volc", action, POLICY, response.status_code, error=meta.get("Error"), request_id=request_id)
    result = data.get("Result")
    return Reply(result if isinstance(result, dict) else {}, request_id)


def rfc3339(moment: datetime) -> str:
    """Second precision, keeping the moment's own offset (``2026-11-21T15:00:00+08:00``)."""
    return moment.replace(microsecond=0).isoformat()


#: ``ListPullRecordTask``'s status literals.
VOLC_STATUS = {
    "未开始": TaskStatus.WAITING,
    "生效中": TaskStatus.RUNNING,
    "已结束": TaskStatus.ENDED,
    "停用": TaskStatus.STOPPED,
}


class VolcProvider:
    """Volcengine Live record (kind ``record``) and relay (kind ``relay``)."""

    key = "volc"
    keeps_window = BY_KEY["volc"].keeps_window
    can_look_up = BY_KEY["volc"].can_look_up
    can_report_status = True

    def __init__(
        self,
        settings: VolcSettings,
        *,
        limits: RateLimits,
        transport: httpx.BaseTransport | None = None,
        clock: Clock,
        sleep: Callable[[float], None],
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.signer = VolcSigner(settings.access_key, settings.secret_key, clock=clock)
        http = new_http_client(settings.timeout_seconds, self.signer, transport)
        secrets = (settings.secret_key.reveal(),)
        self.api = ApiClient(self.key, http, parse_response, POLICY, limits, secrets=secrets, sleep=sleep)

    # --- requests ------------------------------------------------------------------------------------------------

    def config_request(self, action: str, payload: dict[str, Any]) -> httpx.Request:
        """A configuration call (e.g. registering callbacks)."""
        return self._request(action, payload)

    def _request(self, action: str, payload: dict[str, Any]) -> httpx.Request:
        return self.api.http.build_request(
            "POST",
            self.settings.endpoint + "/",
            params={"Action": action, "Version": VERSION},
            content=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )

    def _create_payload(self, request: TaskRequest, now: datetime) -> tuple[str, dict[str, Any]]:
        target = request.target
        assert isinstance(target, StreamTarget)  # validated
        window = request.window
        if request.kind == "relay":
            payload: dict[str, Any] = {
                "Domain": self.settings.domain,
                "App": target.app,
                "Stream": target.stream,
                "SrcAddrS": list(request.sources),
            }
            if window is not None:
                payload["StartTime"] = int(max(window.start, now).timestamp())
                payload["EndTime"] = int(window.end.timestamp())
            return "CreateRelaySourceV4", payload
        assert window is not None
        start = now.astimezone(window.start.tzinfo) if starts_now(request, now) else window.start
        return "CreatePullRecordTask", {
            "Vhost": self.settings.vhost,
            "Domain": self.settings.domain,
            "App": target.app,
            "Stream": target.stream,
            "StreamURL": self.settings.pull_url.format(app=target.app, stream=target.stream),
            "StartTime": rfc3339(start),
            "EndTime": rfc3339(window.end),
        }

    def _cancel_payload(self, request: TaskRequest, task_id: str) -> tuple[str, dict[str, Any]]:
        if request.kind == "relay":
            target = request.target
            assert isinstance(target, StreamTarget)
            return "DeleteRelaySourceV4", {"Domain": self.settings.domain, "App": target.app, "Stream": target.stream}
        return "StopPullRecordTask", {"TaskId": task_id}

    # --- the Provider interface ----------------------------------------------------------------------------------

    def validate(self, request: TaskRequest, now: datetime) -> None:
        problems = Problems(self.key)
        problems.kind(request, ("record", "relay"))
        problems.stream_target(request.target)
        problems.unsupported_options(request, set())
        if request.kind == "relay":
            self._check_relay(request, now, problems)
        else:
            if request.sources:
                problems.add("check.sources_unexpected")
            problems.window_ahead(request, now)
        problems.raise_if_any()

    def _check_relay(self, request: TaskRequest, now: datetime, problems: Problems) -> None:
        sources = request.sources
        if not 1 <= len(sources) <= RELAY_MAX_SOURCES:
            problems.add("check.relay_source_count", count=str(len(sources)), limit=str(RELAY_MAX_SOURCES))
        for url in sources:
            parts = urlsplit(url)
            if parts.scheme.lower() not in RELAY_SCHEMES or not parts.netloc:
                problems.add("check.relay_source_url", url=display_source(url))
        if request.window is not None and problems.window_ahead(request, now):
            problems.at_most(request.window.end - max(request.window.start, now), RELAY_MAX, "relay")

    def plan(self, request: TaskRequest, now: datetime) -> list[PlannedCall]:
        self.validate(request, now)
        action, payload = self._create_payload(request, now)
        signed = sign_for_plan(self.signer.with_clock(lambda: now), self._request(action, payload))
        return [planned_call(self.key, action, signed)]

    def create(self, request: TaskRequest) -> TaskResult:
        now = self.clock()
        self.validate(request, now)
        action, payload = self._create_payload(request, now)

        def send() -> TaskResult:
            reply = self.api.call(action, self._request(action, payload))
            return TaskResult(self.key, action, task_id_of(self.key, reply, action), reply.request_id)

        return create_without_duplicates(self.key, action, send, lambda: self.find(request))

    def cancel(self, request: TaskRequest, task_id: str) -> TaskResult:
        action, payload = self._cancel_payload(request, task_id)
        reply = self.api.call(action, self._request(action, payload))
        return TaskResult(self.key, action, task_id, reply.request_id)

    def tasks_per_stream(self, request: TaskRequest) -> int | None:
        """One record task per stream at a time; a relay is one configuration per stream."""
        return 1

    def can_extend_in_place(self, request: TaskRequest) -> bool:
        """A relay is one configuration per stream: ``UpdateRelaySourceV4`` changes its window in place."""
        return request.kind == "relay" and request.window is not None

    def extend_in_place(self, request: TaskRequest, task_id: str) -> TaskResult:
        now = self.clock()
        self.validate(request, now)
        _, payload = self._create_payload(request, now)
        action = "UpdateRelaySourceV4"
        reply = self.api.call(action, self._request(action, payload))
        return TaskResult(self.key, action, task_id, reply.request_id)

    def find(self, request: TaskRequest) -> str | None:
        target = request.target
        if not isinstance(target, StreamTarget):
            raise lookup_inconclusive(self.key, "find", "only stream tasks can be looked up")
        for item in self._list_tasks(request):
            same_stream = item.get("App") == target.app and item.get("Stream") == target.stream
            if same_stream and item.get("TaskId") and self._same_window(request, item):
                return str(item["TaskId"])
        return None

    def status(self, request: TaskRequest, task_id: str) -> TaskStatus:
        """From ``ListPullRecordTask``'s ``Status`` (未开始, 生效中, 已结束, 停用); a relay is there or gone."""
        target = request.target
        for item in self._list_tasks(request):
            if request.kind == "relay":
                if isinstance(target, StreamTarget) and (item.get("App"), item.get("Stream")) == (
                    target.app,
                    target.stream,
                ):
                    return TaskStatus.RUNNING
                continue
            if str(item.get("TaskId")) != task_id:
                continue
            said = VOLC_STATUS.get(str(item.get("Status")))
            if said is None:
                raise lookup_inconclusive(self.key, "ListPullRecordTask", "a task status this bot does not know")
            return said
        return TaskStatus.GONE

    def _list_tasks(self, request: TaskRequest) -> list[dict[str, Any]]:
        if request.kind == "relay":
            action, paging, size = "ListRelaySourceV4", ("Page", "Size"), 100
            base: dict[str, Any] = {"Domain": self.settings.domain}
        else:
            action, paging, size = "ListPullRecordTask", ("PageNum", "PageSize"), 500
            base = {}
        items: list[dict[str, Any]] = []
        for page in range(1, LOOKUP_PAGES + 1):
            reply = self.api.call(action, self._request(action, {**base, paging[0]: page, paging[1]: size}))
            batch = reply.data.get("List")
            if not isinstance(batch, list):
                raise lookup_inconclusive(self.key, action, "the task list has no List")
            items.extend(item for item in batch if isinstance(item, dict))
            total_pages = (reply.data.get("Pagination") or {}).get("PageTotal")
            if len(batch) < size or (isinstance(total_pages, int) and page >= total_pages):
                return items
        raise lookup_inconclusive(self.key, action, f"more than {LOOKUP_PAGES} pages of tasks")

    def _same_window(self, request: TaskRequest, item: dict[str, Any]) -> bool:
        window = request.window
        end = item.get("EndTime")
        if window is None:
            return end in (None, 0, "")
        try:
            if isinstance(end, int) or (isinstance(end, str) and end.isdigit()):
                return int(end) == int(window.end.timestamp())
            return isinstance(end, str) and datetime.fromisoformat(end.replace("Z", "+00:00")) == window.end.replace(
                microsecond=0
            )
        except ValueError:
            return False

    def recorded_files(self, request: TaskRequest, since: datetime, until: datetime) -> list[FoundFile]:
        """``DescribeRecordTaskFileHistory`` for the request's stream (bucket/path, no URL, no size)."""
        target = request.target
        if not isinstance(target, StreamTarget):
            return []
        action, found, size = "DescribeRecordTaskFileHistory", list[FoundFile](), 100
        base: dict[str, Any] = {"Vhost": self.settings.vhost, "App": target.app, "Stream": target.stream, "Type": "tos",
                "DateFrom": rfc3339(since), "DateTo": rfc3339(until), "PageSize": size}  # fmt: skip
        for page in range(1, LOOKUP_PAGES + 1):
            reply = self.api.call(action, self._request(action, {**base, "PageNum": page}))
            batch = reply.data.get("Data") or reply.data.get("List") or []
            if not isinstance(batch, list):
                raise lookup_inconclusive(self.key, action, "the file list is not a list")
            found.extend(_found_file(item) for item in batch if isinstance(item, dict) and item.get("Path"))
            if len(batch) < size:
                break
        return found

    def missed_callbacks(self, since: datetime, until: datetime) -> list[bytes]:
        """Record callbacks whose delivery failed between ``since`` and ``until`` (``DescribeLiveCallbackData``),
        as the bodies the provider tried to send. Field names of the answer are read tolerantly (unconfirmed)."""
        action, bodies, size = "DescribeLiveCallbackData", list[bytes](), 100
        base: dict[str, Any] = {"StartTime": rfc3339(since), "EndTime": rfc3339(until), "PageSize": size,
                                "CallbackEventType": "record_event", "CallbackStatus": "fail"}  # fmt: skip
        for page in range(1, LOOKUP_PAGES + 1):
            reply = self.api.call(action, self._request(action, {**base, "PageNum": page}))
            batch = reply.data.get("Data") or reply.data.get("List") or reply.data.get("CallbackDataList") or []
            if not isinstance(batch, list):
                raise lookup_inconclusive(self.key, action, "the callback list is not a list")
            for item in batch:
                body = item.get("CallbackBody") if isinstance(item, dict) else None
                if isinstance(body, str) and body:
                    bodies.append(body.encode("utf-8"))
            if len(batch) < size:
                break
        return bodies

    def close(self) -> None:
        self.api.close()


def _found_file(item: dict[str, Any]) -> FoundFile:
    def moment(*names: str) -> datetime | None:
        for name in names:
            value = item.get(name)
            if isinstance(value, str) and value:
                try:
                    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    continue
                return parsed if parsed.tzinfo else None
        return None

    bucket, path = str(item.get("Bucket") or ""), str(item["Path"])
    return FoundFile(
        key="/".join(str(item.get(k) or "-") for k in ("Vhost", "App", "Stream")) + "/" + path,
        bucket=bucket,
        path=path,
        started_at=moment("StartTimeUTC", "StartTime"),
        ended_at=moment("EndTimeUTC", "EndTime"),
        duration_seconds=seconds(item.get("Duration")),
        format=str(item.get("Format") or "") or None,
    )
