"""What a provider callback says, once read and checked: a file, trouble, or something the bot has no use for."""

from __future__ import annotations

import enum
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.errors import CallbackMalformed
from bot.recordings import RecordedFile

#: Fields that carry a signature: masked before a body is kept in the audit log.
SIGNATURE_FIELDS = frozenset({"sign", "Sign", "signature", "Signature"})


class CallbackKind(enum.StrEnum):
    FILE = "file"  # a recorded file is ready
    TROUBLE = "trouble"  # a start failure, an error, a lost stream, a failed upload
    OTHER = "other"  # acknowledged and audited, nothing to tell anyone (e.g. "recording started")


@dataclass(frozen=True)
class StreamRef:
    """Where a callback's stream lives: domain (or vhost), app and stream (volc, tencent) or a channel (qcloud)."""

    app: str | None
    stream: str
    domain: str | None = None


@dataclass(frozen=True)
class CallbackEvent:
    """One checked callback. ``identity`` is the same for every delivery of the same event (retries, replicas)."""

    provider: str
    kind: CallbackKind
    identity: str
    what: str  # the provider's event name or number, e.g. "100", "record_start_failed", "305"
    task_id: str | None = None
    stream: StreamRef | None = None
    at: datetime | None = None  # a moment inside the recording (the file's start), for matching by window
    file: RecordedFile | None = None
    raw: str = ""  # the body as received, signatures masked
    storage: tuple[str, str] | None = None  # (bucket, path) when the provider names a stored object, not a link
    trouble: str | None = None  # for TROUBLE: start_failed | error | lost_stream | upload_failed


def load_object(body: bytes, *, max_depth: int = 8) -> dict[str, Any]:
    """The body as a JSON object, refusing what no provider sends (not JSON, not an object, nested too deep)."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CallbackMalformed("the body is not JSON") from None
    if not isinstance(value, dict):
        raise CallbackMalformed("the body is not a JSON object")
    if _depth(value) > max_depth:
        raise CallbackMalformed("the body is nested deeper than any callback")
    return value


def _depth(value: Any) -> int:
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


def masked_raw(body: Mapping[str, Any]) -> str:
    """The body for the audit log: every signature field masked, at any depth."""

    def mask(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: ("****" if k in SIGNATURE_FIELDS else mask(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return value

    return json.dumps(mask(dict(body)), ensure_ascii=False, sort_keys=True)


def body_identity(provider: str, body: Mapping[str, Any], *, unsigned: frozenset[str]) -> str:
    """A stable id for an event without one of its own: its body minus the per-delivery fields (``t``, ``sign``)."""
    kept = {k: v for k, v in body.items() if k not in unsigned}
    digest = hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:32]
    return f"{provider}:body:{digest}"


def text_field(body: Mapping[str, Any], *names: str) -> str | None:
    """The first of ``names`` present as a non-empty string or number, as text."""
    for name in names:
        value = body.get(name)
        if isinstance(value, bool):
            continue
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int | float):
            return str(int(value)) if float(value).is_integer() else str(value)
    return None


def number_field(body: Mapping[str, Any], *names: str) -> float | None:
    """The first of ``names`` that reads as a number (providers send numbers as strings too)."""
    for name in names:
        value = body.get(name)
        if isinstance(value, bool) or value is None:
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number) and abs(number) < 1e15:
            return number
    return None


def unix_time(value: float | None) -> datetime | None:
    """A UNIX time (seconds, or milliseconds when it is that large) as a UTC datetime."""
    if value is None or value <= 0:
        return None
    if value > 1e11:
        value /= 1000
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def moment_field(body: Mapping[str, Any], *names: str) -> datetime | None:
    """The first of ``names`` that reads as a moment: a UNIX time (s or ms) or an RFC 3339 text."""
    for name in names:
        value = body.get(name)
        if isinstance(value, str) and not value.strip().isdigit():
            try:
                moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        found = unix_time(number_field(body, name))
        if found is not None:
            return found
    return None


def object_field(body: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``body[name]`` when it is a JSON object, else an empty one."""
    value = body.get(name)
    return value if isinstance(value, dict) else {}
