"""The providers' callback signatures.

- Tencent Cloud Live, legacy LVB and Volcengine: ``sign = md5(key + str(t))`` (lower-case hex), ``t`` an expiry UNIX
  time about 10 minutes after sending. It does not cover the body (see :mod:`bot.callbacks.desk` for what limits a
  replayed pair). Volcengine sends ``t=0``, ``sign=""`` when auth is off: refused like any unsigned callback.
- TRRO (assumed to sign like TRTC cloud recording; unconfirmed): header ``Sign`` =
  ``base64(HMAC-SHA256(key, raw body))``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

from bot.errors import CallbackUnauthorized


def check_expiring_md5(key: str, t: object, sign: object, now: datetime) -> None:
    """Raise :class:`CallbackUnauthorized` unless ``sign`` is ``md5(key + t)`` and ``t`` has not passed."""
    if isinstance(t, bool) or not isinstance(t, int | str) or not str(t).strip().isdigit():
        raise CallbackUnauthorized("no expiry time t")
    expiry = int(str(t).strip())
    if expiry == 0 or not isinstance(sign, str) or not sign:
        raise CallbackUnauthorized("unsigned (t=0 or an empty sign): enable callback authentication")
    expected = hashlib.md5((key + str(expiry)).encode("utf-8"), usedforsecurity=False).hexdigest()
    if not hmac.compare_digest(expected, sign.strip().lower()):
        raise CallbackUnauthorized("wrong signature")
    if expiry < now.timestamp():
        raise CallbackUnauthorized("expired: t has passed")


def check_body_hmac(key: str, headers: Mapping[str, str], body: bytes) -> None:
    """Raise :class:`CallbackUnauthorized` unless header ``Sign`` is ``base64(HMAC-SHA256(key, body))``."""
    given = next((value for name, value in headers.items() if name.lower() == "sign"), "")
    if not given:
        raise CallbackUnauthorized("no Sign header")
    expected = base64.b64encode(hmac.new(key.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")
    if not hmac.compare_digest(expected, given.strip()):
        raise CallbackUnauthorized("wrong signature")


def expiring_md5(key: str, t: int) -> str:
    """The signature a provider would send with expiry ``t`` (for ``python -m bot callbacks`` and the fakes)."""
    return hashlib.md5((key + str(t)).encode("utf-8"), usedforsecurity=False).hexdigest()
