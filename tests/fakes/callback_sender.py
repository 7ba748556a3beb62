"""The providers' side of callbacks: bodies shaped the way Tencent, Volcengine, TRRO and the legacy LVB send them,
signed with the configured key (or wrongly, or expired, or not at all), posted to the bot and retried the way each
provider retries (on anything but a 200), sometimes duplicated, sometimes late, sometimes for streams nobody asked for.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

#: How many times each provider tries a delivery that did not get a 200 (first try included).
TRIES = {"tencent": 4, "qcloud": 4, "volc": 4, "trro": 3}


@dataclass
class Delivery:
    """What the bot answered to each try of one callback."""

    statuses: list[int] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    @property
    def status(self) -> int:
        return self.statuses[-1]


class CallbackSender:
    """Posts provider callbacks to ``base_url/callbacks/<provider>``. ``keys``: each provider's callback key."""

    def __init__(self, base_url: str, keys: dict[str, str]) -> None:
        self.base_url = base_url
        self.keys = keys

    # --- signing ------------------------------------------------------------------------------------------------

    def signed(
        self, provider: str, body: dict[str, Any], *, expires_in: int = 600, key: str | None = None
    ) -> dict[str, Any]:
        """``body`` with ``t`` (an expiry) and ``sign = md5(key + t)`` (Tencent, legacy LVB, Volcengine)."""
        t = int(time.time()) + expires_in
        secret = self.keys[provider] if key is None else key
        sign = hashlib.md5((secret + str(t)).encode(), usedforsecurity=False).hexdigest()
        if provider == "volc" and isinstance(body.get("data"), dict):
            return {**body, "data": {**body["data"], "t": t, "sign": sign}}
        return {**body, "t": t, "sign": sign}

    def trro_headers(self, raw: bytes, *, key: str | None = None) -> dict[str, str]:
        secret = self.keys["trro"] if key is None else key
        sign = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
        return {"Sign": sign}

    # --- bodies ---------------------------------------------------------------------------------------------------

    @staticmethod
    def tencent_file(
        *,
        task_id: str | None,
        domain: str,
        app: str,
        stream: str,
        file_id: str,
        url: str,
        start: int,
        end: int,
        size: int | None = 10_485_760,
        file_format: str = "mp4",
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "event_type": 100, "appid": 1250000000, "app": domain, "appname": app, "stream_id": stream,
            "channel_id": stream, "file_id": file_id, "record_file_id": file_id, "file_format": file_format,
            "start_time": start, "end_time": end, "duration": end - start, "video_url": url, "video_id": file_id,
            "record_temp_id": 0, "media_start_time": 0,
        }  # fmt: skip
        if size is not None:
            body["file_size"] = size
        if task_id is not None:
            body["task_id"] = task_id
        return body

    @staticmethod
    def tencent_status(
        *, session_id: str, record_event: str, domain: str, app: str, stream: str, at: int
    ) -> dict[str, Any]:
        return {
            "event_type": 332, "record_event": record_event, "session_id": session_id, "app": domain,
            "appname": app, "stream_id": stream, "event_time": at, "record_detail": {"start_model": 5},
        }  # fmt: skip

    @staticmethod
    def volc_record(*, vhost: str, app: str, stream: str, event_type: str, detail: dict[str, Any]) -> dict[str, Any]:
        data = {
            "vhost": vhost,
            "domain": vhost,
            "app": app,
            "stream": stream,
            "event_type": event_type,
            "detail": detail,
        }
        return {"code": 0, "message": "", "data": data}

    @staticmethod
    def trro_event(*, event_type: int, task_id: str, at_ms: int, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "EventGroupId": 3, "EventType": event_type, "CallbackTs": at_ms,
            "EventInfo": {"RoomId": "dev1", "EventTs": at_ms // 1000, "EventMsTs": at_ms, "UserId": "rec",
                          "TaskId": task_id, "Payload": payload},
        }  # fmt: skip

    # --- delivery ---------------------------------------------------------------------------------------------

    def post(self, provider: str, raw: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        """One try."""
        return httpx.post(
            f"{self.base_url}/callbacks/{provider}", content=raw,
            headers={"Content-Type": "application/json", **(headers or {})}, timeout=20,
        )  # fmt: skip

    def deliver(
        self, provider: str, body: dict[str, Any], *, base_url: str | None = None, headers: dict[str, str] | None = None
    ) -> Delivery:
        """Deliver like the provider: retried until it gets a 200, at most :data:`TRIES` times (no waiting)."""
        raw = json.dumps(body).encode()
        if provider == "trro" and headers is None:
            headers = self.trro_headers(raw)
        delivery = Delivery()
        sender = self if base_url is None else CallbackSender(base_url, self.keys)
        for _ in range(TRIES[provider]):
            response = sender.post(provider, raw, headers)
            delivery.statuses.append(response.status_code)
            delivery.bodies.append(response.content)
            if response.status_code == 200:
                break
        return delivery
