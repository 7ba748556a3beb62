"""Configuration: a TOML file for everything non-secret (``BOT_CONFIG``, default ``bot.toml``), the environment for
secrets. :func:`load_config` checks it all and raises one :class:`~bot.errors.ConfigError` listing every problem.

Each section has one loader; :data:`SECTION_LOADERS` is the explicit list of them.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.callbacks.settings import CallbackSettings, load_callback_settings
from bot.errors import ConfigError
from bot.permissions import PermissionSettings, load_permission_settings
from bot.provider_info import PROVIDER_KEYS
from providers.config import ProviderSettings, load_provider_settings

DEFAULT_CONFIG_PATH = "bot.toml"


@dataclass(frozen=True)
class BotSettings:
    """The ``[bot]`` table: defaults for reading commands."""

    default_provider: str = "volc"
    timezone: str = "Asia/Shanghai"  # used when the person's own zone is unknown (console, CLI)
    date_order: Literal["MD", "DM"] = "MD"  # how 03/04 is read
    cst_means: Literal["China", "US-Central"] = "China"
    card_lifetime_hours: float = 24.0  # a card nobody confirmed within this long expires
    scheduler_interval_seconds: float = 5.0  # how often the bot's scheduler looks for due work
    reconcile_after_seconds: float = 120.0  # a request in ``submitting`` this long has lost its process
    max_series_weeks: float = 12.0  # a repeating schedule may span at most this many weeks
    series_lead_hours: float = 24.0  # a series occurrence's task is created this long ahead (Tencent: its own limits)


#: ``[bot]`` settings that are positive numbers: (name, smallest allowed value, example).
_NUMBERS: tuple[tuple[str, float, str], ...] = (
    ("card_lifetime_hours", 0.01, "24"),
    ("scheduler_interval_seconds", 0.05, "5"),
    ("reconcile_after_seconds", 1.0, "120"),
    ("max_series_weeks", 1.0, "12"),
    ("series_lead_hours", 0.01, "24"),
)


@dataclass(frozen=True)
class RelaySettings:
    """The ``[relay]`` table: hosts a relay may pull from although they look private (see :mod:`bot.core.sources`)."""

    allowed_source_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """Everything the bot was configured with. Secrets inside are :class:`~bot.secret.Secret` values."""

    bot: BotSettings = field(default_factory=BotSettings)
    aliases: Mapping[str, str] = field(default_factory=dict)
    providers: ProviderSettings = field(default_factory=ProviderSettings)
    permissions: PermissionSettings = field(default_factory=PermissionSettings)
    relay: RelaySettings = field(default_factory=RelaySettings)
    callbacks: CallbackSettings = field(default_factory=CallbackSettings)
    path: str | None = None  # the file it was read from, if any


def _load_bot(table: Mapping[str, Any], env: Mapping[str, str], problems: list[str]) -> BotSettings:
    known = {"default_provider", "timezone", "date_order", "cst_means", *(name for name, _, _ in _NUMBERS)}
    problems.extend(f"[bot] {key}: unknown setting" for key in table if key not in known)
    settings = BotSettings()
    provider = table.get("default_provider", settings.default_provider)
    if provider not in PROVIDER_KEYS:
        problems.append(f"[bot] default_provider: {provider!r} is not one of {', '.join(PROVIDER_KEYS)}")
        provider = settings.default_provider
    zone = table.get("timezone", settings.timezone)
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"[bot] timezone: {zone!r} is not an IANA time zone such as 'Asia/Shanghai'")
        zone = settings.timezone
    order = table.get("date_order", settings.date_order)
    if order not in ("MD", "DM"):
        problems.append(f"[bot] date_order: {order!r} must be 'MD' (11/25) or 'DM' (25/11)")
        order = settings.date_order
    cst = table.get("cst_means", settings.cst_means)
    if cst not in ("China", "US-Central"):
        problems.append(f"[bot] cst_means: {cst!r} must be 'China' or 'US-Central'")
        cst = settings.cst_means
    numbers: dict[str, float] = {}
    for name, least, example in _NUMBERS:
        value = table.get(name, getattr(settings, name))
        if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
            problems.append(f"[bot] {name}: {value!r} must be a number of at least {least:g}, e.g. {example}")
            value = getattr(settings, name)
        numbers[name] = float(value)
    return BotSettings(default_provider=provider, timezone=str(zone), date_order=order, cst_means=cst, **numbers)


def _load_aliases(table: Mapping[str, Any], env: Mapping[str, str], problems: list[str]) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for name, value in table.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(f'[aliases] {name}: must be a command fragment such as "live/stream001 on volc"')
            continue
        aliases[str(name).lower()] = value.strip()
    return aliases


def _load_relay(table: Mapping[str, Any], env: Mapping[str, str], problems: list[str]) -> RelaySettings:
    problems.extend(
        f"[relay] {key}: unknown setting; use allowed_source_hosts" for key in table if key != "allowed_source_hosts"
    )
    hosts = table.get("allowed_source_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h.strip() for h in hosts):
        problems.append('[relay] allowed_source_hosts: must be a list of host names or addresses, e.g. ["10.0.0.5"]')
        return RelaySettings()
    return RelaySettings(allowed_source_hosts=tuple(h.strip().lower() for h in hosts))


SectionLoader = Callable[[Mapping[str, Any], Mapping[str, str], list[str]], Any]

#: (TOML table, Config field, loader) — the explicit list of configuration sections.
SECTION_LOADERS: tuple[tuple[str, str, SectionLoader], ...] = (
    ("bot", "bot", _load_bot),
    ("aliases", "aliases", _load_aliases),
    ("providers", "providers", load_provider_settings),
    ("permissions", "permissions", load_permission_settings),
    ("relay", "relay", _load_relay),
    ("callbacks", "callbacks", load_callback_settings),
)


def read_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        problems.append(f"BOT_CONFIG: file {str(path)!r} does not exist")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path}: not valid TOML ({exc})")
    return {}


def load_config(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read and check the configuration. A missing default ``bot.toml`` is fine (built-in defaults);
    a file named explicitly (argument or ``BOT_CONFIG``) must exist."""
    env = os.environ if env is None else env
    problems: list[str] = []
    explicit = path if path is not None else env.get("BOT_CONFIG")
    file = Path(explicit or DEFAULT_CONFIG_PATH)
    table: dict[str, Any] = {}
    if explicit or file.exists():
        table = read_toml(file, problems)
    known = {name for name, _, _ in SECTION_LOADERS}
    problems.extend(f"[{name}]: unknown section" for name in table if name not in known)
    values: dict[str, Any] = {}
    for name, attr, loader in SECTION_LOADERS:
        section = table.get(name, {})
        if not isinstance(section, dict):
            problems.append(f"[{name}]: must be a table")
            section = {}
        values[attr] = loader(section, env, problems)
    if problems:
        raise ConfigError(problems)
    return Config(path=str(file) if table else None, **values)
