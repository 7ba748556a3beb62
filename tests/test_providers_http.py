"""Real HTTP to the fake providers: success, error envelopes, faults, duplicates, rate limits, wrong credentials."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.model import ChannelTarget, DeviceTarget, StreamTarget, TaskRequest, Window
from bot.errors import OutcomeUnknown, ProviderError, Retry, TaskNotCreated
from providers.ratelimit import DOCUMENTED_LIMITS
from providers.registry import ProviderRegistry, build_registry
from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders, Fault


def ahead(minutes_from: int = 5, minutes_to: int = 35) -> Window:
    now = datetime.now(UTC)
    return Window(now + timedelta(minutes=minutes_from), now + timedelta(minutes=minutes_to))


def volc_record(stream: str = "s1") -> TaskRequest:
    return TaskRequest("record", "volc", StreamTarget("live", stream), ahead())


def volc_relay(stream: str = "s1") -> TaskRequest:
    return TaskRequest(
        "relay", "volc", StreamTarget("live", stream), ahead(), sources=("rtmp://src.example.com/live/a",)
    )


def tencent_record(stream: str = "s1") -> TaskRequest:
    return TaskRequest("record", "tencent", StreamTarget("live", stream), ahead())


def qcloud_record() -> TaskRequest:
    return TaskRequest("record", "qcloud", ChannelTarget("8888_test123"), ahead())


def trro_record() -> TaskRequest:
    return TaskRequest("record", "trro", DeviceTarget("dev1", 0), ahead())


SEED_CASES = [
    (volc_record, "volc", "CreatePullRecordTask", "StopPullRecordTask"),
    (tencent_record, "tencent", "CreateRecordTask", "StopRecordTask"),
    (qcloud_record, "qcloud", "Live_Tape_Start", "Live_Tape_Stop"),
    (trro_record, "trro", "CreateCloudRecording", "DeleteCloudRecording"),
    (volc_relay, "volc", "CreateRelaySourceV4", "DeleteRelaySourceV4"),
]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def quick_registry(fake_providers: FakeProviders, sleeps: list[float]) -> Iterator[ProviderRegistry]:
    """Like ``provider_registry``, but backoff pauses are recorded instead of slept (for retry tests)."""
    registry = build_registry(fake_providers.settings(timeout_seconds=1.0), sleep=sleeps.append)
    yield registry
    registry.close()


@pytest.mark.parametrize("case", SEED_CASES, ids=[case[2] for case in SEED_CASES])
def test_each_seed_api_is_one_call_and_can_be_cancelled(
    provider_registry: ProviderRegistry,
    fake_providers: FakeProviders,
    case: tuple[Callable[[], TaskRequest], str, str, str],
) -> None:
    make, key, create, cancel = case
    fake = getattr(fake_providers, key)
    request = make()
    result = provider_registry.get(key).create(request)
    assert result.action == create
    assert result.task_id in fake.tasks
    assert [call.action for call in fake.calls] == [create]
    assert provider_registry.get(key).cancel(request, result.task_id).action == cancel
    assert [call.outcome for call in fake.calls] == ["ok", "ok"]


def test_the_fake_receives_the_documented_body(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders
) -> None:
    request = volc_record()
    provider_registry.get("volc").create(request)
    (call,) = fake_providers.volc.calls
    assert call.params["StreamURL"] == "http://pull.example.com/live/s1.flv"
    assert call.headers["content-type"] == "application/json"
    assert datetime.fromisoformat(call.params["EndTime"]) == request.window.end.replace(microsecond=0)  # type: ignore[union-attr]


ENVELOPES = [
    ("volc", volc_record, "RequestForbidden.BillingStatus", 403, "top up in the Volcengine console"),
    ("volc", volc_record, "InvalidParam", 400, "parameter invalid"),
    ("volc", volc_relay, "ResourceNotFound", 404, "could not find"),
    ("tencent", tencent_record, "ResourceUnavailable.InvalidVodStatus", 200, "enable VOD"),
    ("tencent", tencent_record, "LimitExceeded.MaximumRunningTask", 200, "Too many recording tasks"),
    ("trro", trro_record, "OperationDenied.LicensesNotEnoughError", 200, "no licences left"),
    ("qcloud", qcloud_record, "1204", 200, "parameter invalid"),
]


@pytest.mark.parametrize("case", ENVELOPES, ids=[case[2] for case in ENVELOPES])
def test_error_envelopes_are_explained_with_code_and_request_id(
    provider_registry: ProviderRegistry,
    fake_providers: FakeProviders,
    case: tuple[str, Callable[[], TaskRequest], str, int, str],
) -> None:
    key, make, code, status, expected = case
    fake = getattr(fake_providers, make().provider)
    fake.inject(Fault.error(code, "the provider's words", status=status))
    with pytest.raises(ProviderError) as info:
        provider_registry.get(key).create(make())
    error = info.value
    assert (error.code, error.retry) == (code, Retry.NEVER)
    rendered = error.render("en")
    assert expected in rendered and code in rendered and "the provider's words" in rendered
    if key != "qcloud":
        assert error.request_id and error.request_id in rendered
    assert len(fake.calls) == 1


def test_an_unknown_code_gets_a_generic_sentence_and_the_providers_message(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders
) -> None:
    fake_providers.volc.inject(Fault.error("Brand.NewCode", "something new happened"))
    with pytest.raises(ProviderError) as info:
        provider_registry.get("volc").create(volc_record())
    assert "does not know yet: something new happened" in info.value.render("en")
    assert "Brand.NewCode" in info.value.render("zh-CN")


def test_mistyped_credentials_are_explained(fake_providers: FakeProviders) -> None:
    settings = fake_providers.settings(VOLCENGINE_SECRET_KEY="typo", TENCENTCLOUD_SECRET_KEY="typo")
    registry = build_registry(settings)
    with pytest.raises(ProviderError) as volc_info:
        registry.get("volc").create(volc_record())
    with pytest.raises(ProviderError) as tencent_info:
        registry.get("tencent").create(tencent_record())
    registry.close()
    assert volc_info.value.code == "SignatureDoesNotMatch"
    assert "check VOLCENGINE_SECRET_KEY" in volc_info.value.render("en")
    assert tencent_info.value.code == "AuthFailure.SignatureFailure"
    assert "请管理员检查 TENCENTCLOUD_SECRET_KEY" in tencent_info.value.render("zh-CN")
    assert fake_providers.volc.tasks == {} and fake_providers.tencent.tasks == {}


# --- faults on a create: never a blind second create -----------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (Fault.delay(2.5, acts=False), "Timeout"),
        (Fault.http_status(502), "HttpError"),
        (Fault.html(), "BadResponse"),
        (Fault.malformed_json(), "BadResponse"),
        (Fault.empty(), "BadResponse"),
        (Fault.reset(), "ConnectionFailed"),
    ],
)
def test_unclear_outcome_not_found_by_the_look_up_is_a_definite_failure_safe_to_retry(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders, fault: Fault, code: str
) -> None:
    fake_providers.volc.inject(fault, action="CreatePullRecordTask")
    with pytest.raises(TaskNotCreated) as info:
        provider_registry.get("volc").create(volc_record())
    assert (info.value.code, info.value.retry) == (code, Retry.SAFE)  # the original code; the card offers Retry
    assert not isinstance(info.value, OutcomeUnknown)
    # exactly one create: the person decides whether to try again
    assert [c.action for c in fake_providers.volc.calls] == ["CreatePullRecordTask", "ListPullRecordTask"]
    rendered = info.value.render("en")
    assert "the provider has no such task, so nothing was created; it is safe to try again" in rendered
    assert "服务商那里没有这个任务" in info.value.render("zh-CN")


def test_unclear_outcome_keeps_the_request_id_when_not_found(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders
) -> None:
    fake_providers.tencent.inject(Fault.error("InternalError", status=200), action="CreateRecordTask")
    with pytest.raises(TaskNotCreated) as info:
        provider_registry.get("tencent").create(tencent_record())
    assert info.value.code == "InternalError" and info.value.request_id
    assert f"RequestId {info.value.request_id}" in info.value.render("en")
    assert len(fake_providers.tencent.calls_to("CreateRecordTask")) == 1


def test_unclear_outcome_whose_look_up_fails_too_is_unknown(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders
) -> None:
    fake_providers.volc.inject(Fault.http_status(502), action="CreatePullRecordTask")
    fake_providers.volc.inject(Fault.http_status(502), action="ListPullRecordTask")
    with pytest.raises(OutcomeUnknown) as info:
        provider_registry.get("volc").create(volc_record())
    assert (info.value.code, info.value.retry) == ("HttpError", Retry.AFTER_LOOKUP)
    assert [c.action for c in fake_providers.volc.calls] == ["CreatePullRecordTask", "ListPullRecordTask"]
    assert "may or may not have been created" in info.value.render("en")


def test_a_look_up_that_cannot_search_for_the_request_never_answers_not_found(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders
) -> None:
    permanent = TaskRequest("record", "tencent", StreamTarget("live", "s1"), None)  # no window to search in
    with pytest.raises(ProviderError) as info:
        provider_registry.get("tencent").find(permanent)
    assert info.value.code == "LookupInconclusive"  # so an unclear create stays unknown instead of "not created"
    assert fake_providers.tencent.calls == []


@pytest.mark.parametrize("fault", [Fault.delay(2.5), Fault.http_status(503, acts=True), Fault.reset(acts=True)])
def test_a_task_created_despite_the_fault_is_found_by_look_up(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders, fault: Fault
) -> None:
    fake_providers.tencent.inject(fault, action="CreateRecordTask")
    result = provider_registry.get("tencent").create(tencent_record())
    assert list(fake_providers.tencent.tasks) == [result.task_id]
    assert [c.action for c in fake_providers.tencent.calls] == ["CreateRecordTask", "DescribeRecordTask"]


def test_relay_timeout_is_found_by_look_up(provider_registry: ProviderRegistry, fake_providers: FakeProviders) -> None:
    fake_providers.volc.inject(Fault.delay(2.5), action="CreateRelaySourceV4")
    result = provider_registry.get("volc").create(volc_relay())
    assert [c.action for c in fake_providers.volc.calls] == ["CreateRelaySourceV4", "ListRelaySourceV4"]
    assert list(fake_providers.volc.tasks) == [result.task_id]


def test_without_look_up_a_timeout_is_unknown_after_exactly_one_create(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders
) -> None:
    fake_providers.trro.inject(Fault.delay(2.5))
    with pytest.raises(OutcomeUnknown):
        provider_registry.get("trro").create(trro_record())
    assert [c.action for c in fake_providers.trro.calls] == ["CreateCloudRecording"]


def test_qcloud_timeout_is_above_3_seconds_and_never_retried(
    provider_registry: ProviderRegistry, fake_providers: FakeProviders
) -> None:
    fake_providers.qcloud.inject(Fault.delay(5))
    with pytest.raises(OutcomeUnknown) as info:
        provider_registry.get("qcloud").create(qcloud_record())
    assert "3.5 s" in info.value.message
    assert len(fake_providers.qcloud.calls) == 1


def test_connection_refused_is_a_clear_error(fake_providers: FakeProviders) -> None:
    settings = fake_providers.settings(VOLC_LIVE_ENDPOINT="http://127.0.0.1:9")
    registry = build_registry(settings)
    with pytest.raises(ProviderError) as info:
        registry.get("volc").cancel(volc_record(), "t1")
    registry.close()
    assert (info.value.code, info.value.retry) == ("ConnectionFailed", Retry.SAFE)
    assert "could not reach Volcengine" in info.value.render("en")


# --- retries that are safe ---------------------------------------------------------------------------------------


def test_rate_limited_create_is_retried_with_backoff(
    quick_registry: ProviderRegistry, fake_providers: FakeProviders, sleeps: list[float]
) -> None:
    fake_providers.volc.inject(Fault.rate_limited(), action="CreatePullRecordTask", times=2)
    result = quick_registry.get("volc").create(volc_record())
    assert [c.outcome for c in fake_providers.volc.calls] == ["rate_limit", "rate_limit", "ok"]
    assert sleeps == [0.25, 0.5]
    assert list(fake_providers.volc.tasks) == [result.task_id]


def test_rate_limit_that_persists_gives_up_with_an_explanation(
    quick_registry: ProviderRegistry, fake_providers: FakeProviders, sleeps: list[float]
) -> None:
    fake_providers.tencent.inject(Fault.rate_limited(), times=10)
    with pytest.raises(ProviderError) as info:
        quick_registry.get("tencent").create(tencent_record())
    assert info.value.code == "RequestLimitExceeded"
    assert len(fake_providers.tencent.calls) == 4
    assert "Try again in a minute" in info.value.render("en")


def test_expired_signature_is_re_signed_once(
    quick_registry: ProviderRegistry, fake_providers: FakeProviders, sleeps: list[float]
) -> None:
    fake_providers.tencent.inject(Fault.error("AuthFailure.SignatureExpire"), times=1)
    quick_registry.get("tencent").create(tencent_record())
    fake_providers.trro.inject(Fault.error("AuthFailure.SignatureExpire"), times=2)
    with pytest.raises(ProviderError) as info:
        quick_registry.get("trro").create(trro_record())
    assert [c.outcome for c in fake_providers.tencent.calls] == ["error", "ok"]
    assert len(fake_providers.trro.calls) == 2
    assert "sync the server clock" in info.value.render("en")


def test_qcloud_waits_3_seconds_before_re_signing(
    quick_registry: ProviderRegistry, fake_providers: FakeProviders, sleeps: list[float]
) -> None:
    fake_providers.qcloud.clock = lambda: 4e9  # the server's clock is far ahead: every expiry looks past
    with pytest.raises(ProviderError) as info:
        quick_registry.get("qcloud").create(qcloud_record())
    assert info.value.code == "TimeExpired"
    assert sleeps == [3.0]
    assert len(fake_providers.qcloud.calls) == 2


BURSTS = [(volc_relay, "volc", "CreateRelaySourceV4"), (tencent_record, "tencent", "CreateRecordTask")]


@pytest.mark.parametrize("case", BURSTS, ids=[case[2] for case in BURSTS])
def test_a_burst_never_trips_the_providers_rate_limit(
    provider_registry: ProviderRegistry,
    fake_providers: FakeProviders,
    case: tuple[Callable[[str], TaskRequest], str, str],
) -> None:
    """Three times the limit, sent from a pool: the fake's bucket (N tokens, N/s) refuses a client without a limiter,
    or one pacing at twice the limit (about six refusals); the exact pace is pinned in test_providers_ratelimit.py."""
    make, key, action = case
    fake = getattr(fake_providers, key)
    count = 3 * DOCUMENTED_LIMITS[(key, action)]
    requests = [make(f"burst{i}") for i in range(count)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(provider_registry.get(key).create, requests))
    assert fake.rate_limited_calls() == []
    assert len({result.task_id for result in results}) == count
    assert len(fake.calls_to(action)) == count


def test_cancelling_a_task_that_is_gone_is_explained(provider_registry: ProviderRegistry) -> None:
    with pytest.raises(ProviderError) as info:
        provider_registry.get("volc").cancel(volc_record(), "no-such-task")
    assert info.value.code == "ResourceNotFound"
    assert "the task may already be gone" in info.value.render("en")


def test_wrong_legacy_and_trro_credentials_are_explained(fake_providers: FakeProviders) -> None:
    registry = build_registry(fake_providers.settings(QCLOUD_LIVE_API_KEY="typo", TENCENTCLOUD_SECRET_ID="AKIDNOPE"))
    with pytest.raises(ProviderError) as qcloud_info:
        registry.get("qcloud").create(qcloud_record())
    with pytest.raises(ProviderError) as trro_info:
        registry.get("trro").create(trro_record())
    registry.close()
    assert (qcloud_info.value.code, trro_info.value.code) == ("SignInvalid", "AuthFailure.SecretIdNotFound")
    assert "check QCLOUD_LIVE_API_KEY" in qcloud_info.value.render("en")
    assert "TENCENTCLOUD_SECRET_ID" in trro_info.value.render("en")


def test_secrets_never_reach_errors_or_logs(fake_providers: FakeProviders, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    registry = build_registry(fake_providers.settings())
    secret = "fake-cos-secret-key"
    fake_providers.trro.inject(Fault.error("InvalidParameterValue", f"SecretKey {secret} is invalid"))
    with pytest.raises(ProviderError) as info:
        registry.get("trro").create(trro_record())
    registry.close()
    seen = info.value.render("en") + info.value.render("zh-CN") + repr(info.value) + json.dumps(info.value.params)
    assert secret not in seen and "****" in seen
    assert "trro CreateCloudRecording failed: InvalidParameterValue" in caplog.text
    for value in TEST_CREDENTIALS.values():
        if len(value) > 8 and not value.startswith("AK"):  # access key ids appear in signatures, not secret
            assert value not in caplog.text
