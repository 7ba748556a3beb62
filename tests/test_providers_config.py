"""Provider configuration: TOML + environment, every problem named at once, secrets never shown."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_config
from bot.errors import BotError, ConfigError, ProviderNotConfigured
from providers.config import ProviderSettings, load_provider_settings
from providers.registry import PROVIDER_KEYS, build_registry
from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders

ROOT = Path(__file__).resolve().parent.parent


def load(table: dict[str, Any], env: dict[str, str]) -> tuple[ProviderSettings, list[str]]:
    problems: list[str] = []
    return load_provider_settings(table, env, problems), problems


def test_a_full_configuration_loads_every_provider() -> None:
    settings, problems = load(FakeProviders.table(), dict(TEST_CREDENTIALS))
    assert problems == []
    assert settings.volc is not None and settings.volc.endpoint == "https://live.volcengineapi.com"
    assert settings.tencent is not None and settings.tencent.region == "ap-guangzhou"
    assert settings.qcloud is not None and settings.qcloud.appid == "1234"
    assert settings.trro is not None and settings.trro.storage.file_name_prefix == ("live",)
    assert settings.trro.endpoint == "https://trro.tencentcloudapi.com"


def test_endpoints_come_from_the_environment() -> None:
    env = {
        **TEST_CREDENTIALS,
        "VOLC_LIVE_ENDPOINT": "http://127.0.0.1:9001",
        "TENCENT_LIVE_ENDPOINT": "http://127.0.0.1:9002/",
        "TENCENT_TRRO_ENDPOINT": "http://127.0.0.1:9003",
        "QCLOUD_LIVE_ENDPOINT": "http://127.0.0.1:9004/common_access",
    }
    settings, problems = load(FakeProviders.table(), env)
    assert problems == []
    assert settings.volc and settings.volc.endpoint == "http://127.0.0.1:9001"
    assert settings.tencent and settings.tencent.endpoint == "http://127.0.0.1:9002"
    assert settings.trro and settings.trro.endpoint == "http://127.0.0.1:9003"
    assert settings.qcloud and settings.qcloud.endpoint == "http://127.0.0.1:9004/common_access"


def test_nothing_configured_is_not_a_problem_and_the_registry_names_what_is_missing() -> None:
    settings, problems = load({}, {})
    assert problems == []
    registry = build_registry(settings)
    assert registry.keys() == ()
    assert registry.configured() == dict.fromkeys(PROVIDER_KEYS, False)
    with pytest.raises(ProviderNotConfigured) as info:
        registry.get("volc")
    rendered = info.value.render("en")
    for needed in ("VOLCENGINE_ACCESS_KEY", "VOLCENGINE_SECRET_KEY", "vhost", "pull_url"):
        assert needed in rendered
    assert "火山" not in rendered and "VOLCENGINE_ACCESS_KEY" in info.value.render("zh-CN")


def test_a_table_without_secrets_is_not_configured_but_its_values_are_still_checked() -> None:
    settings, problems = load({"tencent": {"domain": "d.example.com", "region": "mars-1"}}, {})
    assert settings.tencent is None
    assert settings.missing["tencent"] == ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")
    assert problems == [
        "[providers.tencent] region: 'mars-1' is not a Tencent Live region (ap-bangkok, ap-guangzhou, ap-hongkong, "
        "ap-jakarta, ap-mumbai, ap-seoul, ap-singapore, ap-tokyo, eu-frankfurt, na-ashburn, na-siliconvalley, "
        "na-toronto, sa-saopaulo)"
    ]


def test_a_half_configured_provider_lists_every_missing_piece() -> None:
    settings, problems = load({"volc": {"vhost": "v.example.com"}}, {"VOLCENGINE_ACCESS_KEY": "ak"})
    assert settings.volc is None
    text = "\n".join(problems)
    for needle in ("VOLCENGINE_SECRET_KEY", "[providers.volc] domain", "[providers.volc] pull_url"):
        assert needle in text


def test_a_secret_without_its_table_is_a_problem() -> None:
    _, problems = load({}, {"TRRO_STORAGE_ACCESS_KEY": "x", "TRRO_STORAGE_SECRET_KEY": "y"})
    assert any("[providers.trro] project_id: is required" in p for p in problems)
    assert any("[providers.trro] storage: is required" in p for p in problems)


def test_every_wrong_value_is_named() -> None:
    table = {
        "volc": {"vhost": "", "domain": "d", "pull_url": "ftp://x/{stream}", "colour": "red"},
        "qcloud": {"file_format": "avi", "timeout_seconds": 2},
        "trro": {
            "project_id": "p",
            "storage": {"vendor": 7, "region": "r", "bucket": "b", "file_name_prefix": ["a b"]},
        },
        "nope": {},
    }
    _, problems = load(table, {**TEST_CREDENTIALS, "VOLC_LIVE_ENDPOINT": "not a url"})
    text = "\n".join(problems)
    for needle in (
        "[providers.volc] vhost",
        "[providers.volc] pull_url",
        "[providers.volc] colour: unknown setting",
        "[providers.qcloud] file_format",
        "[providers.qcloud] timeout_seconds",
        "[providers.trro] storage.vendor",
        "[providers.trro] storage.file_name_prefix",
        "[providers.nope]: unknown provider",
        "VOLC_LIVE_ENDPOINT",
    ):
        assert needle in text


def test_load_config_reports_provider_problems_with_the_rest(tmp_path: Path) -> None:
    file = tmp_path / "bot.toml"
    file.write_text('[providers.qcloud]\nfile_format = "wav"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(file, env={"QCLOUD_LIVE_APPID": "1234", "QCLOUD_LIVE_API_KEY": "k"})
    assert "[providers.qcloud] file_format" in str(info.value)


def test_the_example_file_is_valid_and_becomes_usable_with_secrets() -> None:
    config = load_config(ROOT / "bot.example.toml", env=dict(TEST_CREDENTIALS))
    assert build_registry(config.providers).keys() == PROVIDER_KEYS


def test_secrets_never_appear_in_config_dumps_or_reprs() -> None:
    env = {name: f"canary-{i}-{name}" for i, name in enumerate(TEST_CREDENTIALS)}
    env["QCLOUD_LIVE_APPID"] = "1234"
    settings, problems = load(FakeProviders.table(), env)
    assert problems == []
    dumped = json.dumps(dataclasses.asdict(settings), default=str) + repr(settings)
    assert "canary" not in dumped


def test_an_unknown_provider_key_is_explained() -> None:
    registry = build_registry(ProviderSettings())
    with pytest.raises(BotError) as info:
        registry.get("aws")
    assert "volc, tencent, qcloud, trro" in info.value.render("en")


def test_the_provider_classes_and_the_registry_of_provider_facts_agree() -> None:
    from bot.provider_info import BY_KEY
    from bot.provider_info import PROVIDER_KEYS as REGISTERED
    from providers.registry import PROVIDER_CLASSES

    assert PROVIDER_KEYS == REGISTERED
    for cls in PROVIDER_CLASSES:
        info = BY_KEY[cls.key]
        assert (cls.keeps_window, cls.can_look_up) == (info.keeps_window, info.can_look_up)
