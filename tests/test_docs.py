"""The documents hold: every internal link resolves, the lifecycle diagram is the code's, every ``/record …`` and
``/relay …`` example written in inline code parses with the real parser, and the README stays a short front page."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config
from bot.core import parse_command
from bot.docs.lifecycle_diagram import block_in, diagram_block, state_diagram
from bot.lifecycle import TRANSITIONS, RequestState

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
GUIDES = ("using.md", "installing.md", "operating.md", "architecture.md", "performance.md")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_CODE_SPAN = re.compile(r"`(/(?:record|relay) [^`]+)`")
_PLACEHOLDERS = ("<", "[", "|", "…", "...")


def prose_lines(document: Path) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks."""
    found: list[tuple[int, str]] = []
    fenced = False
    for number, line in enumerate(document.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced and not line.startswith("    "):
            found.append((number, line))
    return found


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(document: Path) -> set[str]:
    return {slug(line.lstrip("#")) for _, line in prose_lines(document) if line.startswith("#")}


def internal_links() -> list[tuple[str, Path, str]]:
    links = []
    for document in DOCUMENTS:
        for number, line in prose_lines(document):
            for target in _LINK.findall(line):
                if not re.match(r"^[a-z]+:", target):
                    links.append((f"{document.relative_to(ROOT)}:{number}", document, target))
    return links


LINKS = internal_links()


def test_the_readme_is_a_short_front_page_linking_every_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 200
    for guide in GUIDES:
        assert f"(docs/{guide})" in readme


def test_the_documents_link_to_each_other() -> None:
    assert len(LINKS) >= 30


@pytest.mark.parametrize(("where", "document", "target"), LINKS, ids=[where for where, _, _ in LINKS])
def test_an_internal_link_resolves(where: str, document: Path, target: str) -> None:
    path_part, _, anchor = target.partition("#")
    linked = (document.parent / path_part).resolve() if path_part else document
    assert linked.exists(), f"{where}: {target} names no file"
    if anchor and linked.suffix == ".md":
        assert anchor in anchors(linked), f"{where}: {target} names no heading of {linked.name}"


def test_the_architecture_guide_holds_the_lifecycle_drawn_from_the_code() -> None:
    document = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert block_in(document) == diagram_block(), "run: python -m bot docs --write"


def test_the_diagram_has_one_arrow_per_transition_in_the_table() -> None:
    arrows = {tuple(line.split(" --> ")) for line in state_diagram().splitlines()[1:]}
    table = {(source.value, target.value) for source, targets in TRANSITIONS.items() for target in targets}
    finals = {(state.value, "[*]") for state, targets in TRANSITIONS.items() if not targets}
    assert {(a.strip(), b) for a, b in arrows} == table | finals | {("[*]", RequestState.PROPOSED.value)}


def test_the_docs_command_finds_a_diagram_that_no_longer_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "architecture.md"
    current = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    stale.write_text(current.replace("    failed --> retried\n", ""), encoding="utf-8")
    assert main(["docs", "--check", str(stale)]) == 1
    assert "no longer matches bot/lifecycle.py" in capsys.readouterr().err
    assert main(["docs", "--write", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == current
    assert main(["docs", "--check", str(stale)]) == 0


def command_examples() -> list[tuple[str, str]]:
    found = []
    for document in DOCUMENTS:
        for number, line in prose_lines(document):
            for example in _CODE_SPAN.findall(line):
                if not any(mark in example for mark in _PLACEHOLDERS):
                    found.append((f"{document.relative_to(ROOT)}:{number}", example))
    return found


EXAMPLES = command_examples()
NOW = datetime.fromisoformat("2026-11-21T10:00:00+08:00")
CONFIG = Config(aliases={"main-stage": "live/stream001 on volc"})


def test_the_documents_show_commands_in_both_languages() -> None:
    assert len(EXAMPLES) >= 25
    assert any(re.search(r"[\u4e00-\u9fff]", example) for _, example in EXAMPLES)


@pytest.mark.parametrize(("where", "example"), EXAMPLES, ids=[f"{w} {e}" for w, e in EXAMPLES])
def test_a_command_shown_in_the_documents_parses(where: str, example: str) -> None:
    parse_command(example, now=NOW, tz="Asia/Shanghai", config=CONFIG, allow_series=True)
