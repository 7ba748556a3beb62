"""Provider settings: non-secret values from the ``[providers.*]`` TOML tables, secrets from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProviderSettings:
    """Settings of every provider family; filled in by the provider layer."""

    raw: Mapping[str, Any] = field(default_factory=dict)


def load_provider_settings(table: Mapping[str, Any], env: Mapping[str, str], problems: list[str]) -> ProviderSettings:
    """Read ``[providers.*]`` and the provider secrets; append every problem found to ``problems``."""
    return ProviderSettings(raw=dict(table))
