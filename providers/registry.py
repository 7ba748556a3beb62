"""The explicit list of provider families, and the registry the rest of the bot asks for a provider by key.

    registry = build_registry(config.providers)
    provider = registry.get("volc")          # raises ProviderNotConfigured naming what is missing
    provider.validate(request, now); result = provider.create(request)

One registry shares one set of client-side rate limits, so every thread of the Slack app respects them together.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from bot.errors import BotError, ProviderNotConfigured
from providers.base import Provider
from providers.config import ProviderSettings, requirements
from providers.qcloud import QcloudProvider
from providers.ratelimit import RateLimits
from providers.signing import utc_now
from providers.tencent import TencentProvider
from providers.trro import TrroProvider
from providers.volc import VolcProvider

#: Every provider family, in the order they are listed to people.
PROVIDER_CLASSES: tuple[type[Any], ...] = (VolcProvider, TencentProvider, QcloudProvider, TrroProvider)
PROVIDER_KEYS: tuple[str, ...] = tuple(cls.key for cls in PROVIDER_CLASSES)


class ProviderRegistry:
    """The configured providers by key (``volc``, ``tencent``, ``qcloud``, ``trro``)."""

    def __init__(self, providers: dict[str, Provider], missing: dict[str, tuple[str, ...]]) -> None:
        self._providers = providers
        self._missing = missing

    def get(self, key: str) -> Provider:
        """The provider for ``key``; raises :class:`ProviderNotConfigured` (or a BotError for an unknown key)."""
        provider = self._providers.get(key)
        if provider is not None:
            return provider
        if key in PROVIDER_KEYS:
            raise ProviderNotConfigured(key, self.missing(key))
        raise BotError("provider.unknown", provider=key, known=", ".join(PROVIDER_KEYS))

    def keys(self) -> tuple[str, ...]:
        """The keys of the configured providers."""
        return tuple(key for key in PROVIDER_KEYS if key in self._providers)

    def configured(self) -> dict[str, bool]:
        """Every known key and whether it is configured."""
        return {key: key in self._providers for key in PROVIDER_KEYS}

    def missing(self, key: str) -> tuple[str, ...]:
        """What a provider that is not configured still needs (empty when it is configured)."""
        if key in self._providers:
            return ()
        return self._missing.get(key) or requirements(key)

    def close(self) -> None:
        """Close every provider's HTTP connections."""
        for provider in self._providers.values():
            close = getattr(provider, "close", None)
            if close is not None:
                close()


def build_registry(
    settings: ProviderSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] | None = None,
    limits: RateLimits | None = None,
) -> ProviderRegistry:
    """Build every configured provider. ``transport``/``clock``/``sleep`` are for tests and dry runs."""
    shared_limits = limits or RateLimits()
    providers: dict[str, Provider] = {}
    for cls in PROVIDER_CLASSES:
        provider_settings = getattr(settings, cls.key)
        if provider_settings is None:
            continue
        providers[cls.key] = cls(
            provider_settings,
            limits=shared_limits,
            transport=transport,
            clock=clock or utc_now,
            sleep=sleep or time.sleep,
        )
    missing = {key: tuple(names) for key, names in settings.missing.items()}
    return ProviderRegistry(providers, missing)
