"""Request signers, as ``httpx.Auth`` subclasses with an injectable clock.

- :class:`VolcSigner` — Volcengine OpenAPI HMAC-SHA256 ("V4"): ``X-Date``, ``X-Content-Sha256``, ``Authorization``.
- :class:`TC3Signer` — Tencent Cloud API 3.0 TC3-HMAC-SHA256: ``X-TC-Timestamp``, ``Authorization``.
- :class:`LegacyMd5Signer` — Tencent legacy LVB: query parameters ``t`` (an expiry) and ``sign = md5(key + t)``.

Each signs the exact bytes of the request it is given, every time it is asked, so a resent request is re-signed with
a fresh clock reading. ``signer.with_clock(fixed)`` gives a copy for dry runs signed "as of" another instant.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx

from bot.secret import Secret

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock (timezone-aware, UTC)."""
    return datetime.now(UTC)


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _host(request: httpx.Request) -> str:
    host = request.headers.get("host") or request.url.netloc.decode("ascii")
    for default_port in (":443", ":80"):
        if host.endswith(default_port):
            return host[: -len(default_port)]
    return host


class VolcSigner(httpx.Auth):
    """Volcengine OpenAPI signature V4 (HMAC-SHA256). Region ``cn-north-1`` and service ``live`` by default."""

    requires_request_body = True

    def __init__(
        self,
        access_key: Secret,
        secret_key: Secret,
        *,
        region: str = "cn-north-1",
        service: str = "live",
        clock: Clock = utc_now,
    ) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self.region = region
        self.service = service
        self.clock = clock

    def with_clock(self, clock: Clock) -> VolcSigner:
        return VolcSigner(self._access_key, self._secret_key, region=self.region, service=self.service, clock=clock)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

    def sign(self, request: httpx.Request) -> None:
        """Add ``X-Date``, ``X-Content-Sha256`` and ``Authorization`` to ``request``."""
        x_date = self.clock().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        short_date = x_date[:8]
        body_hash = _sha256_hex(request.content)
        request.headers["X-Date"] = x_date
        request.headers["X-Content-Sha256"] = body_hash

        values: dict[str, str] = {}
        for name, value in request.headers.items():
            lower = name.lower()
            if lower in ("content-type", "content-md5") or lower.startswith("x-"):
                values[lower] = value.strip()
        values["host"] = _host(request)
        signed_headers = ";".join(sorted(values))
        canonical_headers = "".join(f"{name}:{values[name]}\n" for name in sorted(values))
        query = "&".join(
            f"{quote(key, safe='-_.~')}={quote(value, safe='-_.~')}"
            for key, value in sorted(request.url.params.multi_items())
        )
        canonical_request = "\n".join(
            [request.method, request.url.path or "/", query, canonical_headers, signed_headers, body_hash]
        )
        scope = f"{short_date}/{self.region}/{self.service}/request"
        string_to_sign = f"HMAC-SHA256\n{x_date}\n{scope}\n{_sha256_hex(canonical_request.encode('utf-8'))}"
        key = self._secret_key.reveal().encode("utf-8")
        for part in (short_date, self.region, self.service, "request"):
            key = _hmac(key, part)
        signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        request.headers["Authorization"] = (
            f"HMAC-SHA256 Credential={self._access_key.reveal()}/{scope}, "
            f"SignedHeaders={signed_headers}, Signature={signature}"
        )


class TC3Signer(httpx.Auth):
    """Tencent Cloud API 3.0 signature (TC3-HMAC-SHA256), signing ``content-type;host`` like the official SDK."""

    requires_request_body = True

    def __init__(self, secret_id: Secret, secret_key: Secret, *, service: str, clock: Clock = utc_now) -> None:
        self._secret_id = secret_id
        self._secret_key = secret_key
        self.service = service
        self.clock = clock

    def with_clock(self, clock: Clock) -> TC3Signer:
        return TC3Signer(self._secret_id, self._secret_key, service=self.service, clock=clock)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

    def sign(self, request: httpx.Request) -> None:
        """Add ``X-TC-Timestamp`` and ``Authorization`` to ``request``."""
        now = self.clock().astimezone(UTC)
        timestamp = int(now.timestamp())
        date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        request.headers["X-TC-Timestamp"] = str(timestamp)
        content_type = request.headers.get("content-type", "")
        canonical_request = (
            f"{request.method}\n/\n\ncontent-type:{content_type}\nhost:{_host(request)}\n\n"
            f"content-type;host\n{_sha256_hex(request.content)}"
        )
        scope = f"{date}/{self.service}/tc3_request"
        string_to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{_sha256_hex(canonical_request.encode('utf-8'))}"
        key = _hmac(("TC3" + self._secret_key.reveal()).encode("utf-8"), date)
        key = _hmac(key, self.service)
        key = _hmac(key, "tc3_request")
        signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
        request.headers["Authorization"] = (
            f"TC3-HMAC-SHA256 Credential={self._secret_id.reveal()}/{scope}, "
            f"SignedHeaders=content-type;host, Signature={signature}"
        )


def legacy_sign(key: str, expiry: int) -> str:
    """``md5(key + str(t))`` as lowercase hex (the legacy LVB ``sign`` parameter)."""
    return hashlib.md5((key + str(expiry)).encode("utf-8"), usedforsecurity=False).hexdigest()


class LegacyMd5Signer(httpx.Auth):
    """Tencent legacy LVB ``common_access`` signature: ``t`` = now + ``ttl`` (an expiry), ``sign = md5(key + t)``."""

    def __init__(self, key: Secret, *, ttl: timedelta = timedelta(seconds=60), clock: Clock = utc_now) -> None:
        self._key = key
        self.ttl = ttl
        self.clock = clock

    def with_clock(self, clock: Clock) -> LegacyMd5Signer:
        return LegacyMd5Signer(self._key, ttl=self.ttl, clock=clock)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

    def sign(self, request: httpx.Request) -> None:
        """Set the ``t`` and ``sign`` query parameters of ``request`` (replacing earlier ones)."""
        expiry = int((self.clock() + self.ttl).timestamp())
        url = request.url.copy_set_param("t", str(expiry))
        request.url = url.copy_set_param("sign", legacy_sign(self._key.reveal(), expiry))
