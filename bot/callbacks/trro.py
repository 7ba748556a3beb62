"""TRRO cloud recording callbacks, in TRTC cloud recording's format (the SDK points there; **unconfirmed** for TRRO):
``{EventGroupId: 3, EventType, CallbackTs, EventInfo: {RoomId, UserId, TaskId, EventMsTs, Payload: {…}}}``.

Assumed signature (TRTC's, unconfirmed for TRRO's ``SignKey``): header ``Sign`` = base64(HMAC-SHA256(key, raw body)).
Events used: 305 upload stopped (``Payload.Status`` 0: every file uploaded — a file; otherwise an upload failure),
306 failover (the recording lost its worker: trouble), 310 VOD commit (a file with ``VideoUrl``). Others are audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.callbacks.model import (
    CallbackEvent,
    CallbackKind,
    body_identity,
    load_object,
    masked_raw,
    number_field,
    object_field,
    text_field,
    unix_time,
)
from bot.callbacks.signing import check_body_hmac
from bot.errors import CallbackMalformed
from bot.recordings import RecordedFile

PROVIDER = "trro"


def read(headers: Mapping[str, str], body: bytes, key: str, now: datetime) -> CallbackEvent:
    """Check and read one callback (raises :class:`~bot.errors.CallbackRefused`)."""
    check_body_hmac(key, headers, body)
    data = load_object(body)
    info = data.get("EventInfo")
    what = text_field(data, "EventType")
    if not isinstance(info, dict) or what is None:
        raise CallbackMalformed("no EventType or EventInfo")
    payload = object_field(info, "Payload")
    task_id = text_field(info, "TaskId")
    at = unix_time(number_field(info, "EventMsTs", "EventTs"))
    raw = masked_raw(data)
    identity = body_identity(PROVIDER, data, unsigned=frozenset({"CallbackTs"}))
    status = number_field(payload, "Status")
    if what == "306" or (what == "305" and status not in (None, 0)):
        trouble = "lost_stream" if what == "306" else "upload_failed"
        return CallbackEvent(
            PROVIDER, CallbackKind.TROUBLE, identity=identity, what=what, task_id=task_id, at=at, raw=raw,
            trouble=trouble,
        )  # fmt: skip
    if what == "310" and text_field(payload, "VideoUrl"):
        file_key = text_field(payload, "FileId") or str(text_field(payload, "VideoUrl"))
        started = unix_time(number_field(payload, "StartTimeStamp"))
        ended = unix_time(number_field(payload, "EndTimeStamp"))
        duration = (ended - started).total_seconds() if started and ended and ended > started else None
        file = RecordedFile(
            key=file_key, provider=PROVIDER, url=text_field(payload, "VideoUrl"), task_id=task_id,
            started_at=started, ended_at=ended, duration_seconds=duration, format="mp4",
        )  # fmt: skip
        return CallbackEvent(
            PROVIDER, CallbackKind.FILE, identity=f"{PROVIDER}:file:{file_key}", what=what, task_id=task_id, at=at,
            file=file, raw=raw,
        )  # fmt: skip
    if what == "305" and task_id:
        file = RecordedFile(key=f"{task_id}/", provider=PROVIDER, url=None, task_id=task_id, format="m3u8")
        return CallbackEvent(
            PROVIDER, CallbackKind.FILE, identity=f"{PROVIDER}:uploaded:{task_id}", what=what, task_id=task_id,
            at=at, file=file, raw=raw, storage=("", f"{task_id}/"),
        )  # fmt: skip
    return CallbackEvent(PROVIDER, CallbackKind.OTHER, identity=identity, what=what, task_id=task_id, at=at, raw=raw)
