"""Sending one provider call: rate limit, sign, send, map every failure to one :class:`~bot.errors.ProviderError`.

- :class:`ApiClient` sends a built ``httpx.Request`` and hands the response to the family's parser. It retries only
  when the provider definitely did not act: rate limits (with backoff) and an expired signature (re-signed once).
- :func:`create_without_duplicates` wraps a create: after an unclear outcome (timeout, reset, 5xx, unreadable body)
  it looks the task up where it can: found → the task, not found → :class:`~bot.errors.TaskNotCreated` (safe to try
  again); no look-up, or a failed one → :class:`~bot.errors.OutcomeUnknown`. Never a blind second create.
- :func:`planned_call` renders a signed request for a dry run, with secrets masked.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bot.errors import OutcomeUnknown, ProviderError, Retry, TaskNotCreated
from bot.secret import MASK, scrub
from providers.base import PlannedCall, TaskResult
from providers.ratelimit import RateLimits

log = logging.getLogger("providers")


@dataclass(frozen=True)
class Reply:
    """A successful answer: the family's result object and the provider's RequestId."""

    data: Mapping[str, Any]
    request_id: str | None


@dataclass(frozen=True)
class ErrorPolicy:
    """How a family's error codes are classified. A code matches an entry exactly or as ``entry.<anything>``."""

    rate_limited: frozenset[str]
    expired_signature: frozenset[str]
    maybe_acted: frozenset[str]
    #: The shortest pause before any retry (qcloud: retries within 3 s can duplicate tasks).
    min_retry_delay: float = 0.0

    def retry_for(self, code: str, http_status: int | None = None) -> Retry:
        if _matches(code, self.rate_limited) or _matches(code, self.expired_signature) or http_status == 429:
            return Retry.SAFE
        if _matches(code, self.maybe_acted) or (http_status is not None and http_status >= 500):
            return Retry.AFTER_LOOKUP
        return Retry.NEVER


def _matches(code: str, codes: Iterable[str]) -> bool:
    return any(code == c or code.startswith(c + ".") for c in codes)


Parser = Callable[[httpx.Response, str], Reply]

#: The outcome of a call that got a usable answer; a failed one is told by its error code.
OK = "ok"


@dataclass(frozen=True)
class CallRecord:
    """One provider HTTP call as an observer hears of it: each attempt, retries included."""

    provider: str
    action: str
    outcome: str  # OK, or the error code (``Timeout``, ``RequestLimitExceeded``, ...)
    seconds: float


CallObserver = Callable[[CallRecord], None]
_observers: list[CallObserver] = []


def observe_calls(observer: CallObserver | None) -> None:
    """Tell ``observer`` about every provider call from now on (the bot's metrics set it); None stops telling.
    Kept here so that ``providers`` needs nothing from the bot to be observed."""
    _observers[:] = [] if observer is None else [observer]


def _tell(record: CallRecord) -> None:
    for observer in _observers:
        try:
            observer(record)
        except Exception:  # an observer must never fail a provider call
            log.exception("provider call observer failed")


#: Backoff for rate-limited calls: ``RETRY_BASE_DELAY * 2**n`` seconds (or the server's Retry-After), capped.
RATE_LIMIT_RETRIES = 3
RETRY_BASE_DELAY = 0.25
RETRY_MAX_DELAY = 2.0


