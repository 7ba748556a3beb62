"""Tencent TRRO cloud recording: ``CreateCloudRecording`` / ``DeleteCloudRecording`` (Version 2022-03-25).

TRRO starts recording at once and has no start or end time, so the bot keeps the window itself
(``keeps_window = False``): its scheduler calls :meth:`TrroProvider.create` at the start and
:meth:`TrroProvider.cancel` at the end. :meth:`TrroProvider.plan` shows both calls with their ``send_at``.
The request carries the storage keys, so a dry run masks them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.core.model import DeviceTarget, TaskRequest
from bot.errors import ProviderError
from bot.provider_info import BY_KEY
from bot.secret import MASK
from providers.base import PlannedCall, TaskResult, TaskStatus
from providers.checks import Problems, minutes, starts_now
from providers.config import TrroSettings
from providers.ratelimit import RateLimits
from providers.signing import Clock, TC3Signer
from providers.tencent import POLICY, tc3_parser, tc3_request  # API 3.0: the same common error codes
from providers.transport import (
    ApiClient,
    create_without_duplicates,
    lookup_inconclusive,
    new_http_client,
    planned_call,
    sign_for_plan,
    task_id_of,
)

VERSION = "2022-03-25"
OUTPUT_FORMATS = {"hls": 0, "mp4": 3, "aac": 4}
SPLIT_RANGE = (timedelta(minutes=1), timedelta(minutes=1440))
IDLE_RANGE = (timedelta(seconds=5), timedelta(seconds=86400))
TASK_ID_PLACEHOLDER = "<TaskId from CreateCloudRecording>"


class TrroProvider:
    """Tencent TRRO device recording to object storage."""

    key = "trro"
    keeps_window = BY_KEY["trro"].keeps_window
    can_look_up = BY_KEY["trro"].can_look_up
    can_report_status = False

    def __init__(
        self,
        settings: TrroSettings,
        *,
        limits: RateLimits,
        transport: httpx.BaseTransport | None = None,
        clock: Clock,
        sleep: Callable[[float], None],
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.signer = TC3Signer(settings.secret_id, settings.secret_key, service="trro", clock=clock)
        http = new_http_client(settings.timeout_seconds, self.signer, transport)
        storage = settings.storage
        secrets = (settings.secret_key.reveal(), storage.access_key.reveal(), storage.secret_key.reveal())
        self.api = ApiClient(self.key, http, tc3_parser(self.key, POLICY), POLICY, limits, secrets=secrets, sleep=sleep)

    def _region(self, request: TaskRequest) -> str | None:
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

    def _output_format(self, request: TaskRequest) -> int | None:
        name = request.options.format or ("aac" if request.options.audio_only else None)
        return None if name is None else OUTPUT_FORMATS.get(name, -1)

    def _create_payload(self, request: TaskRequest, *, masked: bool = False) -> dict[str, Any]:
        target = request.target
        assert isinstance(target, DeviceTarget)  # validated
        storage = self.settings.storage
        payload: dict[str, Any] = {
            "ProjectId": self.settings.project_id,
            "DeviceId": target.device,
            "VideoStreamId": target.video_stream_id,
            "CloudStorage": {
                "Vendor": storage.vendor,
                "Region": storage.region,
                "Bucket": storage.bucket,
                "AccessKey": MASK if masked else storage.access_key.reveal(),
                "SecretKey": MASK if masked else storage.secret_key.reveal(),
                "FileNamePrefix": list(storage.file_name_prefix),
            },
        }
        output_format = self._output_format(request)
        if output_format is not None:
            payload["OutputFormat"] = output_format
        if request.options.split is not None:
            payload["MaxMediaFileDuration"] = int(request.options.split.total_seconds() // 60)
        if request.options.idle is not None:
            payload["MaxIdleTime"] = int(request.options.idle.total_seconds())
        return payload

    def validate(self, request: TaskRequest, now: datetime) -> None:
        problems = Problems(self.key)
        problems.kind(request, ("record",))
        problems.device_target(request.target)
        problems.unsupported_options(request, {"format", "audio_only", "region", "split", "idle"})
        options = request.options
        if self._output_format(request) == -1:
            problems.add("check.format", format=options.format, formats=", ".join(OUTPUT_FORMATS), provider=self.key)
        elif options.audio_only and options.format not in (None, "aac"):
            problems.add("check.audio_format", format=options.format, provider=self.key)
        split = options.split
        if split is not None and (not SPLIT_RANGE[0] <= split <= SPLIT_RANGE[1] or split.total_seconds() % 60):
            problems.add("check.split_range", value=minutes(split))
        if options.idle is not None and not IDLE_RANGE[0] <= options.idle <= IDLE_RANGE[1]:
            problems.add("check.idle_range", value=str(int(options.idle.total_seconds())))
        problems.window_ahead(request, now)
        problems.raise_if_any()

    def plan(self, request: TaskRequest, now: datetime) -> list[PlannedCall]:
        """Create at the window's start (at once when it starts now), delete at its end."""
        self.validate(request, now)
        window = request.window
        assert window is not None
        signer = self.signer.with_clock(lambda: now)
        create = sign_for_plan(signer, self._request(request, "CreateCloudRecording", self._create_payload(request)))
        delete_payload = {"TaskId": TASK_ID_PLACEHOLDER}
        delete = sign_for_plan(signer, self._request(request, "DeleteCloudRecording", delete_payload))
        masked = json.dumps(self._create_payload(request, masked=True))
        return [
            planned_call(
                self.key,
                "CreateCloudRecording",
                create,
                send_at=None if starts_now(request, now) else window.start,
                masked_body=masked,
            ),
            planned_call(self.key, "DeleteCloudRecording", delete, send_at=window.end),
        ]

    def create(self, request: TaskRequest) -> TaskResult:
        """Start recording now (the scheduler calls this at the window's start)."""
        self.validate(request, self.clock())
        payload = self._create_payload(request)

        def send() -> TaskResult:
            reply = self.api.call("CreateCloudRecording", self._request(request, "CreateCloudRecording", payload))
            task_id = task_id_of(self.key, reply, "CreateCloudRecording")
            return TaskResult(self.key, "CreateCloudRecording", task_id, reply.request_id)

        return create_without_duplicates(self.key, "CreateCloudRecording", send, None)

    def cancel(self, request: TaskRequest, task_id: str) -> TaskResult:
        reply = self.api.call(
            "DeleteCloudRecording", self._request(request, "DeleteCloudRecording", {"TaskId": task_id})
        )
        return TaskResult(self.key, "DeleteCloudRecording", task_id, reply.request_id)

    def tasks_per_stream(self, request: TaskRequest) -> int | None:
        """No documented cap."""
        return None

    def can_extend_in_place(self, request: TaskRequest) -> bool:
        """No call changes a created task: an extension is a follow-on task (or, kept by the bot, a moved stop)."""
        return False

    def extend_in_place(self, request: TaskRequest, task_id: str) -> TaskResult:
        raise ProviderError(self.key, "UnsupportedOperation", "tasks cannot be changed in place", action="extend")

    def find(self, request: TaskRequest) -> str | None:
        return None  # TRRO has no look-up of cloud recordings

    def status(self, request: TaskRequest, task_id: str) -> TaskStatus:
        raise lookup_inconclusive(self.key, "status", "this provider cannot report a task's status")

    def close(self) -> None:
        self.api.close()
