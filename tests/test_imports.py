"""The house's import rules, read from the source: no import cycles among our modules, the core imports neither Slack
nor HTTP nor the layers above it, and the store is persistence only."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "providers")

#: What each layer must never import (prefixes of module names).
FORBIDDEN = {
    "bot.core": ("slack_bolt", "slack_sdk", "httpx", "sqlalchemy", "bot.slack", "bot.flow", "bot.store", "providers"),
    "bot.store": ("slack_bolt", "slack_sdk", "httpx", "bot.slack", "bot.flow", "providers"),
    "bot.flow": ("slack_bolt", "slack_sdk", "bot.slack", "sqlalchemy"),
    "providers": ("slack_bolt", "slack_sdk", "bot.slack", "bot.flow", "bot.store"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    relative = ROOT.joinpath(*name.split("."))
    return relative.with_suffix(".py").exists() or (relative / "__init__.py").exists()


def runtime_imports(path: Path) -> set[str]:
    """Modules imported when ``path`` is imported: top-level imports, not those under ``if TYPE_CHECKING``.
    ``from package import submodule`` counts as importing the submodule only."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names}
            modules = {name for name in submodules if is_module(name)}
            found.update(modules)
            if len(modules) < len(submodules):
                found.add(node.module)
    return found


def graph() -> dict[str, set[str]]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    modules = {module_name(p): p for p in files}
    return {name: {m for m in runtime_imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_module_imports_itself_back_through_others() -> None:
    edges = graph()
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str], on_path: set[str], done: set[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt in on_path:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*path, nxt], on_path | {nxt}, done)
        done.add(node)

    done: set[str] = set()
    for start in sorted(edges):
        if start not in done:
            visit(start, [start], {start}, done)
    assert cycles == []


def test_each_layer_imports_only_what_it_may() -> None:
    broken = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = module_name(path)
            rules = [banned for layer, banned in FORBIDDEN.items() if name == layer or name.startswith(layer + ".")]
            for imported in runtime_imports(path):
                for banned in (b for rule in rules for b in rule):
                    if imported == banned or imported.startswith(banned + "."):
                        broken.append(f"{name} imports {imported}")
    assert broken == []