class ApiClient:
    """Sends one family's calls. ``secrets`` are scrubbed from any provider message before it goes into an error."""

    def __init__(
        self,
        provider: str,
        http: httpx.Client,
        parse: Parser,
        policy: ErrorPolicy,
        limits: RateLimits,
        *,
        secrets: Iterable[str] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.provider = provider
        self.http = http
        self.parse = parse
        self.policy = policy
        self.limits = limits
        self._secrets = tuple(s for s in secrets if s)
        self._sleep = sleep

    def close(self) -> None:
        self.http.close()

    def call(self, action: str, request: httpx.Request) -> Reply:
        """Send ``request`` (signed by the client's auth) and parse it; raises :class:`ProviderError`."""
        rate_limited = 0
        resigned = False
        while True:
            self.limits.acquire(self.provider, action)
            started = time.monotonic()
            try:
                reply = scrubbed_reply(self.parse(self._send(action, request), action))
            except ProviderError as error:
                scrub_error(error, self.redact)
                seconds = time.monotonic() - started
                _tell(CallRecord(self.provider, action, error.code, seconds))
                log.warning(
                    "%s %s failed: %s (RequestId %s, %.2f s)",
                    self.provider, action, error.code, error.request_id, seconds,
                )  # fmt: skip
                if error.retry is Retry.SAFE and _matches(error.code, self.policy.expired_signature) and not resigned:
                    resigned = True
                    self._sleep(self.policy.min_retry_delay)
                    continue
                is_rate_limit = _matches(error.code, self.policy.rate_limited) or error.http_status == 429
                if error.retry is Retry.SAFE and is_rate_limit and rate_limited < RATE_LIMIT_RETRIES:
                    delay = RETRY_BASE_DELAY * 2**rate_limited
                    after = error.details.get("retry_after")
                    if isinstance(after, float):
                        delay = max(delay, after)
                    self._sleep(max(min(delay, RETRY_MAX_DELAY), self.policy.min_retry_delay))
                    rate_limited += 1
                    continue
                raise
            seconds = time.monotonic() - started
            _tell(CallRecord(self.provider, action, OK, seconds))
            log.info("%s %s ok (RequestId %s, %.2f s)", self.provider, action, reply.request_id, seconds)
            return reply

    def _send(self, action: str, request: httpx.Request) -> httpx.Response:
        failure = self._failure(action)
        try:
            return self.http.send(request)
        except httpx.ConnectTimeout as exc:
            raise failure("ConnectionFailed", "could not connect in time", Retry.SAFE) from exc
        except httpx.TimeoutException as exc:
            seconds = self.http.timeout.read
            raise failure("Timeout", f"no answer within {seconds:g} s", Retry.AFTER_LOOKUP) from exc
        except httpx.ConnectError as exc:
            raise failure("ConnectionFailed", "could not connect (refused or unreachable)", Retry.SAFE) from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise failure(
                "ConnectionFailed", "the connection was closed before an answer came", Retry.AFTER_LOOKUP
            ) from exc
        except httpx.HTTPError as exc:
            raise failure("ConnectionFailed", type(exc).__name__, Retry.AFTER_LOOKUP) from exc

    def _failure(self, action: str) -> Callable[[str, str, Retry], ProviderError]:
        def make(code: str, message: str, retry: Retry) -> ProviderError:
            return ProviderError(self.provider, code, message, None, action=action, retry=retry)

        return make

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


def scrub_value(value: Any) -> Any:
    """``value`` (a provider's answer) with every configured secret masked in every string, keys included."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {scrub(str(k)): scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_value(v) for v in value]
    return value


def scrubbed_reply(reply: Reply) -> Reply:
    """A successful answer with every configured secret masked (TaskIds, RequestId, any text)."""
    request_id = scrub(reply.request_id) if reply.request_id else reply.request_id
    return Reply(data=scrub_value(reply.data), request_id=request_id)


def scrub_error(error: ProviderError, redact: Callable[[str], str] = scrub) -> None:
    """Mask every configured secret in every field the provider filled (code, message, RequestId, details)."""
    error.code = scrub(redact(error.code))
    error.message = scrub(redact(error.message))
    if error.request_id:
        error.request_id = scrub(redact(error.request_id))
    error.details = scrub_value(error.details)
    error.params.update(code=error.code, message=error.message, request_id=error.request_id or "-")


def read_json(response: httpx.Response, provider: str, action: str, policy: ErrorPolicy) -> dict[str, Any]:
    """The response body as a JSON object, or a :class:`ProviderError` (``BadResponse`` / ``HttpError``)."""
    status = response.status_code
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        data = None
    if isinstance(data, dict):
        return data
    kind = response.headers.get("content-type", "").split(";")[0] or "no content type"
    size = len(response.content)
    what = "an empty body" if not size else f"a body that is not a JSON object ({kind}, {size} bytes)"
    details: dict[str, Any] = {}
    if status == 429:
        details["retry_after"] = _retry_after(response)
    code = "BadResponse" if status < 400 else "HttpError"
    # An unreadable answer to a call that may have been carried out: only a look-up can tell.
    retry = Retry.AFTER_LOOKUP if code == "BadResponse" else policy.retry_for(code, status)
    raise ProviderError(
        provider,
        code,
        f"HTTP {status} with {what}",
        None,
        action=action,
        http_status=status,
        retry=retry,
        details=details,
    )


def raise_for_error(
    provider: str, action: str, policy: ErrorPolicy, status: int, *, error: object, request_id: str | None
) -> None:
    """Raise the provider's error (``error`` is its ``{"Code": .., "Message": ..}`` object), or ``HttpError`` for an
    HTTP error status without one; return when the answer is a success."""
    if isinstance(error, dict) and error.get("Code"):
        code = str(error["Code"])
        raise ProviderError(provider, code, str(error.get("Message") or ""), request_id, action=action,
                            http_status=status, retry=policy.retry_for(code, status))  # fmt: skip
    if status >= 400:
        raise ProviderError(provider, "HttpError", f"HTTP {status} without an error code", request_id, action=action,
                            http_status=status, retry=policy.retry_for("HttpError", status))  # fmt: skip


def task_id_of(provider: str, reply: Reply, action: str) -> str:
    """The ``TaskId`` of a create's answer; an answer without one is ``BadResponse`` (the call may have acted)."""
    task_id = reply.data.get("TaskId")
    if not task_id:
        raise ProviderError(
            provider,
            "BadResponse",
            "the answer has no TaskId",
            reply.request_id,
            action=action,
            retry=Retry.AFTER_LOOKUP,
        )
    return str(task_id)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None


def create_without_duplicates(
    provider: str, action: str, send: Callable[[], TaskResult], find: Callable[[], str | None] | None
) -> TaskResult:
    """Send a create once. If the outcome is unclear, look the task up (``find``) instead of creating it again.

    The look-up decides when it answers: found → that task; not found → :class:`~bot.errors.TaskNotCreated` (nothing
    was created, retrying is safe). Without a look-up, or when it fails too → :class:`~bot.errors.OutcomeUnknown`.
    """
    try:
        return send()
    except ProviderError as error:
        if error.retry is not Retry.AFTER_LOOKUP:
            raise
        looked_up = False
        if find is not None:
            try:
                task_id = find()
                looked_up = True
            except ProviderError as lookup_error:
                log.warning("%s look-up after an unclear %s failed: %s", provider, action, lookup_error.code)
                task_id = None
            if task_id:
                return TaskResult(provider=provider, action=action, task_id=task_id, request_id=error.request_id)
        facts = (provider, error.code, error.message, error.request_id)
        if looked_up:
            raise TaskNotCreated(*facts, action=action, http_status=error.http_status, details=error.details) from error
        raise OutcomeUnknown(
            *facts, action=action, http_status=error.http_status, retry=Retry.AFTER_LOOKUP, details=error.details
        ) from error


def lookup_inconclusive(provider: str, action: str, why: str) -> ProviderError:
    """The look-up could not settle whether the task exists (too many pages, an unreadable page, a request it cannot
    search for): raised instead of answering "not found", so the outcome stays unknown rather than wrongly failed."""
    return ProviderError(provider, "LookupInconclusive", why, None, action=action, retry=Retry.AFTER_LOOKUP)


def sign_for_plan(auth: httpx.Auth, request: httpx.Request) -> httpx.Request:
    """Run ``auth`` over ``request`` without sending it; returns the signed request."""
    flow = auth.sync_auth_flow(request)
    signed = next(flow)
    flow.close()
    return signed


def planned_call(
    provider: str,
    action: str,
    request: httpx.Request,
    *,
    send_at: datetime | None = None,
    masked_body: str | None = None,
) -> PlannedCall:
    """Render a signed request for a dry run. ``masked_body`` replaces the body when it carries secrets."""
    headers = {
        name.decode("ascii"): value.decode("utf-8")
        for name, value in request.headers.raw
        if name.lower() not in (b"content-length", b"accept", b"accept-encoding", b"connection")
    }
    body = masked_body if masked_body is not None else request.content.decode("utf-8")
    return PlannedCall(
        provider=provider,
        action=action,
        method=request.method,
        url=str(request.url),
        headers=headers,
        body=body,
        send_at=send_at,
    )


def new_http_client(timeout: float, auth: httpx.Auth, transport: httpx.BaseTransport | None) -> httpx.Client:
    """An ``httpx.Client`` for one provider: its signer as auth, no redirects, our own timeout."""
    return httpx.Client(
        auth=auth,
        timeout=httpx.Timeout(timeout),
        transport=transport,
        follow_redirects=False,
        headers={"User-Agent": "live-record-bot"},
    )
