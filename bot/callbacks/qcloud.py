"""Tencent legacy LVB event notifications (``fcgi.video.qcloud.com``): event 100 is a recording file, 0/1 push
end/start. Signed like Tencent Cloud Live (``md5(key + t)``), answered ``{"code":0}``; matched by ``channel_id``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.callbacks.model import CallbackEvent, load_object
from bot.callbacks.signing import check_expiring_md5
from bot.callbacks.tencent import read_event

PROVIDER = "qcloud"


def read(headers: Mapping[str, str], body: bytes, key: str, now: datetime) -> CallbackEvent:
    """Check and read one callback (raises :class:`~bot.errors.CallbackRefused`)."""
    data = load_object(body)
    check_expiring_md5(key, data.get("t"), data.get("sign"), now)
    return read_event(PROVIDER, data)
