"""Fake Volcengine Live OpenAPI (record and relay), verifying V4 signatures with its own implementation."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qsl, quote

from tests.fakes.provider_server import TEST_CREDENTIALS, ApiError, FakeProviderServer, require

NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


class FakeVolc(FakeProviderServer):
    """Volcengine Live OpenAPI: Create/Stop/ListPullRecordTask and Create/Delete/ListRelaySourceV4, with the
    documented one record task per stream at a time and one relay configuration per stream."""

    name = "volc"
    rate_limits: ClassVar[Mapping[str, int]] = {
        **dict.fromkeys(("CreatePullRecordTask", "StopPullRecordTask", "ListPullRecordTask"), 50),
        **dict.fromkeys(("CreateRelaySourceV4", "UpdateRelaySourceV4", "DeleteRelaySourceV4", "ListRelaySourceV4"), 10),
        "DescribeRecordTaskFileHistory": 10,
        **dict.fromkeys(("DescribeCallback", "UpdateCallback", "DescribeLiveCallbackData"), 10),
    }

    def __init__(self, access_key: str = TEST_CREDENTIALS["VOLCENGINE_ACCESS_KEY"],
                 secret_key: str = TEST_CREDENTIALS["VOLCENGINE_SECRET_KEY"]) -> None:  # fmt: skip
        super().__init__()
        self.keys = {access_key: secret_key}
        self.clock: Callable[[], float] = time.time
        self.recorded: list[dict[str, Any]] = []  # what DescribeRecordTaskFileHistory answers (see record_file)
        self.callbacks: dict[tuple[str, str, str], dict[str, Any]] = {}  # (vhost, app, message type) → configuration
        self.undelivered: list[dict[str, Any]] = []  # record callbacks whose delivery failed (DescribeLiveCallbackData)

        #: The fake's "now" for its tasks' windows (a test on an injected clock sets the same clock here).
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def record_file(
        self,
        *,
        app: str,
        stream: str,
        start: datetime,
        seconds: float,
        path: str,
        vhost: str = "push.example.com",
        bucket: str = "rec-bucket",
    ) -> None:
        """A file this fake "recorded", as DescribeRecordTaskFileHistory lists it (bucket/path, no URL, no size)."""
        utc = "%Y-%m-%dT%H:%M:%SZ"
        end = start + timedelta(seconds=seconds)
        self.recorded.append({"Vhost": vhost, "App": app, "Stream": stream, "Bucket": bucket, "Path": path,
                              "FileName": path.rsplit("/", 1)[-1], "Format": path.rsplit(".", 1)[-1],
                              "Duration": f"{seconds:.3f}", "StartTimeUTC": start.astimezone(UTC).strftime(utc),
                              "EndTimeUTC": end.astimezone(UTC).strftime(utc), "Vid": ""})  # fmt: skip

    def _DescribeCallback(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "MessageType")
        kept = self.callbacks.get((p.get("Vhost", ""), p.get("App", ""), p["MessageType"]))
        return {"CallbackList": [kept] if kept else []}

    def _UpdateCallback(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "MessageType", "CallbackDetailList")
        if p.get("AuthEnable") and not p.get("AuthKeyPrimary"):
            raise ApiError("InvalidParam.AuthKeyPrimary", "AuthKeyPrimary is required when AuthEnable", 400)
        self.callbacks[(p.get("Vhost", ""), p.get("App", ""), p["MessageType"])] = {
            k: p[k] for k in ("MessageType", "CallbackDetailList", "AuthEnable") if k in p
        }
        return {}

    def _DescribeLiveCallbackData(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "StartTime", "EndTime")
        kept = [{"CallbackBody": json.dumps(body), "CallbackStatus": "fail", "ResponseCode": 502}
                for body in self.undelivered if p.get("CallbackStatus") in (None, "fail")]  # fmt: skip
        size, page = int(p.get("PageSize", 20)), int(p.get("PageNum", 1))
        return {"Data": kept[(page - 1) * size : page * size]}

    def _DescribeRecordTaskFileHistory(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "DateFrom", "DateTo")
        try:
            since, until = datetime.fromisoformat(p["DateFrom"]), datetime.fromisoformat(p["DateTo"])
        except (TypeError, ValueError):
            raise ApiError("InvalidParam", "DateFrom/DateTo must be RFC3339", 400) from None
        if not timedelta(0) < until - since <= timedelta(days=7):
            raise ApiError("InvalidParam.OutOfRange", "the query window must be at most 7 days", 400)
        found = [
            dict(f)
            for f in self.recorded
            if all(f[k] == p[k] for k in ("Vhost", "App", "Stream") if k in p)
            and since.date() <= datetime.fromisoformat(f["StartTimeUTC"]).date() <= until.date()
        ]  # by day
        size, page = int(p.get("PageSize", 20)), int(p.get("PageNum", 1))
        return {"Data": found[(page - 1) * size : page * size]}

    def read(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[str, dict[str, Any]]:
        pairs = parse_qsl(query, keep_blank_values=True)
        action = dict(pairs).get("Action", "?")
        match = re.fullmatch(r"HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})",
                             headers.get("authorization", ""))  # fmt: skip
        if not match:
            raise ApiError("MissingRequestInfo", "no valid Authorization header", 400)
        access_key, short_date, region, service, signed, signature = match.groups()
        if access_key not in self.keys:
            raise ApiError("InvalidAccessKey", "the access key is not valid", 401)
        try:
            x_date = datetime.strptime(headers.get("x-date", ""), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise ApiError("MissingRequestInfo", "no X-Date", 400) from None
        if abs(x_date.timestamp() - self.clock()) > 900 or x_date.strftime("%Y%m%d") != short_date:
            raise ApiError("InvalidTimestamp", "the request timestamp is out of range", 401)
        body_hash = hashlib.sha256(body).hexdigest()
        if body_hash != headers.get("x-content-sha256"):
            raise ApiError("SignatureDoesNotMatch", "body hash does not match", 401)
        names = signed.split(";")
        if not {"host", "x-date", "x-content-sha256"} <= set(names):
            raise ApiError("SignatureDoesNotMatch", "required headers are not signed", 401)
        canonical = "\n".join([
            method,
            path or "/",
            "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(pairs)),
            "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in names),
            signed,
            body_hash,
        ])  # fmt: skip
        scope = f"{short_date}/{region}/{service}/request"
        to_sign = f"HMAC-SHA256\n{headers['x-date']}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        key = self.keys[access_key].encode()
        for part in (short_date, region, service, "request"):
            key = _hmac(key, part)
        if not hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), signature):
            raise ApiError("SignatureDoesNotMatch", "The request signature we calculated does not match", 401)
        if dict(pairs).get("Version") != "2023-01-01" or action not in self.rate_limits:
            raise ApiError("InvalidActionOrVersion", f"unknown action {action}", 404)
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            raise ApiError("InvalidParam.BindError", "Request parameter error, please check input data", 400) from None
        return action, params

    def _CreatePullRecordTask(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "Domain", "App", "Stream", "StreamURL", "EndTime")
        if not (NAME.match(p["App"]) and len(p["App"]) <= 30 and NAME.match(p["Stream"])):
            raise ApiError("InvalidParam", "App or Stream is invalid", 400)
        try:
            start = datetime.fromisoformat(p.get("StartTime") or datetime.now(UTC).isoformat())
            end = datetime.fromisoformat(p["EndTime"])
        except (TypeError, ValueError):
            raise ApiError("InvalidParam", "StartTime/EndTime must be RFC3339", 400) from None
        if start.tzinfo is None or end <= start:
            raise ApiError("InvalidParam.OutOfRange", "EndTime must be after StartTime", 400)
        self._one_task_per_stream(p["App"], p["Stream"], start, end)
        task_id = self.new_id("volc")
        utc = "%Y-%m-%dT%H:%M:%SZ"
        self.tasks[task_id] = {"TaskId": task_id, "Vhost": p.get("Vhost", ""), "Domain": p["Domain"], "App": p["App"],
                               "Stream": p["Stream"], "StreamURL": p["StreamURL"], "Status": "未开始",
                               "StartTime": start.astimezone(UTC).strftime(utc), "EndTime": end.astimezone(UTC).strftime(utc)}  # fmt: skip
        return {"TaskId": task_id}

    def _one_task_per_stream(self, app: str, stream: str, start: datetime, end: datetime) -> None:
        """The documented "one task per stream at a time" (the error code the real API gives is unverified): a record
        task is refused while another task on the stream records (now is within its window) or when their windows
        overlap; one that was stopped does not count."""
        now = self.now()
        for task in self.tasks.values():
            if "StreamURL" not in task or (task["App"], task["Stream"]) != (app, stream) or task["Status"] == "停用":
                continue
            other_start = datetime.fromisoformat(task["StartTime"].replace("Z", "+00:00"))
            other_end = datetime.fromisoformat(task["EndTime"].replace("Z", "+00:00"))
            if other_start <= now < other_end:
                raise ApiError("RequestForbidden", f"stream {app}/{stream} is being recorded by another task", 400)
            if start < other_end and other_start < end:
                raise ApiError("RequestForbidden", f"stream {app}/{stream} already has a record task then", 400)

    def _one_relay_per_stream(self, domain: str, app: str, stream: str) -> None:
        """A relay is one configuration per stream (it has no id of its own): a second is refused while the first
        is in force (permanent, or its window not over yet)."""
        now = int(self.now().timestamp())
        for task in self.tasks.values():
            same = "SrcAddrS" in task and (task["Domain"], task["App"], task["Stream"]) == (domain, app, stream)
            if same and (not task["EndTime"] or task["EndTime"] > now):
                raise ApiError("RequestForbidden", f"stream {app}/{stream} already has a relay configuration", 400)

    def _StopPullRecordTask(self, p: dict[str, Any]) -> dict[str, Any]:
        task = self.tasks.get(str(p.get("TaskId")))
        if task is None or "StreamURL" not in task:
            raise ApiError("ResourceNotFound", "task not found", 404)
        task["Status"] = "停用"
        return {}

    def _page(self, items: list[dict[str, Any]], page: int, size: int) -> dict[str, Any]:
        total_pages = max(1, -(-len(items) // size))
        chunk = items[(page - 1) * size : page * size]
        return {
            "List": chunk,
            "Pagination": {"PageCur": page, "PageSize": size, "PageTotal": total_pages, "TotalCount": len(items)},
        }

    def _ListPullRecordTask(self, p: dict[str, Any]) -> dict[str, Any]:
        size = int(p.get("PageSize", 20))
        if not 1 <= size <= 500:
            raise ApiError("InvalidParam", "PageSize must be 1-500", 400)
        records = [dict(t) for t in self.tasks.values() if "StreamURL" in t]
        return self._page(records, int(p.get("PageNum", 1)), size)

    def _CreateRelaySourceV4(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "Domain", "App", "Stream", "SrcAddrS")
        sources, start, end = p["SrcAddrS"], p.get("StartTime"), p.get("EndTime")
        if not isinstance(sources, list) or not 1 <= len(sources) <= 10:
            raise ApiError("InvalidParam", "SrcAddrS must hold 1-10 addresses", 400)
        if (start is None) != (end is None):
            raise ApiError("InvalidParam", "StartTime and EndTime go together", 400)
        if start is not None and not (isinstance(start, int) and isinstance(end, int) and 0 < end - start <= 7 * 86400):
            raise ApiError("InvalidParam.OutOfRange", "the span must be at most 7 days", 400)
        self._one_relay_per_stream(p["Domain"], p["App"], p["Stream"])
        task_id = self.new_id("relay")
        self.tasks[task_id] = {"TaskId": task_id, "Domain": p["Domain"], "App": p["App"], "Stream": p["Stream"],
                               "SrcAddrS": sources, "StartTime": start or 0, "EndTime": end or 0}  # fmt: skip
        return {"TaskId": task_id}

    def _UpdateRelaySourceV4(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "Domain", "App", "Stream", "SrcAddrS")
        start, end = p.get("StartTime"), p.get("EndTime")
        if start is not None and not (isinstance(start, int) and isinstance(end, int) and 0 < end - start <= 7 * 86400):
            raise ApiError("InvalidParam.OutOfRange", "the span must be at most 7 days", 400)
        found = [t for t in self.tasks.values() if "SrcAddrS" in t and (t["Domain"], t["App"], t["Stream"]) == (p["Domain"], p["App"], p["Stream"])]  # fmt: skip
        if not found:
            raise ApiError("ResourceNotFound", "relay not found", 404)
        for task in found:
            task.update(SrcAddrS=p["SrcAddrS"], StartTime=start or 0, EndTime=end or 0)
        return {}

    def _DeleteRelaySourceV4(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "Domain", "App", "Stream")
        found = [k for k, t in self.tasks.items() if "SrcAddrS" in t and (t["Domain"], t["App"], t["Stream"]) == (p["Domain"], p["App"], p["Stream"])]  # fmt: skip
        if not found:
            raise ApiError("ResourceNotFound", "relay not found", 404)
        for key in found:
            del self.tasks[key]
        return {}

    def _ListRelaySourceV4(self, p: dict[str, Any]) -> dict[str, Any]:
        relays = [
            dict(t) for t in self.tasks.values() if "SrcAddrS" in t and t["Domain"] == p.get("Domain", t["Domain"])
        ]
        return self._page(relays, int(p.get("Page", 1)), int(p.get("Size", 20)))

    def _meta(self, action: str, request_id: str) -> dict[str, Any]:
        return {
            "RequestId": request_id,
            "Action": action,
            "Version": "2023-01-01",
            "Service": "live",
            "Region": "cn-north-1",
        }

    def success(self, action: str, result: dict[str, Any], request_id: str) -> tuple[int, dict[str, Any]]:
        return 200, {"ResponseMetadata": self._meta(action, request_id), "Result": result}

    def failure(self, action: str, error: ApiError, request_id: str) -> tuple[int, dict[str, Any]]:
        meta = {
            **self._meta(action, request_id),
            "Error": {"Code": error.code, "CodeN": 10000 + error.status, "Message": error.message},
        }
        return error.status, {"ResponseMetadata": meta}

    def rate_limit_error(self) -> ApiError:
        return ApiError("FlowLimitExceeded", "Flow limit exceeded", 429)
