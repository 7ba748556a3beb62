"""The checks every new request passes, whether it becomes a card or a dry run: permissions (where the person acts),
the relay-source host policy, the provider's own validation, and whether the store answers.

A dry run passes exactly these checks, is audited, and shows the signed requests with every signature masked, so
what it shows cannot be replayed (``python -m bot request``, the operator's tool, calls the provider directly and
keeps real signatures).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.core.model import TaskRequest
from bot.core.sources import display_source, source_refusal
from bot.errors import BotError, PermissionDenied, StoreUnavailable, ValidationError
from bot.flow.ports import AuditTrail, ProviderLookup
from bot.lifecycle import AuditAction, AuditOutcome, StoredRequest
from bot.permissions import Permissions
from bot.secret import MASK
from providers.base import PlannedCall, Provider

log = logging.getLogger(__name__)

#: Header, query and body field names that carry a signature or a credential.
SIGNED_NAME = re.compile(r"authorization|signature|^sign$|token|secret|credential|password", re.IGNORECASE)
_SIGNATURE_IN_HEADER = re.compile(r"(Signature=)[^,\s]+", re.IGNORECASE)

#: Whether the store can be written; raises or returns False when it cannot (see ``SqlRequestStore.healthy``).
StoreProbe = Callable[[], bool]


class Admission:
    """Decides whether a new request may go ahead (a proposal or a dry run)."""

    def __init__(
        self,
        *,
        permissions: Permissions,
        providers: ProviderLookup,
        audit: AuditTrail | None,
        allowed_source_hosts: Collection[str] = (),
        store_probe: StoreProbe | None = None,
    ) -> None:
        self.permissions = permissions
        self.providers = providers
        self.audit = audit
        self.allowed_source_hosts = tuple(allowed_source_hosts)
        self.store_probe = store_probe

    def check(
        self, requester: str, request: TaskRequest, *, channel: str | None, raw_text: str, now: datetime
    ) -> Provider:
        """Raise :class:`PermissionDenied` (audited), :class:`ValidationError` or :class:`StoreUnavailable`;
        return the provider that would run ``request``."""
        try:
            self.permissions.check_request(requester, request, channel)
        except PermissionDenied as denied:
            self.record_denial(requester, denied, channel=channel, raw_text=raw_text, request=request)
            raise
        refusals = [r for url in request.sources if (r := source_refusal(url, self.allowed_source_hosts))]
        if refusals:
            raise ValidationError(request.provider, [BotError(r.key, url=r.shown) for r in refusals])
        provider = self.providers.get(request.provider)
        provider.validate(request, now)
        if self.store_probe is not None and not _answers(self.store_probe):
            raise StoreUnavailable()
        return provider

    def check_cancel(self, user: str, stored: StoredRequest, *, where: str | None) -> None:
        """Raise :class:`PermissionDenied` (audited) unless ``user`` may cancel, stop or extend ``stored`` where they
        act (``where``: the channel, None outside any)."""
        try:
            self.permissions.check_cancel(user, stored.requester, stored.request.provider, where)
        except PermissionDenied as denied:
            self.record_denial(user, denied, channel=where, raw_text=stored.text, request=stored.request)
            raise

    def record_denial(
        self, actor: str, denied: PermissionDenied, *, channel: str | None, raw_text: str, request: TaskRequest
    ) -> None:
        """Audit a refusal (a proposal, a dry run, a cancel or an extend someone may not make here). Never raises:
        the audit log must not change the answer."""
        try:
            self._audit(
                actor,
                AuditAction.DENIED,
                outcome=AuditOutcome.DENIED,
                channel=channel,
                raw_text=raw_text,
                request=request,
                detail=denied.key,
            )
        except Exception as exc:  # only the type: a database error's text carries the SQL and its parameters
            log.error("could not audit a permission denial for %s: %s", actor, type(exc).__name__)

    def dry_run(
        self, requester: str, request: TaskRequest, *, channel: str | None, raw_text: str, now: datetime
    ) -> list[PlannedCall]:
        """The requests Confirm would send at ``now``, after the same checks as a proposal, audited, every
        signature and credential masked."""
        provider = self.check(requester, request, channel=channel, raw_text=raw_text, now=now)
        calls = [masked_call(call) for call in provider.plan(request, now)]
        self._audit(
            requester, AuditAction.DRY_RUN, outcome=AuditOutcome.OK, channel=channel, raw_text=raw_text, request=request
        )
        return calls

    def _audit(
        self,
        actor: str,
        action: AuditAction,
        *,
        outcome: AuditOutcome,
        channel: str | None,
        raw_text: str,
        request: TaskRequest,
        detail: str | None = None,
    ) -> None:
        if self.audit is None:
            return
        self.audit.record(
            actor=actor,
            action=action,
            outcome=outcome,
            channel=channel,
            provider=request.provider,
            raw_text=raw_text,
            request=request,
            detail=detail,
        )


def _answers(probe: StoreProbe) -> bool:
    try:
        return probe()
    except Exception:  # any failure of the probe means the store cannot be trusted with a card
        return False


def masked_call(call: PlannedCall) -> PlannedCall:
    """``call`` with every signature, signed query parameter and credential field replaced by ``****``, and URLs in
    the body (relay sources) without their query."""
    headers = {name: _masked_header(name, value) for name, value in call.headers.items()}
    return replace(call, headers=headers, url=_masked_url(call.url), body=_masked_body(call.body))


def _masked_header(name: str, value: str) -> str:
    if not SIGNED_NAME.search(name):
        return value
    masked = _SIGNATURE_IN_HEADER.sub(lambda m: m.group(1) + MASK, value)
    return masked if masked != value else MASK


def _masked_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [(k, MASK if SIGNED_NAME.search(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="*")))


def _masked_body(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body
    masked = _masked_value(data)
    return body if masked == data else json.dumps(masked, ensure_ascii=False)


def _masked_value(value: object) -> object:
    if isinstance(value, dict):
        return {k: MASK if SIGNED_NAME.search(str(k)) else _masked_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked_value(v) for v in value]
    if isinstance(value, str) and "://" in value:
        return display_source(value)  # a relay source's query holds its stream token
    return value
