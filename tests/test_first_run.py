"""A first run that explains itself: the console's first lines say which configuration was read (or how to make
one), the zone, which providers are live or a dry run, and where the data lives (and that it was just created)."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders
from tests.test_console import run_console


def first_lines(stdout: str) -> list[str]:
    return stdout.split("> ", 1)[0].splitlines()[1:]  # after the welcome, before the first prompt


def test_a_fresh_folder_says_there_is_no_config_how_to_make_one_and_that_the_data_was_created(tmp_path: Path) -> None:
    first = run_console(["quit"], tmp_path, {})
    assert first.returncode == 0, first.stderr
    data = tmp_path / "data" / "bot.sqlite3"
    assert first_lines(first.stdout) == [
        "Configuration: no bot.toml found, so the defaults are used. To make one: cp bot.example.toml bot.toml "
        "(or set BOT_CONFIG).",
        "Times are read in Asia/Shanghai.",
        "Providers: none has credentials (volc, tencent, qcloud, trro), so this is a dry run: nothing is sent.",
        f"Data: {data} (created just now)",
    ]
    again = run_console(["quit"], tmp_path, {}, args=("console", "--tz", "Europe/Berlin"))
    assert first_lines(again.stdout)[1:] == [
        "Times are read in Europe/Berlin.",
        "Providers: none has credentials (volc, tencent, qcloud, trro), so this is a dry run: nothing is sent.",
        f"Data: {data}",
    ]


def test_a_configured_console_names_its_file_and_which_providers_are_live(tmp_path: Path) -> None:
    with FakeProviders() as providers:
        (tmp_path / "bot.toml").write_text(providers.toml(), encoding="utf-8")
        volc_only = {k: v for k, v in providers.env().items() if k not in TEST_CREDENTIALS or k.startswith("VOLC")}
        some = run_console(["quit"], tmp_path, {"BOT_CONFIG": str(tmp_path / "bot.toml"), **volc_only})
        every = run_console(["quit"], tmp_path, {"BOT_CONFIG": str(tmp_path / "bot.toml"), **providers.env()})
    assert first_lines(some.stdout)[0] == f"Configuration: {tmp_path / 'bot.toml'}"
    assert first_lines(some.stdout)[2] == (
        "Providers: volc live (Confirm sends real requests); tencent, qcloud, trro without credentials, so a dry run."
    )
    assert first_lines(every.stdout)[2] == "Providers: volc, tencent, qcloud, trro — live: Confirm sends real requests."
