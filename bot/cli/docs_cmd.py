"""``python -m bot docs [--write | --check] [FILE]``: the request's life as a Mermaid diagram, drawn from the code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.catalogue import text
from bot.cli.base import Subcommand
from bot.docs.lifecycle_diagram import state_diagram, with_current_diagram

DEFAULT_DOCUMENT = Path("docs") / "architecture.md"


def _configure(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="put the current diagram into FILE")
    mode.add_argument("--check", action="store_true", help="exit 1 when FILE's diagram differs from the code")
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_DOCUMENT, help="the document holding the diagram")


def _run(args: argparse.Namespace) -> int:
    if not (args.write or args.check):
        sys.stdout.write(state_diagram())
        return 0
    path: Path = args.file
    try:
        document = path.read_text(encoding="utf-8")
    except OSError as exc:
        print(text("docs.diagram.unreadable", "en", path=path, reason=exc.strerror or exc), file=sys.stderr)
        return 2
    updated = with_current_diagram(document)
    if updated is None:
        print(text("docs.diagram.no_block", "en", path=path), file=sys.stderr)
        return 2
    if args.check:
        if updated != document:
            print(text("docs.diagram.stale", "en", path=path), file=sys.stderr)
            return 1
        print(text("docs.diagram.current", "en", path=path))
        return 0
    if updated != document:
        path.write_text(updated, encoding="utf-8")
    print(text("docs.diagram.written", "en", path=path))
    return 0


COMMAND = Subcommand(
    name="docs",
    help="print the request lifecycle as a Mermaid diagram, or --write / --check it in docs/architecture.md",
    configure=_configure,
    run=_run,
)
