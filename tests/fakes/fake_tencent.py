"""Fake Tencent APIs: Cloud Live and TRRO (API 3.0, TC3 checked with the official SDK) and legacy LVB (md5)."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from tencentcloud.common.sign import Sign

from tests.fakes.provider_server import TEST_CREDENTIALS, ApiError, FakeProviderServer, require

CHINA = ZoneInfo("Asia/Shanghai")


class _FakeTencentApi(FakeProviderServer):
    """Tencent Cloud API 3.0 (TC3-HMAC-SHA256, checked with the official SDK's signer)."""

    service: ClassVar[str] = ""
    version: ClassVar[str] = ""
    needs_region: ClassVar[bool] = False

    def __init__(self, secret_id: str = TEST_CREDENTIALS["TENCENTCLOUD_SECRET_ID"],
                 secret_key: str = TEST_CREDENTIALS["TENCENTCLOUD_SECRET_KEY"]) -> None:  # fmt: skip
        super().__init__()
        self.keys = {secret_id: secret_key}
        self.clock: Callable[[], float] = time.time

    def read(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[str, dict[str, Any]]:
        action = headers.get("x-tc-action", "?")
        match = re.fullmatch(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})",
                             headers.get("authorization", ""))  # fmt: skip
        if not match:
            raise ApiError("AuthFailure.InvalidAuthorization", "Authorization header is malformed")
        secret_id, date, service, signed, signature = match.groups()
        if secret_id not in self.keys:
            raise ApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found")
        timestamp = int(headers.get("x-tc-timestamp", "0") or 0)
        if abs(timestamp - self.clock()) > 300:
            raise ApiError("AuthFailure.SignatureExpire", "Signature expired")
        names = signed.split(";")
        if service != self.service or "content-type" not in names or "host" not in names:
            raise ApiError("AuthFailure.SignatureFailure", "The provided credentials could not be validated")
        canonical = "\n".join(
            [
                method,
                "/",
                "",
                "".join(f"{n}:{headers.get(n, '')}\n" for n in names),
                signed,
                hashlib.sha256(body).hexdigest(),
            ]
        )
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        expected = Sign.sign_tc3(self.keys[secret_id], date, service, to_sign)
        if date != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d") or not hmac.compare_digest(
            expected, signature
        ):
            raise ApiError(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            )
        if headers.get("x-tc-version") != self.version:
            raise ApiError("NoSuchVersion", "The requested version does not exist")
        if action not in self.rate_limits:
            raise ApiError("InvalidAction", f"The action {action} does not exist")
        if self.needs_region and not headers.get("x-tc-region"):
            raise ApiError("MissingParameter", "The request is missing a required parameter `Region`")
        try:
            params = json.loads(body or b"{}")
        except ValueError:
            raise ApiError("InvalidRequest", "the body is not JSON") from None
        return action, params

    def success(self, action: str, result: dict[str, Any], request_id: str) -> tuple[int, dict[str, Any]]:
        return 200, {"Response": {**result, "RequestId": request_id}}

    def failure(self, action: str, error: ApiError, request_id: str) -> tuple[int, dict[str, Any]]:
        return 200, {"Response": {"Error": {"Code": error.code, "Message": error.message}, "RequestId": request_id}}

    def rate_limit_error(self) -> ApiError:
        return ApiError(
            "RequestLimitExceeded",
            "Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second.",
        )


