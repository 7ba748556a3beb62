"""The signers reproduce the official SDKs' test vectors exactly (facts/providers.md), and re-sign on every send."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import httpx
from tencentcloud.common.sign import Sign

from bot.secret import Secret
from providers.signing import LegacyMd5Signer, TC3Signer, VolcSigner, legacy_sign

VOLC_BODY = (
    b'{"Vhost": "push.example.com", "Domain": "push.example.com", "App": "live", "Stream": "s1", '
    b'"StreamURL": "rtmp://pull.example.com/live/s1", "StartTime": "2023-11-14T22:13:20Z", '
    b'"EndTime": "2023-11-14T23:13:20Z"}'
)
TENCENT_BODY = (
    b'{"StreamName": "s1", "DomainName": "push.example.com", "AppName": "live", "EndTime": 1700003600, '
    b'"StartTime": 1700000000}'
)


def fixed(moment: datetime) -> datetime:
    return moment


def test_volcengine_vector_from_the_sdk() -> None:
    request = httpx.Request(
        "POST",
        "https://live.volcengineapi.com/?Action=CreatePullRecordTask&Version=2023-01-01",
        content=VOLC_BODY,
        headers={"Host": "live.volcengineapi.com", "Content-Type": "application/json"},
    )
    signer = VolcSigner(
        Secret("AKLTEXAMPLE"), Secret("SKEXAMPLE=="), clock=lambda: datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    )
    signer.sign(request)
    assert request.headers["X-Date"] == "20231114T221320Z"
    assert request.headers["X-Content-Sha256"] == "717da38e8515c6d93badeb32cc09fc8d53eaa277a9bbd35e4f5be55dc9f7a4b0"
    assert request.headers["Authorization"] == (
        "HMAC-SHA256 Credential=AKLTEXAMPLE/20231114/cn-north-1/live/request, "
        "SignedHeaders=content-type;host;x-content-sha256;x-date, "
        "Signature=00dab52a73b8d32015a6e7360279d3352f5206762677ee6761fa28f17c4f5f14"
    )


def test_volcengine_ignores_a_default_port_in_host() -> None:
    def signed(url: str) -> str:
        request = httpx.Request("POST", url, content=VOLC_BODY, headers={"Content-Type": "application/json"})
        VolcSigner(Secret("AK"), Secret("SK"), clock=lambda: datetime(2023, 11, 14, tzinfo=UTC)).sign(request)
        return request.headers["Authorization"]

    assert signed("https://live.volcengineapi.com:443/?Action=A&Version=1") == signed(
        "https://live.volcengineapi.com/?Action=A&Version=1"
    )


def test_tencent_tc3_vector_from_the_sdk() -> None:
    request = httpx.Request(
        "POST",
        "https://live.tencentcloudapi.com/",
        content=TENCENT_BODY,
        headers={"Content-Type": "application/json", "X-TC-Action": "CreateRecordTask", "X-TC-Region": "ap-guangzhou"},
    )
    signer = TC3Signer(
        Secret("AKIDEXAMPLE"),
        Secret("SECRETEXAMPLE"),
        service="live",
        clock=lambda: datetime.fromtimestamp(1700000000, UTC),
    )
    signer.sign(request)
    assert request.headers["X-TC-Timestamp"] == "1700000000"
    assert request.headers["Authorization"] == (
        "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/live/tc3_request, SignedHeaders=content-type;host, "
        "Signature=622c66aa063c7128cb9bdf127115172ee19ac1db245f6cebb5f0fe6069d3e966"
    )


def test_tencent_signature_agrees_with_the_official_sdk_for_another_body() -> None:
    body = b'{"TaskId": "abc"}'
    moment = datetime(2026, 11, 21, 2, 0, 5, tzinfo=UTC)
    request = httpx.Request(
        "POST", "https://trro.tencentcloudapi.com/", content=body, headers={"Content-Type": "application/json"}
    )
    TC3Signer(Secret("AKIDX"), Secret("KEYX"), service="trro", clock=lambda: moment).sign(request)
    timestamp = int(moment.timestamp())
    canonical = (
        f"POST\n/\n\ncontent-type:application/json\nhost:trro.tencentcloudapi.com\n\ncontent-type;host\n"
        f"{hashlib.sha256(body).hexdigest()}"
    )
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n2026-11-21/trro/tc3_request\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    )
    assert request.headers["Authorization"].endswith(
        "Signature=" + Sign.sign_tc3("KEYX", "2026-11-21", "trro", to_sign)
    )


def test_legacy_md5_doc_example() -> None:
    assert legacy_sign("5d41402abc4b2a76b9719d911017c592", 1471850187) == "b17971b51ba0fe5916ddcd96692e9fb3"


def test_legacy_signer_sets_expiry_and_replaces_earlier_parameters() -> None:
    moment = datetime.fromtimestamp(1471850127, UTC)
    signer = LegacyMd5Signer(
        Secret("5d41402abc4b2a76b9719d911017c592"), ttl=timedelta(seconds=60), clock=lambda: moment
    )
    request = httpx.Request("GET", "http://fcgi.video.qcloud.com/common_access", params={"appid": "1234"})
    signer.sign(request)
    signer.sign(request)  # a resend re-signs instead of appending a second t/sign
    assert request.url.params.get_list("t") == ["1471850187"]
    assert request.url.params.get_list("sign") == ["b17971b51ba0fe5916ddcd96692e9fb3"]


def test_each_send_is_signed_with_a_fresh_clock_reading() -> None:
    moments = iter([datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 10, tzinfo=UTC)])
    signer = TC3Signer(Secret("id"), Secret("key"), service="live", clock=lambda: next(moments))
    request = httpx.Request("POST", "https://live.tencentcloudapi.com/", content=b"{}")
    first = next(signer.sync_auth_flow(request)).headers["X-TC-Timestamp"]
    second = next(signer.sync_auth_flow(request)).headers["X-TC-Timestamp"]
    assert (first, second) == ("1767225600", "1767226200")


def test_with_clock_signs_as_of_another_instant_without_touching_the_original() -> None:
    real = VolcSigner(Secret("AK"), Secret("SK"), clock=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    dry = real.with_clock(lambda: datetime(2026, 11, 21, 2, tzinfo=UTC))
    request = httpx.Request("POST", "https://live.volcengineapi.com/?Action=A&Version=1", content=b"{}")
    dry.sign(request)
    assert request.headers["X-Date"] == "20261121T020000Z"
    real.sign(request)
    assert request.headers["X-Date"] == "20300101T000000Z"


def test_signers_never_show_their_keys() -> None:
    signers = [
        VolcSigner(Secret("AK-canary"), Secret("SK-canary")),
        TC3Signer(Secret("ID-canary"), Secret("KEY-canary"), service="live"),
        LegacyMd5Signer(Secret("KEY-canary")),
    ]
    for signer in signers:
        assert "canary" not in repr(vars(signer))
