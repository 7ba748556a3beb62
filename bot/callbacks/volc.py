"""Volcengine Live ``record`` callbacks (message type ``record``, "recording task status").

Signed ``md5(AuthKeyPrimary + t)``; ``t=0``/``sign=""`` (auth off) is refused. The body may be flat or the envelope
``{code, message, data: {vhost, domain, app, stream, event_type, sign, t, detail: {…}}}``. **Unconfirmed**: the fields
of a record event. This reader is tolerant: a link (``url``/``FileUrl``…) or a stored object (``Bucket`` + ``Path``)
makes it a file; an ``event_type`` naming a failure or an interruption makes it trouble; the raw body is kept.
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
    moment_field,
    number_field,
    object_field,
    text_field,
)
from bot.callbacks.signing import check_expiring_md5
from bot.errors import CallbackMalformed
from bot.recordings import RecordedFile

PROVIDER = "volc"
PER_DELIVERY = frozenset({"t", "sign", "code", "message"})
_URL_FIELDS = ("url", "URL", "Url", "FileUrl", "file_url", "video_url", "VideoUrl")
_TIME_FIELDS = ("StartTime", "start_time", "start", "time", "timestamp", "Timestamp")
_TROUBLE_WORDS = (("fail", "start_failed"), ("error", "error"), ("interrupt", "lost_stream"), ("lost", "lost_stream"))


def read(headers: Mapping[str, str], body: bytes, key: str, now: datetime) -> CallbackEvent:
    """Check and read one callback (raises :class:`~bot.errors.CallbackRefused`)."""
    outer = load_object(body)
    data = object_field(outer, "data") or outer
    check_expiring_md5(key, data.get("t", outer.get("t")), data.get("sign", outer.get("sign")), now)
    return _event(outer, data)


def read_kept(body: bytes) -> CallbackEvent:
    """Read a callback body the provider's own API returned (``DescribeLiveCallbackData``, a delivery that failed):
    it came over the bot's authenticated API call, and its ``t`` has long expired, so no signature is checked."""
    outer = load_object(body)
    return _event(outer, object_field(outer, "data") or outer)


def _event(outer: dict[str, Any], data: dict[str, Any]) -> CallbackEvent:
    detail = object_field(data, "detail")
    merged: dict[str, Any] = {**data, **detail}
    stream_name = text_field(merged, "stream", "Stream")
    if stream_name is None:
        raise CallbackMalformed("no stream")
    stream = StreamRef(
        app=text_field(merged, "app", "App"), stream=stream_name, domain=text_field(merged, "vhost", "domain")
    )
    what = text_field(merged, "event_type", "EventType") or "record"
    raw = masked_raw(outer)
    at = moment_field(merged, *_TIME_FIELDS)
    task_id = text_field(merged, "TaskId", "task_id", "TaskID")
    url = text_field(merged, *_URL_FIELDS)
    bucket, path = text_field(merged, "Bucket", "bucket"), text_field(merged, "Path", "path", "ObjectKey")
    lowered = what.lower()
    trouble = next((kind for word, kind in _TROUBLE_WORDS if word in lowered), None)
    if trouble is None and (url or path):
        file_key = "/".join(part or "-" for part in (stream.domain, stream.app, stream.stream, path or url))
        duration = number_field(merged, "Duration", "duration")
        size = number_field(merged, "Size", "size", "FileSize", "file_size")
        file = RecordedFile(
            key=file_key, provider=PROVIDER, url=url, task_id=task_id, started_at=at,
            ended_at=moment_field(merged, "EndTime", "end_time", "end"), duration_seconds=duration,
            size_bytes=int(size) if size is not None and size >= 0 else None,
            format=text_field(merged, "Format", "format", "file_format"),
        )  # fmt: skip
        return CallbackEvent(
            PROVIDER, CallbackKind.FILE, identity=f"{PROVIDER}:file:{file_key}", what=what, task_id=task_id,
            stream=stream, at=at, file=file, raw=raw, storage=(bucket or "", path) if path and not url else None,
        )  # fmt: skip
    return CallbackEvent(
        PROVIDER, CallbackKind.TROUBLE if trouble else CallbackKind.OTHER,
        identity=body_identity(PROVIDER, {**merged, "sign": None, "t": None}, unsigned=PER_DELIVERY), what=what,
        task_id=task_id, stream=stream, at=at, raw=raw, trouble=trouble,
    )  # fmt: skip