class FakeTencentLive(_FakeTencentApi):
    """Tencent Cloud Live: Create/Stop/DescribeRecordTask."""

    name = "tencent"
    service = "live"
    version = "2018-08-01"
    needs_region = True
    rate_limits: ClassVar[Mapping[str, int]] = {
        **dict.fromkeys(("CreateRecordTask", "StopRecordTask", "DescribeRecordTask"), 20),
        **dict.fromkeys(("DescribeLiveCallbackTemplates", "DescribeLiveCallbackRules"), 20),
        **dict.fromkeys(("CreateLiveCallbackTemplate", "CreateLiveCallbackRule"), 20),
    }

    def __init__(self, *credentials: str) -> None:
        super().__init__(*credentials)
        self.templates: dict[int, dict[str, Any]] = {}  # callback templates (CreateLiveCallbackTemplate)
        self.rules: dict[str, dict[str, Any]] = {}  # domain → callback rule

    def _CreateRecordTask(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "StreamName", "DomainName", "AppName", "EndTime", code="MissingParameter")
        now = int(self.clock())
        start, end = p.get("StartTime", now), p["EndTime"]
        if not isinstance(end, int) or not isinstance(start, int):
            raise ApiError("InvalidParameter", "StartTime/EndTime must be integers")
        if end <= max(start, now) or end >= now + 7 * 86400 or end - start > 86400:
            raise ApiError("InvalidParameter", "EndTime is out of range")
        task_id = self.new_id("tc")
        self.tasks[task_id] = {"TaskId": task_id, "StreamName": p["StreamName"], "AppName": p["AppName"],
                               "DomainName": p["DomainName"], "StartTime": start, "EndTime": end,
                               "TemplateId": p.get("TemplateId", 0), "Stopped": 0}  # fmt: skip
        return {"TaskId": task_id}

    def _StopRecordTask(self, p: dict[str, Any]) -> dict[str, Any]:
        task = self.tasks.get(str(p.get("TaskId")))
        if task is None:
            raise ApiError("ResourceNotFound", "task not found")
        task["Stopped"] = 1
        return {}

    def _DescribeLiveCallbackTemplates(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"Templates": [{k: v for k, v in t.items() if k != "CallbackKey"} for t in self.templates.values()]}

    def _DescribeLiveCallbackRules(self, p: dict[str, Any]) -> dict[str, Any]:
        return {"Rules": list(self.rules.values())}

    def _CreateLiveCallbackTemplate(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "TemplateName", code="MissingParameter")
        template_id = 1000 + len(self.templates)
        self.templates[template_id] = {**p, "TemplateId": template_id}
        return {"TemplateId": template_id}

    def _CreateLiveCallbackRule(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "DomainName", "TemplateId", code="MissingParameter")
        if p["TemplateId"] not in self.templates:
            raise ApiError("InvalidParameter", "no such template")
        self.rules[p["DomainName"]] = {"DomainName": p["DomainName"], "AppName": p.get("AppName", ""),
                                       "TemplateId": p["TemplateId"]}  # fmt: skip
        return {}

    def _DescribeRecordTask(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "StartTime", "EndTime", code="MissingParameter")
        if p["EndTime"] - p["StartTime"] > 7 * 86400 or p["EndTime"] <= p["StartTime"]:
            raise ApiError("InvalidParameter", "the query window must be at most one week")
        found = [dict(t) for t in self.tasks.values()
                 if p["StartTime"] <= t["StartTime"] and t["EndTime"] <= p["EndTime"]
                 and all(t[k] == p[k] for k in ("StreamName", "AppName", "DomainName") if k in p)]  # fmt: skip
        return {"TaskList": found, "ScrollToken": ""}


class FakeTrro(_FakeTencentApi):
    """Tencent TRRO: Create/DeleteCloudRecording."""

    name = "trro"
    service = "trro"
    version = "2022-03-25"
    rate_limits: ClassVar[Mapping[str, int]] = dict.fromkeys(
        ("CreateCloudRecording", "DeleteCloudRecording", "ModifyCallbackUrl"), 20
    )

    def __init__(self, *credentials: str) -> None:
        super().__init__(*credentials)
        self.callback: dict[str, Any] = {}  # the project's callback (ModifyCallbackUrl)

    def _ModifyCallbackUrl(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "ProjectId", "CallbackUrl", "SignKey", code="MissingParameter")
        self.callback = {"ProjectId": p["ProjectId"], "CallbackUrl": p["CallbackUrl"], "SignKey": p["SignKey"]}
        return {}

    def _CreateCloudRecording(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "ProjectId", "DeviceId", "CloudStorage", code="MissingParameter")
        if not isinstance(p.get("VideoStreamId"), int):
            raise ApiError("MissingParameter", "VideoStreamId is required")
        storage = p["CloudStorage"]
        checks = [
            storage.get("Vendor") in (0, 1) and storage.get("AccessKey") and storage.get("SecretKey"),
            1 <= p.get("MaxMediaFileDuration", 1440) <= 1440,
            p.get("OutputFormat", 3) in range(5),
            5 <= p.get("MaxIdleTime", 30) <= 86400,
        ]
        if not all(checks):
            raise ApiError("InvalidParameterValue", "a parameter value is out of range")
        task_id = self.new_id("trro")
        self.tasks[task_id] = {"TaskId": task_id, **{k: p[k] for k in ("ProjectId", "DeviceId", "VideoStreamId")}}
        return {"TaskId": task_id}

    def _DeleteCloudRecording(self, p: dict[str, Any]) -> dict[str, Any]:
        if self.tasks.pop(str(p.get("TaskId")), None) is None:
            raise ApiError("ResourceNotFound", "task not found")
        return {}


