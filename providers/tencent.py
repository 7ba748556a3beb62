"""Tencent Cloud Live (CSS): ``CreateRecordTask`` / ``StopRecordTask`` / ``DescribeRecordTask`` (Version 2018-08-01).

Calls are ``POST /`` with a JSON body and ``X-TC-*`` headers, signed with :class:`~providers.signing.TC3Signer`.
Errors sit in ``Response.Error`` (normally with HTTP 200). Times are UNIX seconds. The API 3.0 helpers here
(:func:`tc3_parser`, :func:`tc3_request`) are shared with :mod:`providers.trro`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.core.model import StreamTarget, TaskRequest
from bot.errors import ProviderError, Retry
from bot.provider_info import BY_KEY
from providers.base import PlannedCall, TaskResult, TaskStatus
from providers.checks import Problems, starts_now
from providers.config import TENCENT_REGIONS, TencentSettings
from providers.ratelimit import RateLimits
from providers.signing import Clock, TC3Signer
from providers.transport import (
    ApiClient,
    ErrorPolicy,
    Parser,
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

VERSION = "2018-08-01"
MAX_AHEAD = timedelta(days=7)  # EndTime < now + 7 days
MAX_START_AHEAD = timedelta(days=6)
MAX_SPAN = timedelta(hours=24)
TASKS_PER_STREAM = 3
LOOKUP_PAGES = 5

POLICY = ErrorPolicy(
    rate_limited=frozenset({"RequestLimitExceeded"}),
    expired_signature=frozenset({"AuthFailure.SignatureExpire"}),
    maybe_acted=frozenset({"InternalError", "ServiceUnavailable"}),
)


def tc3_parser(provider: str, policy: ErrorPolicy) -> Parser:
    """A parser for Tencent Cloud API 3.0 answers: ``Response`` on success, ``Response.Error`` on failure."""

    def parse(response: httpx.Response, action: str) -> Reply:
        data = read_json(response, provider, action, policy)
        body = data.get("Response")
        status = response.status_code
        if not isinstance(body, dict):
            code = "HttpError" if status >= 400 else "BadResponse"
            retry = policy.retry_for(code, status) if status >= 400 else Retry.AFTER_LOOKUP
            raise ProviderError(
                provider,
                code,
                "the answer has no Response object",
                None,
                action=action,
                http_status=status,
                retry=retry,
            )
        request_id = body.get("RequestId") if isinstance(body.get("RequestId"), str) else None
        raise_for_error(provider, action, policy, status, error=body.get("Error"), request_id=request_id)
        return Reply(body, request_id)

    return parse


def tc3_request(
    http: httpx.Client, endpoint: str, action: str, *, version: str, region: str | None, payload: dict[str, Any]
) -> httpx.Request:
    """An unsigned API 3.0 request (the client's :class:`TC3Signer` adds timestamp and signature)."""
    headers = {"Content-Type": "application/json", "X-TC-Action": action, "X-TC-Version": version}
    if region:
        headers["X-TC-Region"] = region
    return http.build_request("POST", endpoint + "/", content=json.dumps(payload).encode("utf-8"), headers=headers)


class TencentProvider:
    """Tencent Cloud Live scheduled recording."""

    key = "tencent"
    keeps_window = BY_KEY["tencent"].keeps_window
    can_look_up = BY_KEY["tencent"].can_look_up
    can_report_status = True

    def __init__(
        self,
        settings: TencentSettings,
        *,
        limits: RateLimits,
        transport: httpx.BaseTransport | None = None,
        clock: Clock,
        sleep: Callable[[float], None],
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.signer = TC3Signer(settings.secret_id, settings.secret_key, service="live", clock=clock)
        http = new_http_client(settings.timeout_seconds, self.signer, transport)
        parse = tc3_parser(self.key, POLICY)
        secrets = (settings.secret_key.reveal(),)
        self.api = ApiClient(self.key, http, parse, POLICY, limits, secrets=secrets, sleep=sleep)

    def _region(self, request: TaskRequest) -> str:
        return request.options.region or self.settings.region

    def config_request(self, action: str, payload: dict[str, Any]) -> httpx.Request:
        """A configuration call (e.g. registering callbacks) in the configured region."""
        return tc3_request(self.api.http, self.settings.endpoint, action, version=VERSION, region=self.settings.region,
                           payload=payload)  # fmt: skip

    def _request(self, request: TaskRequest, action: str, payload: dict[str, Any]) -> httpx.Request:
        return tc3_request(
            self.api.http,
            self.settings.endpoint,
            action,
            version=VERSION,
            region=self._region(request),
            payload=payload,
        )

    def _create_payload(self, request: TaskRequest, now: datetime) -> dict[str, Any]:
        target, window = request.target, request.window
        assert isinstance(target, StreamTarget) and window is not None  # validated
        payload: dict[str, Any] = {
            "StreamName": target.stream,
            "DomainName": self.settings.domain,
            "AppName": target.app,
            "EndTime": int(window.end.timestamp()),
        }
        if not starts_now(request, now):
            payload["StartTime"] = int(window.start.timestamp())  # absent means "now"
        template = request.options.template_id if request.options.template_id is not None else self.settings.template_id
        if template is not None:
            payload["TemplateId"] = template
        return payload

    def validate(self, request: TaskRequest, now: datetime) -> None:
        problems = Problems(self.key)
        problems.kind(request, ("record",))
        problems.stream_target(request.target)
        problems.unsupported_options(request, {"template_id", "region"})
        if request.options.template_id is not None and request.options.template_id < 0:
            problems.add("check.template_id", value=str(request.options.template_id))
        region = self._region(request)
        if region not in TENCENT_REGIONS:
            problems.add("check.region", region=region, regions=", ".join(TENCENT_REGIONS))
        window = request.window
        if problems.window_ahead(request, now) and window is not None:
            if window.end >= now + MAX_AHEAD:
                problems.add("check.end_too_far", limit="7 d", provider=self.key)
            if not starts_now(request, now) and window.start > now + MAX_START_AHEAD:
                problems.add("check.start_too_far", limit="6 d", provider=self.key)
            problems.at_most(window.end - max(window.start, now), MAX_SPAN, "record")
        problems.raise_if_any()

    def plan(self, request: TaskRequest, now: datetime) -> list[PlannedCall]:
        self.validate(request, now)
        http_request = self._request(request, "CreateRecordTask", self._create_payload(request, now))
        signed = sign_for_plan(self.signer.with_clock(lambda: now), http_request)
        return [planned_call(self.key, "CreateRecordTask", signed)]

    def create(self, request: TaskRequest) -> TaskResult:
        now = self.clock()
        self.validate(request, now)
        payload = self._create_payload(request, now)

        def send() -> TaskResult:
            reply = self.api.call("CreateRecordTask", self._request(request, "CreateRecordTask", payload))
            return TaskResult(
                self.key, "CreateRecordTask", task_id_of(self.key, reply, "CreateRecordTask"), reply.request_id
            )

        return create_without_duplicates(self.key, "CreateRecordTask", send, lambda: self.find(request))

    def cancel(self, request: TaskRequest, task_id: str) -> TaskResult:
        reply = self.api.call("StopRecordTask", self._request(request, "StopRecordTask", {"TaskId": task_id}))
        return TaskResult(self.key, "StopRecordTask", task_id, reply.request_id)

    def tasks_per_stream(self, request: TaskRequest) -> int | None:
        """At most 3 record tasks per stream."""
        return TASKS_PER_STREAM

    def can_extend_in_place(self, request: TaskRequest) -> bool:
        """No call changes a created task: an extension is a follow-on task (or, kept by the bot, a moved stop)."""
        return False

    def extend_in_place(self, request: TaskRequest, task_id: str) -> TaskResult:
        raise ProviderError(self.key, "UnsupportedOperation", "tasks cannot be changed in place", action="extend")

    def find(self, request: TaskRequest) -> str | None:
        target, window = request.target, request.window
        for task in self._described_tasks(request):
            if (
                isinstance(target, StreamTarget)
                and window is not None
                and (task.get("StreamName"), task.get("AppName")) == (target.stream, target.app)
                and task.get("EndTime") == int(window.end.timestamp())
                and task.get("TaskId")
            ):
                return str(task["TaskId"])
        return None

    def status(self, request: TaskRequest, task_id: str) -> TaskStatus:
        """From ``DescribeRecordTask``: ``Stopped`` = 1 → stopped; otherwise its window against now (Tencent gives no
        status field, so "never started" cannot be told)."""
        for task in self._described_tasks(request):
            if str(task.get("TaskId")) != task_id:
                continue
            window, now = request.window, self.clock()
            if task.get("Stopped") == 1:
                return TaskStatus.STOPPED
            if window is not None and now < window.start:
                return TaskStatus.WAITING
            return TaskStatus.RUNNING if window is not None and now < window.end else TaskStatus.ENDED
        return TaskStatus.GONE

    def _described_tasks(self, request: TaskRequest) -> Iterator[dict[str, Any]]:
        """Every task ``DescribeRecordTask`` lists for the request's stream around its window (all pages)."""
        target, window = request.target, request.window
        if not isinstance(target, StreamTarget) or window is None:
            raise lookup_inconclusive(
                self.key, "DescribeRecordTask", "only stream tasks with a window can be looked up"
            )
        end = int(window.end.timestamp()) + 600
        start = int(min(window.start, self.clock()).timestamp()) - 600
        start = max(start, end - int(MAX_AHEAD.total_seconds()) + 1)
        query: dict[str, Any] = {
            "StartTime": start,
            "EndTime": end,
            "StreamName": target.stream,
            "DomainName": self.settings.domain,
            "AppName": target.app,
        }
        for _ in range(LOOKUP_PAGES):
            reply = self.api.call("DescribeRecordTask", self._request(request, "DescribeRecordTask", query))
            tasks = reply.data.get("TaskList")
            yield from (task for task in (tasks if isinstance(tasks, list) else []) if isinstance(task, dict))
            token = reply.data.get("ScrollToken")
            if not token:
                return
            query["ScrollToken"] = token
        raise lookup_inconclusive(self.key, "DescribeRecordTask", f"more than {LOOKUP_PAGES} pages of tasks")

    def close(self) -> None:
        self.api.close()
