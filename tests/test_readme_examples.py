"""The shell examples marked ``<!-- checked -->`` in the README and in ``docs/*.md`` work as written on a fresh clone:
each block runs in an empty folder holding only what a clone has at its top (``bot.example.toml``), with ``python`` on
the PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARK = "<!-- checked"
COMMANDS_TXT = "/record live/s1 明天下午3点到4点 on tencent\nrecord live/s2 tomorrow 15:00 to 15:30 on volc\n"


def checked_blocks(readme: str) -> list[tuple[int, str]]:
    """(line number, shell text) of every code block right after a ``<!-- checked -->`` line."""
    lines = readme.splitlines()
    blocks = []
    for number, line in enumerate(lines):
        if not line.startswith(MARK):
            continue
        body: list[str] = []
        rest = lines[number + 1 :]
        if rest and rest[0].startswith("```"):
            for inner in rest[1:]:
                if inner.startswith("```"):
                    break
                body.append(inner)
        else:
            for inner in rest:
                if not inner.startswith("    "):
                    break
                body.append(inner[4:])
        blocks.append((number + 1, "\n".join(body)))
    return blocks


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    (f"{document.relative_to(ROOT)} line {line}", block)
    for document in DOCUMENTS
    for line, block in checked_blocks(document.read_text(encoding="utf-8"))
]


def test_the_documents_mark_their_runnable_examples() -> None:
    assert len(BLOCKS) >= 5
    assert any(where.startswith("README.md") for where, _ in BLOCKS)
    assert all(block.strip() for _, block in BLOCKS)


@pytest.mark.parametrize(("line", "block"), BLOCKS, ids=[line for line, _ in BLOCKS])
def test_a_checked_example_works_on_a_fresh_clone(tmp_path: Path, line: str, block: str) -> None:
    shutil.copy(ROOT / "bot.example.toml", tmp_path / "bot.example.toml")
    (tmp_path / "commands.txt").write_text(COMMANDS_TXT, encoding="utf-8")
    python_dir = str(Path(sys.executable).parent)
    env = {
        "PATH": python_dir + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    script = tmp_path / "example.sh"
    script.write_text("set -euo pipefail\n" + block + "\n", encoding="utf-8")
    result = subprocess.run(
        ["bash", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, f"{line}:\n{block}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.stdout.strip() or (tmp_path / "audit.csv").exists()