class FakeQcloud(FakeProviderServer):
    """Tencent legacy LVB ``common_access``: Live_Tape_Start / Live_Tape_Stop, ``sign = md5(key + t)``."""

    name = "qcloud"

    def __init__(
        self, appid: str = TEST_CREDENTIALS["QCLOUD_LIVE_APPID"], key: str = TEST_CREDENTIALS["QCLOUD_LIVE_API_KEY"]
    ) -> None:
        super().__init__()
        self.appid, self.key = appid, key
        self.clock: Callable[[], float] = time.time
        self._task_ids = iter(range(18446744073709551000, 18446744073709551615))
        self.recorded: list[dict[str, Any]] = []  # what Live_Tape_GetFilelist answers

    def record_file(self, *, channel_id: str, start: datetime, seconds: int, url: str) -> None:
        """A file this fake "recorded" on ``channel_id`` (listed by Live_Tape_GetFilelist, China time)."""
        text = "%Y-%m-%d %H:%M:%S"
        self.recorded.append({"channel_id": channel_id, "vid": f"vid{len(self.recorded)}", "file_id": f"52{len(self.recorded):08d}",
                              "start_time": start.astimezone(CHINA).strftime(text), "record_file_url": url,
                              "end_time": (start + timedelta(seconds=seconds)).astimezone(CHINA).strftime(text)})  # fmt: skip

    def _file_list(self, p: dict[str, Any]) -> dict[str, Any]:
        require(p, "Param.s.channel_id", "Param.s.start_time", "Param.s.end_time", code="1204")
        since, until = (datetime.strptime(p[f"Param.s.{k}_time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
                        for k in ("start", "end"))  # fmt: skip
        if until - since > timedelta(days=1) or until <= since:
            raise ApiError("1204", "the time range must be within one day")
        found = [{k: v for k, v in f.items() if k != "channel_id"} for f in self.recorded
                 if f["channel_id"] == p["Param.s.channel_id"]
                 and since <= datetime.strptime(f["start_time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA) <= until]  # fmt: skip
        return {"file_list": found, "all_count": len(found)}

    def read(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[str, dict[str, Any]]:
        params = dict(parse_qsl(query, keep_blank_values=True))
        action = params.get("interface", "?")
        if method != "GET" or not path.endswith("common_access"):
            raise ApiError("-1", "invalid request")
        if params.get("appid") != self.appid:
            raise ApiError("-1", "appid is invalid")
        t = params.get("t", "")
        if not t.isdigit() or int(t) < self.clock():
            raise ApiError("-1", "time expired")
        expected = hashlib.md5((self.key + t).encode(), usedforsecurity=False).hexdigest()
        if not hmac.compare_digest(expected, params.get("sign", "")):
            raise ApiError("-1", "sign invalid")
        if action not in ("Live_Tape_Start", "Live_Tape_Stop", "Live_Tape_GetFilelist"):
            raise ApiError("1204", f"unknown interface {action}")
        return action, params

    def perform(self, action: str, p: dict[str, Any]) -> dict[str, Any]:
        if action == "Live_Tape_GetFilelist":
            return self._file_list(p)
        if action == "Live_Tape_Stop":
            if p.get("Param.n.task_id") not in self.tasks:
                raise ApiError("1204", "task not found")
            self.tasks[p["Param.n.task_id"]]["stopped"] = True
            return {}
        require(p, "Param.s.channel_id", "Param.s.start_time", "Param.s.end_time", "Param.n.task_sub_type", code="1204")
        try:
            start, end = (
                datetime.strptime(p[f"Param.s.{k}_time"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
                for k in ("start", "end")
            )
        except ValueError:
            raise ApiError("1204", "start_time/end_time must be YYYY-MM-DD HH:MM:SS") from None
        fmt, kind = p.get("Param.s.file_format", "flv"), p.get("Param.s.record_type", "video")
        if fmt not in ("flv", "hls", "mp4", "aac") or (fmt == "aac" and kind != "audio") or end <= start:
            raise ApiError("1204", "invalid parameter")
        if p["Param.n.task_sub_type"] == "0" and end - start > timedelta(days=1):
            raise ApiError("1204", "end_time - start_time exceeds 1 day")
        task_id = next(self._task_ids)
        self.tasks[str(task_id)] = {"task_id": task_id, "channel_id": p["Param.s.channel_id"], "start": start, "end": end,
                                    "realtime": p["Param.n.task_sub_type"] == "1", "format": fmt, "stopped": False}  # fmt: skip
        return {"task_id": task_id}

    def success(self, action: str, result: dict[str, Any], request_id: str) -> tuple[int, dict[str, Any]]:
        return 200, {"ret": 0, "message": "", "output": result}

    def failure(self, action: str, error: ApiError, request_id: str) -> tuple[int, dict[str, Any]]:
        ret = int(error.code) if error.code.lstrip("-").isdigit() else -1
        return 200, {"ret": ret, "message": error.message}

    def rate_limit_error(self) -> ApiError:
        return ApiError("1202", "request too frequent")
