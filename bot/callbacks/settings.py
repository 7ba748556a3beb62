"""The ``[callbacks]`` settings and the callback keys (from the environment only).

[callbacks]
public_url = "https://bot.example.com"        # where providers reach this bot (for `python -m bot callbacks`)
grace_minutes = 15                            # a window that ended this long ago with no file: say so
lookup_after_minutes = 2                      # look files up this long after a window ends (volc, qcloud)
storage_url_template = "https://{bucket}.tos-cn-beijing.volces.com/{path}"
file_url_hosts = { tencent = ["*.vod2.myqcloud.com"], volc = ["*.volces.com"] }
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.secret import Secret

CALLBACK_PROVIDERS = ("tencent", "volc", "trro", "qcloud")

#: The environment variable holding each provider's callback key; unset: that endpoint answers 404.
KEY_VARIABLES: Mapping[str, str] = {
    "tencent": "TENCENT_LIVE_CALLBACK_KEY",
    "volc": "VOLC_LIVE_CALLBACK_KEY",
    "trro": "TRRO_CALLBACK_KEY",
    "qcloud": "QCLOUD_LIVE_CALLBACK_KEY",
}

#: Hosts whose file links are posted, per provider (``*.`` matches any subdomain): the providers' own storage.
DEFAULT_FILE_URL_HOSTS: Mapping[str, tuple[str, ...]] = {
    "tencent": ("*.vod2.myqcloud.com", "*.vod-qcloud.com", "*.myqcloud.com"),
    "qcloud": ("*.vod2.myqcloud.com", "*.vod-qcloud.com", "*.myqcloud.com"),
    "volc": ("*.volces.com", "*.volcvod.com", "*.bytecdn.cn"),
    "trro": ("*.myqcloud.com", "*.amazonaws.com"),
}


@dataclass(frozen=True)
class CallbackSettings:
    """The ``[callbacks]`` table."""

    public_url: str | None = None
    grace_minutes: float = 15.0
    lookup_after_minutes: float = 2.0
    storage_url_template: str | None = None  # {bucket}, {path}: a link for look-ups that answer bucket/path
    file_url_hosts: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FILE_URL_HOSTS))


def load_callback_settings(table: Mapping[str, Any], env: Mapping[str, str], problems: list[str]) -> CallbackSettings:
    """Read ``[callbacks]``; every problem is appended to ``problems``."""
    known = {"public_url", "grace_minutes", "lookup_after_minutes", "storage_url_template", "file_url_hosts"}
    problems.extend(f"[callbacks] {key}: unknown setting" for key in table if key not in known)
    defaults = CallbackSettings()
    numbers: dict[str, float] = {}
    for name, example in (("grace_minutes", "15"), ("lookup_after_minutes", "2")):
        value = table.get(name, getattr(defaults, name))
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            problems.append(f"[callbacks] {name}: {value!r} must be a positive number of minutes, e.g. {example}")
            value = getattr(defaults, name)
        numbers[name] = float(value)
    texts: dict[str, str | None] = {}
    for name, example in (
        ("public_url", "https://bot.example.com"),
        ("storage_url_template", "https://{bucket}.tos-cn-beijing.volces.com/{path}"),
    ):
        value = table.get(name)
        if value is not None and (not isinstance(value, str) or not value.startswith(("https://", "http://"))):
            problems.append(f"[callbacks] {name}: {value!r} must be an http(s) URL, e.g. {example!r}")
            value = None
        texts[name] = value
    hosts = dict(DEFAULT_FILE_URL_HOSTS)
    given = table.get("file_url_hosts", {})
    if not isinstance(given, dict):
        problems.append('[callbacks] file_url_hosts: must be a table, e.g. { volc = ["*.volces.com"] }')
        given = {}
    for provider, names in given.items():
        if provider not in CALLBACK_PROVIDERS:
            problems.append(f"[callbacks] file_url_hosts.{provider}: not one of {', '.join(CALLBACK_PROVIDERS)}")
        elif not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            problems.append(
                f'[callbacks] file_url_hosts.{provider}: must be a list of host names, e.g. ["*.volces.com"]'
            )
        else:
            hosts[provider] = tuple(n.lower() for n in names)
    return CallbackSettings(
        public_url=texts["public_url"],
        storage_url_template=texts["storage_url_template"],
        file_url_hosts=hosts,
        **numbers,
    )


def callback_keys(env: Mapping[str, str]) -> dict[str, Secret]:
    """The callback key of each provider whose variable is set (and not empty)."""
    return {provider: Secret(env[name]) for provider, name in KEY_VARIABLES.items() if env.get(name, "").strip()}
