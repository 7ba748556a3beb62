"""The console, driven through its stdin as a person would use it: ``python -m bot console``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders, Fault

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def providers() -> Iterator[FakeProviders]:
    with FakeProviders() as fakes:
        yield fakes


def run_console(
    lines: list[str], home: Path, env: dict[str, str], *, args: tuple[str, ...] = ("console",)
) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "BOT_DATA_DIR": str(home / "data")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=home,
        env={**base, **env},
        timeout=60,
    )


def configured(home: Path, providers: FakeProviders) -> dict[str, str]:
    (home / "bot.toml").write_text(providers.toml(), encoding="utf-8")
    return {"BOT_CONFIG": str(home / "bot.toml"), **providers.env()}


def volc_creates(providers: FakeProviders, stream: str) -> int:
    return len([c for c in providers.volc.calls_to("CreatePullRecordTask") if c.params.get("Stream") == stream])


def test_confirming_with_y_creates_the_task_and_prints_its_id(tmp_path: Path, providers: FakeProviders) -> None:
    result = run_console(
        ["record live/console1 tomorrow 15:00 to 15:30 on volc", "y", "quit"], tmp_path, configured(tmp_path, providers)
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Record live/console1 on Volcengine?" in out
    assert "15:00 – 15:30 (Asia/Shanghai)" in out
    assert "Confirm? [y/N]" in out
    task_ids = [t for t, task in providers.volc.tasks.items() if task.get("Stream") == "console1"]
    assert len(task_ids) == 1
    assert "Scheduled: live/console1 on Volcengine" in out and f"(TaskId {task_ids[0]})" in out
    assert volc_creates(providers, "console1") == 1
    assert all(secret not in out + result.stderr for secret in TEST_CREDENTIALS.values())


def test_answering_no_sends_nothing(tmp_path: Path, providers: FakeProviders) -> None:
    result = run_console(
        ["record live/console2 tomorrow 15:00 to 15:30 on volc", "n"], tmp_path, configured(tmp_path, providers)
    )
    assert "Not confirmed; nothing was sent." in result.stdout
    assert volc_creates(providers, "console2") == 0


def test_a_provider_error_is_explained(tmp_path: Path, providers: FakeProviders) -> None:
    providers.volc.inject(Fault.error("InvalidParam", "App or Stream is invalid"), action="CreatePullRecordTask")
    result = run_console(
        ["record live/console3 tomorrow 15:00 to 15:30 on volc", "yes"], tmp_path, configured(tmp_path, providers)
    )
    assert "Failed: live/" in result.stdout
    assert "InvalidParam" in result.stdout


def test_without_credentials_it_is_a_dry_run_that_says_nothing_was_sent(
    tmp_path: Path, providers: FakeProviders
) -> None:
    (tmp_path / "bot.toml").write_text(providers.toml(), encoding="utf-8")
    endpoints = {k: v for k, v in providers.env().items() if k not in TEST_CREDENTIALS}
    result = run_console(
        ["record live/console4 tomorrow 15:00 to 15:30 on volc", "y"],
        tmp_path,
        {"BOT_CONFIG": str(tmp_path / "bot.toml"), **endpoints},
        args=(),  # `python -m bot` without Slack tokens picks the console
    )
    assert result.returncode == 0, result.stderr
    assert "this is a dry run" in result.stdout
    assert "Dry run: nothing was sent." in result.stdout
    assert '"stream": "console4"' in result.stdout
    assert volc_creates(providers, "console4") == 0


def test_misunderstood_commands_get_an_example(tmp_path: Path, providers: FakeProviders) -> None:
    result = run_console(["record something", "help"], tmp_path, configured(tmp_path, providers))
    assert "I did not understand that." in result.stdout
    assert "Try: `/record live/stream001" in result.stdout
    assert "`/record live/stream001 now for 45m`" in result.stdout  # help, from the command table


def test_console_extends_and_lists_a_series_as_one_line(tmp_path: Path, providers: FakeProviders) -> None:
    env = configured(tmp_path, providers)
    first = run_console(["record live/console9 tomorrow 15:00 to 15:30 on volc", "y", "quit"], tmp_path, env)
    request_id = re.search(r"request (r[a-z2-7]{6})", first.stdout).group(1)  # type: ignore[union-attr]
    series = "record live/console10 every weekday 09:00 to 10:00 until 2027-01-29 on volc"
    result = run_console([f"extend {request_id} 30m", series, "y", "list", "quit"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"Extending request {request_id} to 16:00" in out
    assert "extended it to 16:00: follow-on task" in out
    assert volc_creates(providers, "console9") == 2
    assert "Repeats on weekdays, 09:00–10:00" in out and "Series confirmed" in out
    assert re.search(r"Next: \w{3} \d+ \w{3} \d{4} 09:00 · \w{3} \d+ \w{3} \d{4} 09:00 · ", out)
    listed = [line for line in out.splitlines() if "live/console10" in line and " · next " in line]
    assert len(listed) == 1


def test_console_names_the_occurrence_of_a_series_a_new_window_overlaps(
    tmp_path: Path, providers: FakeProviders
) -> None:
    env = configured(tmp_path, providers)
    series = "record live/console11 every weekday 09:00 to 10:00 until 2027-01-29 on volc"
    first = run_console([series, "y", "quit"], tmp_path, env)
    series_id = re.search(r"request (r[a-z2-7]{6})", first.stdout).group(1)  # type: ignore[union-attr]
    third = re.findall(r"(\w{3} \d+ \w{3} \d{4}) 09:00", first.stdout.split("Next: ", 1)[1])[2]
    day = datetime.strptime(third, "%a %d %b %Y").date()
    result = run_console([f"record live/console11 {day} 09:30 to 10:30 on volc", "n", "quit"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert f"console already records live/console11 {third} 09:00–10:00 in a series ({series_id})" in result.stdout
    assert "Volcengine allows 1 task(s) per stream at a time, so it would refuse this one." in result.stdout


def test_console_confirms_a_trro_series_kept_by_the_bot(tmp_path: Path, providers: FakeProviders) -> None:
    env = configured(tmp_path, providers)
    series = "record consoledev/0 every weekday 09:00 to 10:00 until 2027-01-29 on trro"
    result = run_console([series, "y", "quit"], tmp_path, env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Repeats on weekdays, 09:00–10:00" in out and "cannot repeat" not in out
    assert "Series confirmed" in out and "the bot starts each one when it begins, stops it when it ends" in out
    assert [c for c in providers.trro.calls_to("CreateCloudRecording") if c.params["DeviceId"] == "consoledev"] == []
