"""Tencent Cloud Live (CSS) callbacks: event 100 (a recording file) and 332 (recording status).

Signed ``md5(CallbackKey + t)``; answered ``{"code":0}``. Event 100 carries ``task_id`` only for tasks made with
``CreateRecordTask``; ``app`` is the push domain, ``appname`` the app, ``stream_id`` the stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.callbacks.model import (
    CallbackEvent,
    CallbackKind,
    StreamRef,
    body_identity,
    load_object,
    masked_raw,
    number_field,
    text_field,
    unix_time,
)
from bot.callbacks.signing import check_expiring_md5
from bot.errors import CallbackMalformed
from bot.recordings import RecordedFile

PROVIDER = "tencent"
PER_DELIVERY = frozenset({"t", "sign"})
#: Event 332 ``record_event`` values that someone must hear about at once, and the trouble each one is.
TROUBLE = {"record_start_failed": "start_failed", "record_error": "error"}


def read(headers: Mapping[str, str], body: bytes, key: str, now: datetime) -> CallbackEvent:
    """Check and read one callback (raises :class:`~bot.errors.CallbackRefused`)."""
    data = load_object(body)
    check_expiring_md5(key, data.get("t"), data.get("sign"), now)
    return read_event(PROVIDER, data)


def read_event(provider: str, data: Mapping[str, Any]) -> CallbackEvent:
    """The event in a checked body (shared with the legacy LVB, which sends the same event 100)."""
    kind = text_field(data, "event_type")
    if kind is None:
        raise CallbackMalformed("no event_type")
    raw = masked_raw(data)
    stream = _stream(data)
    if kind == "100":
        return _file(provider, data, stream, raw)
    if kind == "332":
        status = text_field(data, "record_event") or ""
        task_id = text_field(data, "session_id", "task_id")
        trouble = TROUBLE.get(status)
        return CallbackEvent(
            provider, CallbackKind.TROUBLE if trouble else CallbackKind.OTHER,
            identity=body_identity(provider, data, unsigned=PER_DELIVERY), what=status or kind, task_id=task_id,
            stream=stream, at=unix_time(number_field(data, "event_time", "start_time")), raw=raw, trouble=trouble,
        )  # fmt: skip
    return CallbackEvent(
        provider, CallbackKind.OTHER, identity=body_identity(provider, data, unsigned=PER_DELIVERY), what=kind,
        stream=stream, raw=raw,
    )  # fmt: skip


def _stream(data: Mapping[str, Any]) -> StreamRef | None:
    stream = text_field(data, "stream_id", "channel_id")
    if stream is None:
        return None
    return StreamRef(app=text_field(data, "appname"), stream=stream, domain=text_field(data, "app"))


def _file(provider: str, data: Mapping[str, Any], stream: StreamRef | None, raw: str) -> CallbackEvent:
    url = text_field(data, "video_url")
    file_key = text_field(data, "file_id", "record_file_id", "video_id") or url
    if file_key is None:
        raise CallbackMalformed("a file event without file_id or video_url")
    started = unix_time(number_field(data, "start_time"))
    size = number_field(data, "file_size")
    task_id = text_field(data, "task_id")
    file = RecordedFile(
        key=file_key,
        provider=provider,
        url=url,
        task_id=task_id,
        started_at=started,
        ended_at=unix_time(number_field(data, "end_time")),
        duration_seconds=number_field(data, "duration"),
        size_bytes=int(size) if size is not None and size >= 0 else None,
        format=text_field(data, "file_format"),
    )
    return CallbackEvent(
        provider, CallbackKind.FILE, identity=f"{provider}:file:{file_key}", what="100", task_id=task_id,
        stream=stream, at=started, file=file, raw=raw,
    )  # fmt: skip
