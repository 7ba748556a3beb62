"""Every fact about each provider that more than one part of the bot needs, in one frozen registry.

The parser reads the names people type, the card and error texts read the display and console names, the
configuration and permissions read the keys, the provider classes read what they can do. Adding a provider starts
here (then ``providers/`` for its calls). Pure data: the core may import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class ProviderInfo:
    """One provider as the bot knows it."""

    key: str  # what `on <provider>` and the configuration use
    name_en: str  # for people: on cards, in thread replies and error texts
    name_zh: str
    aliases: tuple[str, ...]  # every other spelling people type (lower case), e.g. ``ve``, ``火山``
    family: str  # whose error codes it answers with ("tencent" for trro)
    console_en: str  # whose console a person opens to check ("Tencent Cloud")
    console_zh: str
    target_example: str  # a target of the shape this provider takes
    keeps_window: bool  # False: the bot creates the task at the window's start and deletes it at the end
    can_look_up: bool  # a task can be found again after an unclear create
    relays: bool  # can pull a source into a stream (`/relay`)

    def name(self, lang: str) -> str:
        """The display name in ``lang`` (``en`` or ``zh-CN``)."""
        return self.name_zh if lang.lower().startswith("zh") else self.name_en

    def console(self, lang: str) -> str:
        """Whose console to check, in ``lang``."""
        return self.console_zh if lang.lower().startswith("zh") else self.console_en


PROVIDERS: tuple[ProviderInfo, ...] = (
    ProviderInfo(
        key="volc", name_en="Volcengine", name_zh="火山引擎", aliases=("volcengine", "ve", "火山", "火山引擎"),
        family="volc", console_en="Volcengine", console_zh="火山引擎", target_example="live/stream001",
        keeps_window=True, can_look_up=True, relays=True,
    ),
    ProviderInfo(
        key="tencent", name_en="Tencent Cloud Live", name_zh="腾讯云直播", aliases=("tx", "css", "腾讯", "腾讯云"),
        family="tencent", console_en="Tencent Cloud", console_zh="腾讯云", target_example="live/stream001",
        keeps_window=True, can_look_up=True, relays=False,
    ),
    ProviderInfo(
        key="qcloud", name_en="Tencent LVB (legacy)", name_zh="腾讯云 LVB（旧版）", aliases=("lvb", "tencent-legacy"),
        family="qcloud", console_en="Tencent Cloud", console_zh="腾讯云", target_example="8888_test123",
        keeps_window=True, can_look_up=False, relays=False,
    ),
    ProviderInfo(
        key="trro", name_en="Tencent TRRO", name_zh="腾讯云 TRRO", aliases=(), family="tencent",
        console_en="Tencent Cloud", console_zh="腾讯云", target_example="device01/0",
        keeps_window=False, can_look_up=False, relays=False,
    ),
)  # fmt: skip

#: The provider keys, in the registry's order.
PROVIDER_KEYS: tuple[str, ...] = tuple(info.key for info in PROVIDERS)
BY_KEY: Mapping[str, ProviderInfo] = MappingProxyType({info.key: info for info in PROVIDERS})


def provider_info(key: str) -> ProviderInfo | None:
    """The registry entry for ``key``, or None for a key the bot does not know."""
    return BY_KEY.get(key)


def display_name(key: str, lang: str) -> str:
    """The provider's name for people in ``lang``, or the key itself when unknown."""
    info = BY_KEY.get(key)
    return info.name(lang) if info is not None else key
