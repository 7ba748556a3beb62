"""Sentences of ``python -m bot docs``: the lifecycle diagram kept in ``docs/architecture.md``."""

TEXT: dict[str, dict[str, str]] = {
    "docs.diagram.unreadable": {
        "en": "Cannot read {path} ({reason}). Run this from the repository's top folder, or name the file.",
        "zh-CN": "无法读取 {path}（{reason}）。请在仓库根目录运行，或指明文件。",
    },
    "docs.diagram.no_block": {
        "en": "{path} has no lifecycle diagram block. Add the two marker lines from bot/docs/lifecycle_diagram.py, then run: python -m bot docs --write {path}",
        "zh-CN": "{path} 中没有生命周期图的标记段。请加入 bot/docs/lifecycle_diagram.py 中的两行标记，然后运行：python -m bot docs --write {path}",
    },
    "docs.diagram.stale": {
        "en": "The lifecycle diagram in {path} no longer matches bot/lifecycle.py. Run: python -m bot docs --write {path}",
        "zh-CN": "{path} 中的生命周期图与 bot/lifecycle.py 不一致。请运行：python -m bot docs --write {path}",
    },
    "docs.diagram.current": {
        "en": "The lifecycle diagram in {path} matches bot/lifecycle.py.",
        "zh-CN": "{path} 中的生命周期图与 bot/lifecycle.py 一致。",
    },
    "docs.diagram.written": {
        "en": "The lifecycle diagram in {path} is up to date.",
        "zh-CN": "{path} 中的生命周期图已更新。",
    },
}
