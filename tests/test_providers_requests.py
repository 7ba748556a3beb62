"""Validation (every problem at once), the exact requests each provider builds, and response parsing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.core.model import ChannelTarget, DeviceTarget, Options, StreamTarget, TaskRequest, Window
from bot.errors import ProviderError, Retry, ValidationError
from providers import qcloud, tencent, volc
from providers.registry import ProviderRegistry, build_registry
from providers.transport import ErrorPolicy
from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def registry() -> ProviderRegistry:
    """Providers configured with test credentials; these tests never send anything."""
    return build_registry(FakeProviders.offline_settings(), clock=lambda: NOW)


def window(start_h: float, end_h: float, *, tz: ZoneInfo = SHANGHAI, starts_now: bool = False) -> Window:
    base = NOW.astimezone(tz)
    return Window(base + timedelta(hours=start_h), base + timedelta(hours=end_h), starts_now=starts_now)


def problems_of(registry: ProviderRegistry, request: TaskRequest) -> list[str]:
    with pytest.raises(ValidationError) as info:
        registry.get(request.provider).validate(request, NOW)
    return [problem.key for problem in info.value.problems]


def test_volc_record_request_is_rfc3339_with_the_window_offset(registry: ProviderRegistry) -> None:
    request = TaskRequest("record", "volc", StreamTarget("live", "s1"), window(5, 5.5, tz=NEW_YORK))
    (call,) = registry.get("volc").plan(request, NOW)
    body = json.loads(call.body)
    assert call.url == "http://127.0.0.1:9/?Action=CreatePullRecordTask&Version=2023-01-01"
    assert body == {
        "Vhost": "push.example.com",
        "Domain": "push.example.com",
        "App": "live",
        "Stream": "s1",
        "StreamURL": "http://pull.example.com/live/s1.flv",
        "StartTime": "2026-11-21T02:00:00-05:00",
        "EndTime": "2026-11-21T02:30:00-05:00",
    }
    assert call.headers["X-Date"] == "20261121T020000Z"
    assert call.headers["Authorization"].startswith("HMAC-SHA256 Credential=AKLTFAKEVOLC0001/20261121/cn-north-1/live/")
    assert call.send_at is None


def test_volc_relay_uses_unix_seconds_and_permanent_has_no_times(registry: ProviderRegistry) -> None:
    timed = TaskRequest(
        "relay", "volc", StreamTarget("live", "s1"), window(1, 3), sources=("rtmp://src.example.com/a/b",)
    )
    permanent = TaskRequest("relay", "volc", StreamTarget("live", "s1"), None, sources=("srt://src.example.com:9000",))
    (call,) = registry.get("volc").plan(timed, NOW)
    assert json.loads(call.body)["StartTime"] == int((NOW + timedelta(hours=1)).timestamp())
    assert json.loads(call.body)["EndTime"] == int((NOW + timedelta(hours=3)).timestamp())
    (call,) = registry.get("volc").plan(permanent, NOW)
    assert "StartTime" not in json.loads(call.body) and "EndTime" not in json.loads(call.body)
    assert call.action == "CreateRelaySourceV4"


def test_tencent_uses_unix_seconds_region_header_and_omits_start_when_starting_now(registry: ProviderRegistry) -> None:
    later = TaskRequest("record", "tencent", StreamTarget("live", "s1"), window(1, 2), options=Options(template_id=7))
    (call,) = registry.get("tencent").plan(later, NOW)
    assert json.loads(call.body) == {
        "StreamName": "s1",
        "DomainName": "5000.live.push.com",
        "AppName": "live",
        "EndTime": int((NOW + timedelta(hours=2)).timestamp()),
        "StartTime": int((NOW + timedelta(hours=1)).timestamp()),
        "TemplateId": 7,
    }
    assert call.headers["X-TC-Action"] == "CreateRecordTask"
    assert call.headers["X-TC-Region"] == "ap-guangzhou"
    assert call.headers["X-TC-Timestamp"] == str(int(NOW.timestamp()))
    now_request = TaskRequest("record", "tencent", StreamTarget("live", "s1"), window(0, 1, starts_now=True))
    (call,) = registry.get("tencent").plan(now_request, NOW)
    assert "StartTime" not in json.loads(call.body)


def test_qcloud_uses_china_time_and_picks_realtime_or_scheduled(registry: ProviderRegistry) -> None:
    scheduled = TaskRequest("record", "qcloud", ChannelTarget("8888_test123"), window(1, 2, tz=NEW_YORK))
    (call,) = registry.get("qcloud").plan(scheduled, NOW)
    params = httpx.URL(call.url).params
    assert call.method == "GET"
    assert params["appid"] == "1234"
    assert params["interface"] == "Live_Tape_Start"
    assert params["Param.s.start_time"] == "2026-11-21 11:00:00"
    assert params["Param.s.end_time"] == "2026-11-21 12:00:00"
    assert params["Param.n.task_sub_type"] == "0"
    assert params["t"] == str(int(NOW.timestamp()) + 60)
    realtime = TaskRequest("record", "qcloud", ChannelTarget("8888_test123"), window(0, 0.25, starts_now=True))
    (call,) = registry.get("qcloud").plan(realtime, NOW)
    assert httpx.URL(call.url).params["Param.n.task_sub_type"] == "1"
    assert httpx.URL(call.url).params["Param.s.start_time"] == "2026-11-21 10:00:00"


def test_trro_plan_creates_at_the_start_deletes_at_the_end_and_masks_storage_keys(registry: ProviderRegistry) -> None:
    request = TaskRequest(
        "record",
        "trro",
        DeviceTarget("dev1", 2),
        window(1, 2),
        options=Options(format="mp4", split=timedelta(minutes=30)),
    )
    create, delete = registry.get("trro").plan(request, NOW)
    assert (create.action, create.send_at) == ("CreateCloudRecording", NOW + timedelta(hours=1))
    assert (delete.action, delete.send_at) == ("DeleteCloudRecording", NOW + timedelta(hours=2))
    body = json.loads(create.body)
    assert body["CloudStorage"]["AccessKey"] == "****" and body["CloudStorage"]["SecretKey"] == "****"
    assert (body["VideoStreamId"], body["OutputFormat"], body["MaxMediaFileDuration"]) == (2, 3, 30)
    everything = repr(create) + repr(delete)
    for secret in TEST_CREDENTIALS.values():
        if len(secret) > 4:
            assert secret not in everything.replace("AKIDFAKETENCENT0001", "")  # the SecretId is an identifier


def test_every_volc_problem_is_listed_at_once(registry: ProviderRegistry) -> None:
    request = TaskRequest(
        "relay",
        "volc",
        StreamTarget("bad app!", "s" * 101),
        window(1, 24 * 8),
        sources=("ftp://x/y",) * 11,
        options=Options(format="mp4"),
    )
    assert problems_of(registry, request) == [
        "check.app_name",
        "check.stream_name",
        "check.option_unsupported",
        "check.relay_source_count",
        *["check.relay_source_url"] * 11,
        "check.too_long_relay",
    ]


def test_tencent_windows(registry: ProviderRegistry) -> None:
    def keys(w: Window, **options: object) -> list[str]:
        request = TaskRequest("record", "tencent", StreamTarget("live", "s1"), w, options=Options(**options))  # type: ignore[arg-type]
        return problems_of(registry, request)

    assert keys(window(1, 26)) == ["check.too_long_record"]
    assert keys(window(6.5 * 24, 6.5 * 24 + 1)) == ["check.start_too_far"]
    assert keys(window(7 * 24, 7 * 24 + 1)) == ["check.end_too_far", "check.start_too_far"]
    assert keys(window(-2, -1)) == ["check.end_passed"]
    assert keys(window(1, 2), region="mars-1") == ["check.region"]
    registry.get("tencent").validate(TaskRequest("record", "tencent", StreamTarget("live", "s1"), window(1, 25)), NOW)


def test_qcloud_limits_and_formats(registry: ProviderRegistry) -> None:
    def keys(w: Window, **options: object) -> list[str]:
        request = TaskRequest("record", "qcloud", ChannelTarget("8888_a"), w, options=Options(**options))  # type: ignore[arg-type]
        return problems_of(registry, request)

    assert keys(window(0, 0.75, starts_now=True)) == ["check.too_long_realtime"]
    assert keys(window(1, 26)) == ["check.too_long_record"]
    assert keys(window(1, 2), format="aac") == ["check.aac_needs_audio"]
    assert keys(window(1, 2), format="avi", template_id=3) == ["check.option_unsupported", "check.format"]


def test_trro_ranges_and_targets(registry: ProviderRegistry) -> None:
    request = TaskRequest(
        "record",
        "trro",
        StreamTarget("live", "s1"),
        None,
        options=Options(format="flv", split=timedelta(hours=25), idle=timedelta(seconds=2)),
    )
    assert problems_of(registry, request) == [
        "check.target_device",
        "check.format",
        "check.split_range",
        "check.idle_range",
        "check.window_required",
    ]


def test_relay_is_refused_outside_volc(registry: ProviderRegistry) -> None:
    request = TaskRequest("relay", "tencent", StreamTarget("live", "s1"), window(1, 2), sources=("rtmp://a/b",))
    assert "check.kind" in problems_of(registry, request)


def test_problems_render_in_both_languages(registry: ProviderRegistry) -> None:
    request = TaskRequest("record", "qcloud", ChannelTarget("8888_a"), window(1, 2), options=Options(format="aac"))
    with pytest.raises(ValidationError) as info:
        registry.get("qcloud").validate(request, NOW)
    assert "as aac audio" in info.value.render("en")
    assert "aac 格式只录音频" in info.value.render("zh-CN")


# --- response parsing -------------------------------------------------------------------------------------------


def response(status: int, body: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.Response(status, content=body, headers={"Content-Type": content_type})


def test_volc_error_with_http_200_is_an_error() -> None:
    body = {"ResponseMetadata": {"RequestId": "r1", "Error": {"Code": "CommonErr", "Message": "m"}}}
    with pytest.raises(ProviderError) as info:
        volc.parse_response(response(200, json.dumps(body).encode()), "CreatePullRecordTask")
    assert (info.value.code, info.value.request_id, info.value.retry) == ("CommonErr", "r1", Retry.AFTER_LOOKUP)


def test_volc_success_yields_result_and_request_id() -> None:
    body = {"ResponseMetadata": {"RequestId": "r2"}, "Result": {"TaskId": "t1"}}
    reply = volc.parse_response(response(200, json.dumps(body).encode()), "CreatePullRecordTask")
    assert (reply.data["TaskId"], reply.request_id) == ("t1", "r2")


@pytest.mark.parametrize(
    ("status", "body", "code", "retry"),
    [
        (200, b"<html>proxy</html>", "BadResponse", Retry.AFTER_LOOKUP),
        (200, b"", "BadResponse", Retry.AFTER_LOOKUP),
        (200, b'{"Response": {"TaskId"', "BadResponse", Retry.AFTER_LOOKUP),
        (502, b"Bad Gateway", "HttpError", Retry.AFTER_LOOKUP),
        (429, b"slow down", "HttpError", Retry.SAFE),
        (403, b"<html>WAF</html>", "HttpError", Retry.NEVER),
    ],
)
def test_unreadable_bodies_become_one_clear_error(status: int, body: bytes, code: str, retry: Retry) -> None:
    parse = tencent.tc3_parser("tencent", tencent.POLICY)
    with pytest.raises(ProviderError) as info:
        parse(response(status, body, "text/html"), "CreateRecordTask")
    assert (info.value.code, info.value.retry, info.value.http_status) == (code, retry, status)
    assert f"HTTP {status}" in info.value.message


def test_tencent_error_envelope_and_classification() -> None:
    parse = tencent.tc3_parser("tencent", tencent.POLICY)
    cases = {
        "RequestLimitExceeded.UinLimitExceeded": Retry.SAFE,
        "AuthFailure.SignatureExpire": Retry.SAFE,
        "InternalError.NetworkError": Retry.AFTER_LOOKUP,
        "ResourceNotFound.StopService": Retry.NEVER,
    }
    for code, retry in cases.items():
        body = {"Response": {"Error": {"Code": code, "Message": "m"}, "RequestId": "rid"}}
        with pytest.raises(ProviderError) as info:
            parse(response(200, json.dumps(body).encode()), "CreateRecordTask")
        assert (info.value.code, info.value.retry, info.value.request_id) == (code, retry, "rid")


def test_qcloud_ret_and_message_codes() -> None:
    with pytest.raises(ProviderError) as info:
        qcloud.parse_response(response(200, b'{"ret": -1, "message": "sign invalid"}'), "Live_Tape_Start")
    assert info.value.code == "SignInvalid"
    with pytest.raises(ProviderError) as info:
        qcloud.parse_response(response(200, b'{"ret": 1201, "message": "internal"}'), "Live_Tape_Start")
    assert (info.value.code, info.value.retry) == ("1201", Retry.AFTER_LOOKUP)
    reply = qcloud.parse_response(
        response(200, b'{"ret": 0, "message": "", "output": {"task_id": 18446744073709551615}}'), "x"
    )
    assert reply.data["task_id"] == 18446744073709551615


def test_error_policy_matches_sub_codes_only_at_a_dot() -> None:
    policy = ErrorPolicy(frozenset({"RequestLimitExceeded"}), frozenset(), frozenset())
    assert policy.retry_for("RequestLimitExceeded.IPLimitExceeded") is Retry.SAFE
    assert policy.retry_for("RequestLimitExceededX") is Retry.NEVER
