"""The provider calls that read and register the bot's callback URL (``python -m bot callbacks``).

- Volcengine: ``DescribeCallback`` / ``UpdateCallback`` (``MessageType=record``; replaces that message type's whole
  configuration for the vhost).
- Tencent Cloud Live: ``DescribeLiveCallbackTemplates`` + ``DescribeLiveCallbackRules`` / ``CreateLiveCallbackTemplate``
  (record file, status and exception URLs, one ``CallbackKey``) + ``CreateLiveCallbackRule`` (binds it to the domain).
- TRRO: ``ModifyCallbackUrl`` (project-wide, and no call reads it back).
The callback key travels in the write calls' bodies: :meth:`SetupCall.shown` masks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import httpx

from bot.secret import MASK, Secret
from providers.config import ProviderSettings
from providers.transport import ApiClient, Reply

SETUP_PROVIDERS = ("volc", "tencent", "trro")
TEMPLATE_NAME = "live-record-bot"


@runtime_checkable
class Configurable(Protocol):
    """A provider whose configuration calls the setup can build and send."""

    key: str
    api: ApiClient
    signer: httpx.Auth

    def config_request(self, action: str, payload: dict[str, Any]) -> httpx.Request: ...


@dataclass(frozen=True)
class SetupCall:
    """One configuration call. ``key_field`` names the payload field that carries the callback key."""

    provider: str
    action: str
    payload: Mapping[str, Any]
    key_field: str | None = None
    key: Secret | None = field(default=None, repr=False)

    def body(self) -> dict[str, Any]:
        """The payload to send (the key revealed)."""
        payload = dict(self.payload)
        if self.key_field and self.key is not None:
            payload[self.key_field] = self.key.reveal()
        return payload

    def shown(self) -> dict[str, Any]:
        """The payload to print (the key masked)."""
        payload = dict(self.payload)
        if self.key_field:
            payload[self.key_field] = MASK
        return payload


def read_calls(provider: str, settings: ProviderSettings) -> list[SetupCall]:
    """The calls that read the current callback configuration (none for TRRO: it cannot be read)."""
    if provider == "volc" and settings.volc is not None:
        return [
            SetupCall("volc", "DescribeCallback", {"Vhost": settings.volc.vhost, "App": "", "MessageType": "record"})
        ]
    if provider == "tencent":
        return [SetupCall("tencent", "DescribeLiveCallbackTemplates", {}),
                SetupCall("tencent", "DescribeLiveCallbackRules", {})]  # fmt: skip
    return []


def write_calls(provider: str, url: str, key: Secret, settings: ProviderSettings) -> list[SetupCall]:
    """The calls that register ``url`` (Tencent's rule gets the new TemplateId when sent: see :func:`with_template`)."""
    if provider == "volc" and settings.volc is not None:
        payload = {"Vhost": settings.volc.vhost, "App": "", "MessageType": "record", "AuthEnable": True,
                   "CallbackDetailList": [{"CallbackType": "http", "URL": url}]}  # fmt: skip
        return [SetupCall("volc", "UpdateCallback", payload, "AuthKeyPrimary", key)]
    if provider == "tencent" and settings.tencent is not None:
        template = {"TemplateName": TEMPLATE_NAME, "RecordNotifyUrl": url, "RecordStatusNotifyUrl": url,
                    "RecordExceptionNotifyUrl": url, "RecordExceptionLevels": ["error", "warning"]}  # fmt: skip
        rule = {"DomainName": settings.tencent.domain, "AppName": "", "TemplateId": 0}
        return [SetupCall("tencent", "CreateLiveCallbackTemplate", template, "CallbackKey", key),
                SetupCall("tencent", "CreateLiveCallbackRule", rule)]  # fmt: skip
    if provider == "trro" and settings.trro is not None:
        payload = {"ProjectId": settings.trro.project_id, "CallbackUrl": url}
        return [SetupCall("trro", "ModifyCallbackUrl", payload, "SignKey", key)]
    return []


def with_template(call: SetupCall, answer: Reply | None) -> SetupCall:
    """The rule call with the TemplateId the template call answered."""
    if call.action != "CreateLiveCallbackRule" or answer is None:
        return call
    return SetupCall(call.provider, call.action, {**call.payload, "TemplateId": answer.data.get("TemplateId", 0)})


def send(provider: Configurable, call: SetupCall) -> Reply:
    """Send one call (paced and retried like every provider call); raises :class:`~bot.errors.ProviderError`."""
    return provider.api.call(call.action, provider.config_request(call.action, call.body()))


def registered_urls(provider: str, answers: list[Reply], settings: ProviderSettings) -> list[str]:
    """The callback URLs configured now for what the bot would replace: Volcengine's record callbacks, Tencent's
    record URLs of templates bound to the configured domain."""
    if provider == "volc":
        return sorted({u for answer in answers for u in _urls(answer.data)})
    if provider == "tencent" and len(answers) == 2 and settings.tencent is not None:
        rules = answers[1].data.get("Rules") or []
        bound = {
            r.get("TemplateId") for r in rules if isinstance(r, dict) and r.get("DomainName") == settings.tencent.domain
        }
        templates = answers[0].data.get("Templates") or []
        return sorted({u for t in templates if isinstance(t, dict) and t.get("TemplateId") in bound for u in _urls(t)})
    return []


def _urls(value: Any) -> set[str]:
    """Every http(s) URL anywhere in ``value``."""
    if isinstance(value, str):
        return {value} if value.startswith(("http://", "https://")) else set()
    if isinstance(value, Mapping):
        return {u for v in value.values() for u in _urls(v)}
    if isinstance(value, list):
        return {u for v in value for u in _urls(v)}
    return set()
