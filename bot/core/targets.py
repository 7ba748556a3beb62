"""What to record, per provider: ``app/stream`` (volc, tencent), ``<device>/<video_stream_id>`` (trro), a channel id
(qcloud). The rules are Volcengine's name rules: ``[A-Za-z0-9_.-]``, app ≤ 30, stream ≤ 100 characters."""

from __future__ import annotations

import re

from bot.core.model import ChannelTarget, DeviceTarget, StreamTarget, Target
from bot.errors import Problem
from bot.provider_info import PROVIDERS

NAME = re.compile(r"[A-Za-z0-9_.\-]+")
APP_MAX = 30
STREAM_MAX = 100
DEVICE_MAX = 100
CHANNEL = re.compile(r"\d+_[A-Za-z0-9_.\-]+")
EXAMPLES = {info.key: info.target_example for info in PROVIDERS}


def looks_like_target(word: str) -> bool:
    """Whether ``word`` could be a target for some provider (used to tell targets from typos of subcommands)."""
    if "://" in word:
        return False
    if "/" in word:
        first, _, second = word.partition("/")
        return (
            bool(NAME.fullmatch(first)) and bool(NAME.fullmatch(second)) and not (first.isdigit() and second.isdigit())
        )
    return bool(CHANNEL.fullmatch(word))


def _only_dots(name: str) -> bool:
    """``.``, ``..``, …: a path step, not a name (it would build ``http://pull.example.com/../x.flv``)."""
    return set(name) == {"."}


def parse_target(word: str, provider: str) -> Target:
    """The target ``word`` names on ``provider``. Raises :class:`Problem` quoting it when it does not fit."""
    example = EXAMPLES[provider]
    if provider == "qcloud":
        if CHANNEL.fullmatch(word) and len(word) <= STREAM_MAX:  # starts with digits: never only dots
            return ChannelTarget(word)
        raise Problem("parse.bad_channel", quote=word, target_example=example)
    app, slash, stream = word.partition("/")
    if not slash or not app or not stream:
        raise Problem("parse.bad_target", quote=word, provider=provider, target_example=example)
    if provider == "trro":
        if not NAME.fullmatch(app) or _only_dots(app) or len(app) > DEVICE_MAX or not stream.isdigit():
            raise Problem("parse.bad_device", quote=word, target_example=example)
        return DeviceTarget(app, int(stream))
    if not NAME.fullmatch(app) or not NAME.fullmatch(stream):
        raise Problem("parse.bad_name_chars", quote=word, target_example=example)
    if _only_dots(app) or _only_dots(stream):
        raise Problem("parse.dots_name", quote=word, target_example=example)
    if len(app) > APP_MAX:
        raise Problem("parse.name_too_long", quote=app, part="app", limit=str(APP_MAX))
    if len(stream) > STREAM_MAX:
        raise Problem("parse.name_too_long", quote=stream[:20] + "…", part="stream", limit=str(STREAM_MAX))
    return StreamTarget(app, stream)
