"""Every error code from the seed documents and facts/providers.md is explained in English and Chinese."""

from __future__ import annotations

import pytest

from bot.catalogue import text
from bot.catalogue.explain import explanation_key
from bot.errors import OutcomeUnknown, ProviderError

VOLC_CODES = [
    "MissingParameter",
    "MissingRequestInfo",
    "InvalidTimestamp",
    "ServiceNotFound",
    "InvalidActionOrVersion",
    "InvalidAccessKey",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InternalError",
    "InternalServiceTimeout",
    "FailToConnect",
    "FlowLimitExceeded",
    "RequestLimitExceeded",
    "ServiceUnavailableTemp",
    "CommonErr",
    "InvalidParam",
    "InvalidParam.BindError",
    "InvalidParam.OutOfRange",
    "RequestForbidden",
    "RequestForbidden.AccountIDNotAllow",
    "RequestForbidden.BillingStatus",
    "ResourceNotFound",
    "InternalServiceError",
    "InternalServiceError.BadResponse",
]

TENCENT_CODES = [
    "ActionOffline",
    "AuthFailure.InvalidAuthorization",
    "AuthFailure.InvalidSecretId",
    "AuthFailure.MFAFailure",
    "AuthFailure.SecretIdNotFound",
    "AuthFailure.SignatureExpire",
    "AuthFailure.SignatureFailure",
    "AuthFailure.TokenFailure",
    "AuthFailure.UnauthorizedOperation",
    "DryRunOperation",
    "FailedOperation",
    "InternalError",
    "InvalidAction",
    "InvalidParameter",
    "InvalidParameterValue",
    "InvalidRequest",
    "IpInBlacklist",
    "IpNotInWhitelist",
    "LimitExceeded",
    "MissingParameter",
    "NoSuchProduct",
    "NoSuchVersion",
    "RequestLimitExceeded",
    "RequestLimitExceeded.GlobalRegionUinLimitExceeded",
    "RequestLimitExceeded.IPLimitExceeded",
    "RequestLimitExceeded.UinLimitExceeded",
    "RequestSizeLimitExceeded",
    "ResourceInUse",
    "ResourceInsufficient",
    "ResourceNotFound",
    "ResourceUnavailable",
    "ResponseSizeLimitExceeded",
    "ServiceUnavailable",
    "UnauthorizedOperation",
    "UnknownParameter",
    "UnsupportedOperation",
    "UnsupportedProtocol",
    "UnsupportedRegion",
    "InternalError.GetConfigError",
    "InternalError.NetworkError",
    "LimitExceeded.MaximumRunningTask",
    "ResourceNotFound.ForbidService",
    "ResourceNotFound.FreezeService",
    "ResourceNotFound.StopService",
    "ResourceNotFound.UserDisableService",
    "ResourceUnavailable.InvalidVodStatus",
    "InternalError.SystemError",
]

TRRO_CODES = [
    "InternalError",
    "InvalidParameterValue",
    "MissingParameter",
    "OperationDenied",
    "OperationDenied.LicensesNotEnoughError",
    "FailedOperation",
    "ResourceNotFound",
]
QCLOUD_CODES = ["SignInvalid", "TimeExpired", "AppidInvalid", "1201", "1202", "1204"]
TRANSPORT_CODES = ["Timeout", "ConnectionFailed", "BadResponse", "HttpError"]

ALL = (
    [("volc", c) for c in VOLC_CODES]
    + [("tencent", c) for c in TENCENT_CODES]
    + [("trro", c) for c in TRRO_CODES]
    + [("qcloud", c) for c in QCLOUD_CODES]
    + [(p, c) for p in ("volc", "tencent", "qcloud", "trro") for c in TRANSPORT_CODES]
)


@pytest.mark.parametrize(("provider", "code"), ALL)
def test_every_documented_code_has_its_own_explanation(provider: str, code: str) -> None:
    key = explanation_key(provider, code)
    assert key is not None and key.endswith("." + code)
    english, chinese = text(key, "en", p="X"), text(key, "zh-CN", p="X")
    assert english != chinese and len(english) > 20 and len(chinese) > 8


def test_the_billing_example_from_the_issue() -> None:
    error = ProviderError("volc", "RequestForbidden.BillingStatus", "Billing status is not available", "req-9")
    rendered = error.render("en")
    assert rendered.startswith(
        "Live service not enabled or the account is in arrears: top up in the Volcengine console, then try again."
    )
    assert "RequestForbidden.BillingStatus" in rendered and "req-9" in rendered


def test_a_sub_code_falls_back_to_its_parent_explanation() -> None:
    rendered = ProviderError("tencent", "InvalidParameterValue.NewThing", "m", "r").render("en")
    assert "A value is not accepted by Tencent Cloud" in rendered and "InvalidParameterValue.NewThing" in rendered


def test_outcome_unknown_keeps_its_own_sentence() -> None:
    error = OutcomeUnknown("tencent", "Timeout", "no answer within 1 s", None, action="CreateRecordTask")
    assert "may or may not have been created" in error.render("en")
    assert "控制台确认" in error.render("zh-CN")
