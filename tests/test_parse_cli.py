"""``python -m bot parse``: the real command line in a fresh process (--json, --stdin, exit status, defaults)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-21T10:00:00+08:00"


def run_parse(*args: str, stdin: str | None = None, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "SLACK_"))}
    if config is not None:
        env["BOT_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "bot", "parse", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def test_json_gives_exactly_one_object_with_the_window() -> None:
    result = run_parse("/record live/s1 明天下午3点到4点 on tencent", "--json", "--now", NOW, "--tz", "Asia/Shanghai")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data == {
        "ok": True,
        "command": "record",
        "provider": "tencent",
        "target": {"app": "live", "stream": "s1"},
        "start": "2026-11-22T15:00:00+08:00",
        "end": "2026-11-22T16:00:00+08:00",
        "starts_now": False,
        "timezone": "Asia/Shanghai",
        "sources": [],
        "options": {},
        "notes": [],
        "lang": "zh-CN",
    }


def test_json_for_trro_and_permanent_relay_and_cancel() -> None:
    trro = json.loads(run_parse("/record dev/3 now for 1h on trro split 30m", "--json", "--now", NOW).stdout)
    assert trro["target"] == {"device": "dev", "video_stream_id": 3}
    assert trro["options"] == {"split_seconds": 1800}
    relay = json.loads(run_parse("/relay live/s1 from rtmp://a.example.com/l/s permanent", "--json").stdout)
    assert (relay["command"], relay["start"], relay["end"]) == ("relay", None, None)
    assert relay["sources"] == ["rtmp://a.example.com/l/s"]
    cancel = json.loads(run_parse("/record cancel 42", "--json").stdout)
    assert (cancel["command"], cancel["task"]) == ("cancel", "42")


def test_error_is_json_with_message_and_hint_and_exit_status_2() -> None:
    result = run_parse("/record live/s1 yesterday 3pm to 4pm", "--json", "--now", NOW, "--tz", "Asia/Shanghai")
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["error"]["kind"] == "parse.past"
    assert "yesterday 3pm" in data["error"]["message"]
    assert data["error"]["hint"].startswith("Try: `/record live/s1")


def test_stdin_prints_json_lines_and_fails_if_any_line_fails() -> None:
    lines = "/record live/s1 now for 45m\n\n/record live/s1 下午3点到4点\n/record nonsense\n"
    result = run_parse("--stdin", "--now", NOW, "--tz", "Asia/Shanghai", stdin=lines)
    assert result.returncode == 2
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["ok"] for o in objects] == [True, True, False]
    assert objects[0]["end"] == "2026-11-21T10:45:00+08:00"
    assert objects[1]["start"] == "2026-11-21T15:00:00+08:00"
    ok_only = run_parse("--stdin", "--now", NOW, stdin="/record live/s1 now for 1h\n")
    assert ok_only.returncode == 0


def test_tz_defaults_to_the_configured_zone_and_now_may_be_naive(tmp_path: Path) -> None:
    config = tmp_path / "bot.toml"
    config.write_text('[bot]\ntimezone = "America/New_York"\n', encoding="utf-8")
    result = run_parse("/record live/s1 tomorrow 9am to 10am", "--json", "--now", "2026-03-07T22:00", config=config)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["timezone"] == "America/New_York"
    assert data["start"] == "2026-03-08T09:00:00-04:00"


def test_human_output_and_help() -> None:
    result = run_parse("/record", "live/s1", "from", "15:00", "to", "16:00", "--now", NOW, "--tz", "Asia/Shanghai")
    assert result.returncode == 0
    assert 'start: "2026-11-21T15:00:00+08:00"' in result.stdout
    assert "Today, 2026-11-21." in result.stdout
    helped = run_parse("/record help")
    assert "/record <target> <when>" in helped.stdout
    refused = run_parse("/record live/s1 on volcc now for 1h")
    assert refused.returncode == 2
    assert "Did you mean volc?" in refused.stderr


def test_bad_tz_or_now_is_exit_2() -> None:
    assert run_parse("/record live/s1 now for 1h", "--tz", "Mars/Base").returncode == 2
    bad_now = run_parse("/record live/s1 now for 1h", "--json", "--now", "yesterday-ish")
    assert bad_now.returncode == 2
    assert json.loads(bad_now.stdout)["ok"] is False
