"""``python -m bot callbacks`` against the fake providers: what it prints (signed calls, the key masked), and what
``--apply`` reads, refuses and sends."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.providers import FakeProviders

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"VOLC_LIVE_CALLBACK_KEY": "canary-cli-volc-3141", "TENCENT_LIVE_CALLBACK_KEY": "canary-cli-tencent-2718",
        "TRRO_CALLBACK_KEY": "canary-cli-trro-1618"}  # fmt: skip
BASE = "https://bot.example.com"


@pytest.fixture
def fakes() -> Iterator[FakeProviders]:
    with FakeProviders() as started:
        yield started


def run(fakes: FakeProviders, home: Path, *args: str, keys: dict[str, str] = KEYS) -> subprocess.CompletedProcess[str]:
    (home / "bot.toml").write_text(fakes.toml(), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "BOT_CONFIG": str(home / "bot.toml"),
           **fakes.env(), **keys}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "bot", "callbacks", *args], env=env, cwd=home, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def test_it_prints_each_url_and_the_signed_calls_with_the_key_masked(fakes: FakeProviders, tmp_path: Path) -> None:
    shown = run(fakes, tmp_path, "--url", BASE + "/")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    for provider, action in (("volc", "UpdateCallback"), ("tencent", "CreateLiveCallbackTemplate"),
                             ("tencent", "CreateLiveCallbackRule"), ("trro", "ModifyCallbackUrl")):  # fmt: skip
        assert f"{BASE}/callbacks/{provider}" in out and action in out
    assert "Authorization: " in out and '"AuthKeyPrimary": "****"' in out and '"SignKey": "****"' in out
    assert f"{BASE}/callbacks/qcloud" in out and "QCLOUD_LIVE_CALLBACK_KEY" in out  # the console steps
    assert not any(key in out + shown.stderr for key in KEYS.values())
    assert fakes.volc.calls == [] and fakes.tencent.calls == []  # nothing sent without --apply
    off = run(fakes, tmp_path, "--url", BASE, keys={})
    assert "set VOLC_LIVE_CALLBACK_KEY" in off.stdout and "UpdateCallback" not in off.stdout
    assert run(fakes, tmp_path).returncode == 2  # no public URL


def test_apply_reads_first_refuses_foreign_urls_without_force_then_registers(
    fakes: FakeProviders, tmp_path: Path
) -> None:
    fakes.volc.callbacks[("push.example.com", "", "record")] = {
        "MessageType": "record", "CallbackDetailList": [{"CallbackType": "http", "URL": "https://other.example.net/hook"}]
    }  # fmt: skip
    refused = run(fakes, tmp_path, "--url", BASE, "--apply")
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "https://other.example.net/hook" in refused.stdout and "--force" in refused.stdout
    assert fakes.volc.calls_to("DescribeCallback") and not fakes.volc.calls_to("UpdateCallback")
    assert fakes.trro.calls_to("ModifyCallbackUrl") == []  # project-wide and unreadable: needs --force
    rule = fakes.tencent.rules["5000.live.push.com"]  # nothing foreign on Tencent: registered
    template = fakes.tencent.templates[rule["TemplateId"]]
    assert (
        template["RecordNotifyUrl"] == f"{BASE}/callbacks/tencent"
        and template["CallbackKey"] == KEYS["TENCENT_LIVE_CALLBACK_KEY"]
    )
    assert "CreateLiveCallbackRule: done" in refused.stdout

    forced = run(fakes, tmp_path, "--url", BASE, "--apply", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    kept = fakes.volc.callbacks[("push.example.com", "", "record")]
    assert kept["CallbackDetailList"] == [{"CallbackType": "http", "URL": f"{BASE}/callbacks/volc"}]
    assert fakes.volc.calls_to("UpdateCallback")[-1].params["AuthKeyPrimary"] == KEYS["VOLC_LIVE_CALLBACK_KEY"]
    assert fakes.trro.callback == {"ProjectId": "m82k5408n123phvb", "CallbackUrl": f"{BASE}/callbacks/trro",
                                   "SignKey": KEYS["TRRO_CALLBACK_KEY"]}  # fmt: skip
    assert not any(key in forced.stdout + forced.stderr for key in KEYS.values())
    again = run(fakes, tmp_path, "--url", BASE, "--apply")  # the bot's own URL now: no --force needed for volc
    assert "UpdateCallback: done" in again.stdout
