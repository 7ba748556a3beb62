"""Fake provider servers on 127.0.0.1 that check signatures independently and answer like the real APIs.

One fake per family: :class:`FakeVolc` (record and relay), :class:`FakeTencentLive`, :class:`FakeQcloud`,
:class:`FakeTrro`; :class:`FakeProviders` runs all four. Each fake

- verifies the signature with its own code (Volcengine V4 written here, Tencent TC3 through the official
  ``tencentcloud-sdk-python-common``, legacy md5 written here) and answers the provider's auth error when it fails;
- answers success (TaskId + RequestId) and every error envelope; keeps created tasks (``fake.tasks``) so look-ups work;
- records every call (``fake.calls``, ``fake.calls_to(action)``) with action, parsed params and headers;
- enforces the documented rate limits (``fake.rate_limited_calls()`` lists refusals);
- injects faults: ``fake.inject(Fault.delay(2))``, ``Fault.http_status(502)``, ``Fault.html()``,
  ``Fault.malformed_json()``, ``Fault.empty()``, ``Fault.reset()``, ``Fault.rate_limited()``,
  ``Fault.error("RequestForbidden.BillingStatus", status=403)``; ``action=`` limits it, ``times=`` repeats it.

Usage::

    with FakeProviders() as fakes:
        env = fakes.env()                        # endpoint overrides + test credentials
        settings = fakes.settings()              # ProviderSettings for build_registry(...)
        Path("bot.toml").write_text(fakes.toml())  # for a separate bot process (with env=fakes.env())
        ...
        assert len(fakes.volc.calls_to("CreatePullRecordTask")) == 1
"""

from __future__ import annotations

import json
from typing import Any

from providers.config import ProviderSettings, load_provider_settings
from tests.fakes.fake_tencent import FakeQcloud, FakeTencentLive, FakeTrro
from tests.fakes.fake_volc import FakeVolc
from tests.fakes.provider_server import TEST_CREDENTIALS, ApiError, FakeProviderServer, Fault, RecordedCall

__all__ = [
    "TEST_CREDENTIALS",
    "ApiError",
    "FakeProviderServer",
    "FakeProviders",
    "FakeQcloud",
    "FakeTencentLive",
    "FakeTrro",
    "FakeVolc",
    "Fault",
    "RecordedCall",
]


class FakeProviders:
    """All four fakes together, with what a bot needs to talk to them."""

    def __init__(self) -> None:
        self.volc = FakeVolc()
        self.tencent = FakeTencentLive()
        self.qcloud = FakeQcloud()
        self.trro = FakeTrro()

    @property
    def all(self) -> tuple[FakeProviderServer, ...]:
        return (self.volc, self.tencent, self.qcloud, self.trro)

    def start(self) -> FakeProviders:
        for fake in self.all:
            fake.start()
        return self

    def stop(self) -> None:
        for fake in self.all:
            fake.stop()

    def __enter__(self) -> FakeProviders:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """Endpoint overrides and test credentials, for ``load_config(env=...)`` or a separate bot process."""
        return {
            **TEST_CREDENTIALS,
            "VOLC_LIVE_ENDPOINT": self.volc.base_url,
            "TENCENT_LIVE_ENDPOINT": self.tencent.base_url,
            "TENCENT_TRRO_ENDPOINT": self.trro.base_url,
            "QCLOUD_LIVE_ENDPOINT": self.qcloud.base_url + "/common_access",
        }

    @staticmethod
    def table(timeout_seconds: float = 2.0) -> dict[str, Any]:
        """The ``[providers]`` TOML table matching the fakes (short client timeouts; qcloud needs > 3 s)."""
        return {
            "volc": {"vhost": "push.example.com", "domain": "push.example.com",
                     "pull_url": "http://pull.example.com/{app}/{stream}.flv", "timeout_seconds": timeout_seconds},
            "tencent": {"domain": "5000.live.push.com", "region": "ap-guangzhou", "timeout_seconds": timeout_seconds},
            "qcloud": {"file_format": "flv", "timeout_seconds": 3.5},
            "trro": {"project_id": "m82k5408n123phvb", "timeout_seconds": timeout_seconds,
                     "storage": {"vendor": 0, "region": "ap-nanjing", "bucket": "recording-1304123456", "file_name_prefix": ["live"]}},
        }  # fmt: skip

    def toml(self, timeout_seconds: float = 2.0) -> str:
        """The same as TOML text, for a ``bot.toml`` of a separate bot process."""
        lines = []
        for key, section in self.table(timeout_seconds).items():
            lines.append(f"[providers.{key}]")
            for name, value in section.items():
                if isinstance(value, dict):
                    inner = ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items())
                    lines.append(f"{name} = {{ {inner} }}")
                else:
                    lines.append(f"{name} = {json.dumps(value)}")
        return "\n".join(lines) + "\n"

    @classmethod
    def offline_settings(cls, base_url: str = "http://127.0.0.1:9") -> ProviderSettings:
        """Settings with test credentials and every endpoint at ``base_url`` (no server): for dry-run tests."""
        env = {**TEST_CREDENTIALS, "QCLOUD_LIVE_ENDPOINT": base_url + "/common_access"}
        env |= dict.fromkeys(("VOLC_LIVE_ENDPOINT", "TENCENT_LIVE_ENDPOINT", "TENCENT_TRRO_ENDPOINT"), base_url)
        return _load_settings(cls.table(), env)

    def settings(self, timeout_seconds: float = 2.0, **env_overrides: str) -> ProviderSettings:
        """:class:`ProviderSettings` pointing at the fakes (raises if the configuration has problems)."""
        return _load_settings(self.table(timeout_seconds), {**self.env(), **env_overrides})


def _load_settings(table: dict[str, Any], env: dict[str, str]) -> ProviderSettings:
    problems: list[str] = []
    settings = load_provider_settings(table, env, problems)
    assert not problems, problems
    return settings
