"""The house: command line, packaging, catalogue, configuration and secrets behave as promised."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

import bot
from bot.catalogue import CATALOGUE, LANGS, text
from bot.config import Config, load_config
from bot.errors import ConfigError, ProviderError
from bot.secret import Secret

ROOT = Path(__file__).resolve().parent.parent


def run_bot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )


def test_version_matches_package() -> None:
    result = run_bot("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"live-record-bot {bot.__version__}"


def test_help_lists_every_registered_subcommand() -> None:
    from bot.cli import SUBCOMMANDS

    result = run_bot("--help")
    assert result.returncode == 0
    for command in SUBCOMMANDS:
        assert command.name in result.stdout


def test_every_catalogue_sentence_exists_in_both_languages() -> None:
    missing = [(key, lang) for key, langs in CATALOGUE.items() for lang in LANGS if not langs.get(lang)]
    assert missing == []


def test_catalogue_placeholders_agree_between_languages() -> None:
    import string

    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    mismatched = [key for key, langs in CATALOGUE.items() if fields(langs["en"]) != fields(langs["zh-CN"])]
    assert mismatched == []


def test_text_renders_chinese_for_any_chinese_locale() -> None:
    assert text("provider.error", "zh-TW", provider="volc", code="X", message="m", request_id="r").startswith(
        "volc 返回"
    )
    assert text("provider.error", "en-GB", provider="volc", code="X", message="m", request_id="r").startswith(
        "volc answered"
    )


def test_secret_is_masked_everywhere() -> None:
    secret = Secret("canary-value-123")
    holder = {"key": secret}
    assert "canary" not in repr(secret)
    assert "canary" not in str(secret)
    assert "canary" not in f"{secret}"
    assert "canary" not in repr(holder)
    assert secret.reveal() == "canary-value-123"


def test_asdict_of_config_never_unwraps_a_secret() -> None:
    @dataclasses.dataclass(frozen=True)
    class Holder:
        token: Secret

    dumped = json.dumps(dataclasses.asdict(Holder(Secret("canary-xyz"))), default=str)
    assert "canary" not in dumped


def test_provider_error_keeps_code_and_request_id() -> None:
    error = ProviderError("volc", "InvalidParam", "bad App", "req-1", action="CreatePullRecordTask")
    rendered = error.render("en")
    assert "InvalidParam" in rendered
    assert "req-1" in rendered


def test_defaults_load_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(env={})
    assert config == Config()
    assert config.path is None


def test_an_explicit_missing_file_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(env={"BOT_CONFIG": str(tmp_path / "missing.toml")})
    assert "missing.toml" in str(info.value)


def test_every_config_problem_is_reported_at_once(tmp_path: Path) -> None:
    file = tmp_path / "bot.toml"
    file.write_text(
        '[bot]\ndefault_provider = "nope"\ntimezone = "Mars/Olympus"\ndate_order = "YMD"\ncolour = "red"\n'
        "[mystery]\nx = 1\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(file, env={})
    problems = "\n".join(info.value.problems)
    for needle in ("default_provider", "timezone", "date_order", "colour", "[mystery]"):
        assert needle in problems


def test_example_config_is_valid() -> None:
    config = load_config(ROOT / "bot.example.toml", env={})
    assert config.bot.timezone == "Asia/Shanghai"


def test_procfile_runs_the_bot() -> None:
    lines = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines() if line)
    assert "python -m bot serve" in lines["web"]
    assert "python -m bot socket" in lines["worker"]


def test_outcome_unknown_names_the_provider_and_shows_a_request_id_only_when_known() -> None:
    from bot.errors import OutcomeUnknown

    without = OutcomeUnknown("qcloud", "Timeout", "no answer within 10 s", None).render("en")
    assert "Tencent LVB" in without
    assert "no answer within 10 s" in without
    assert "RequestId" not in without
    with_id = OutcomeUnknown("volc", "InternalError", "boom", "REQ-77").render("zh-CN")
    assert "火山引擎" in with_id
    assert "REQ-77" in with_id


def test_the_error_tree_in_the_docstring_draws_every_error_class_under_its_parent() -> None:
    import inspect

    from bot import errors

    drawn = errors.__doc__ or ""
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, errors.BotError)]
    for cls in classes:
        line = next((ln for ln in drawn.splitlines() if ln.strip(" │├└─").split(" ", 1)[0] == cls.__name__), None)
        assert line is not None, f"{cls.__name__} is not drawn in bot/errors.py's docstring"
        if cls is not errors.BotError:
            parent = cls.__mro__[1].__name__
            above = drawn[: drawn.index(line)].splitlines()
            depth = len(line) - len(line.lstrip(" │├└─"))
            owner = next(ln for ln in reversed(above) if len(ln) - len(ln.lstrip(" │├└─")) < depth)
            assert owner.strip(" │├└─").split(" ", 1)[0] == parent, cls.__name__
