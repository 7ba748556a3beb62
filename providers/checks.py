"""Checks shared by the providers' ``validate``: every problem is collected, then raised together.

Each problem is a :class:`~bot.errors.BotError` with a ``check.*`` catalogue key (see
``bot/catalogue/provider_checks.py``), so the card can list them in the reader's language.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from bot.core.model import ChannelTarget, DeviceTarget, StreamTarget, Target, TaskRequest
from bot.errors import BotError, ValidationError

APP_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,30}$")
STREAM_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
DEVICE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
CHANNEL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

#: The option names of :class:`~bot.core.model.Options`, as the person types them.
OPTION_WORDS = {
    "format": "as <format>",
    "audio_only": "audio",
    "template_id": "template <id>",
    "region": "region <r>",
    "split": "split <duration>",
    "idle": "idle <duration>",
}


def minutes(delta: timedelta) -> str:
    """A duration in words for a problem message (``90 min``, ``26 h``, ``7 d``), to the nearest minute."""
    total = round(delta.total_seconds() / 60)
    if total % 1440 == 0 and total >= 2880:
        return f"{total // 1440} d"
    if total % 60 == 0 and total >= 60:
        return f"{total // 60} h"
    return f"{total} min"


class Problems:
    """Collects the problems of one request for one provider."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.items: list[BotError] = []

    def add(self, key: str, **params: Any) -> None:
        self.items.append(BotError(key, **params))

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.provider, self.items)

    def kind(self, request: TaskRequest, allowed: tuple[str, ...]) -> None:
        if request.kind not in allowed:
            self.add("check.kind", kind=request.kind, provider=self.provider)

    def unsupported_options(self, request: TaskRequest, allowed: set[str]) -> None:
        """Options the person set that this provider cannot honour (never silently ignored)."""
        options = request.options
        for name, word in OPTION_WORDS.items():
            value = getattr(options, name)
            if name not in allowed and value not in (None, False):
                self.add("check.option_unsupported", option=word, provider=self.provider)

    def stream_target(self, target: Target) -> None:
        if not isinstance(target, StreamTarget):
            self.add("check.target_stream", target=target.label(), provider=self.provider)
            return
        if not APP_NAME.match(target.app):
            self.add("check.app_name", app=target.app)
        if not STREAM_NAME.match(target.stream):
            self.add("check.stream_name", stream=target.stream)

    def device_target(self, target: Target) -> None:
        if not isinstance(target, DeviceTarget):
            self.add("check.target_device", target=target.label())
            return
        if not DEVICE_ID.match(target.device):
            self.add("check.device_id", device=target.device)
        if target.video_stream_id < 0:
            self.add("check.video_stream_id", value=str(target.video_stream_id))

    def channel_target(self, target: Target) -> None:
        if not isinstance(target, ChannelTarget):
            self.add("check.target_channel", target=target.label())
            return
        if not CHANNEL_ID.match(target.channel_id):
            self.add("check.channel_id", channel=target.channel_id)

    def window_ahead(self, request: TaskRequest, now: datetime) -> bool:
        """The window exists, ends after it starts and ends in the future. Returns whether it is usable."""
        window = request.window
        if window is None:
            self.add("check.window_required", provider=self.provider)
            return False
        ok = True
        if window.end <= window.start:
            self.add("check.end_before_start")
            ok = False
        if window.end <= now:
            self.add("check.end_passed")
            ok = False
        return ok

    def at_most(self, span: timedelta, limit: timedelta, what: str) -> None:
        """``what`` is ``record``, ``realtime`` or ``relay`` (catalogue key ``check.too_long_<what>``)."""
        if span > limit:
            self.add(f"check.too_long_{what}", limit=minutes(limit), provider=self.provider, actual=minutes(span))


def starts_now(request: TaskRequest, now: datetime) -> bool:
    """Whether the window starts at once: said so, or its start has already passed by the time of the call."""
    window = request.window
    return window is not None and (window.starts_now or window.start <= now)
