"""``python -m bot request``: the exact signed requests Confirm would send — and a fake provider accepts them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from bot.cli.request_cmd import plan_text
from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.fromisoformat("2026-11-21T10:00:00+08:00")


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_providers: FakeProviders) -> str:
    """A bot.toml + environment pointing at the fakes; returns the config path."""
    path = tmp_path / "bot.toml"
    path.write_text(fake_providers.toml(), encoding="utf-8")
    for name, value in fake_providers.env().items():
        monkeypatch.setenv(name, value)
    return str(path)


def test_the_printed_request_is_exactly_what_the_provider_accepts(
    configured: str, fake_providers: FakeProviders
) -> None:
    data = plan_text("/record live/s1 from 15:00 to 15:30 on volc", now=NOW, tz="Asia/Shanghai", config_path=configured)
    assert data["ok"] is True
    (call,) = data["requests"]
    assert call["send_at"] is None
    assert json.loads(call["body"])["StartTime"] == "2026-11-21T15:00:00+08:00"
    fake_providers.volc.clock = NOW.timestamp  # the fake checks X-Date against its own clock
    response = httpx.request(call["method"], call["url"], headers=call["headers"], content=call["body"].encode())
    assert response.status_code == 200, response.text
    assert response.json()["Result"]["TaskId"] in fake_providers.volc.tasks


def test_trro_shows_create_and_delete_with_send_times_and_masked_keys(configured: str) -> None:
    data = plan_text("/record dev1/0 from 15:00 to 16:00 on trro", now=NOW, tz="Asia/Shanghai", config_path=configured)
    create, delete = data["requests"]
    assert (create["action"], create["send_at"]) == ("CreateCloudRecording", "2026-11-21T15:00:00+08:00")
    assert (delete["action"], delete["send_at"]) == ("DeleteCloudRecording", "2026-11-21T16:00:00+08:00")
    assert TEST_CREDENTIALS["TRRO_STORAGE_SECRET_KEY"] not in json.dumps(data)
    assert json.loads(create["body"])["CloudStorage"]["SecretKey"] == "****"


def test_provider_problems_are_errors(configured: str) -> None:
    data = plan_text("/record 8888_test now for 2h on qcloud", now=NOW, tz="Asia/Shanghai", config_path=configured)
    assert data["ok"] is False
    assert data["error"]["kind"] == "validation"
    assert "at most 30 min" in data["error"]["problems"][0]


def test_exit_status_and_one_json_object(configured: str) -> None:
    def run(*text: str) -> subprocess.CompletedProcess[str]:
        args = [
            sys.executable,
            "-m",
            "bot",
            "request",
            "--json",
            "--now",
            NOW.isoformat(),
            "--config",
            configured,
            *text,
        ]
        return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), timeout=60)

    good = run("/record live/s1 now for 45m on tencent")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["requests"][0]["headers"]["X-TC-Action"] == "CreateRecordTask"
    bad = run("/record live/s1 now for 30h on tencent")
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["ok"] is False
