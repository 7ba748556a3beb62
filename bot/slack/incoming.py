"""Text as Slack sends it, turned back into what the person typed, once, before the core reads it.

Slack escapes ``&``, ``<`` and ``>`` as ``&amp;``, ``&lt;`` and ``&gt;`` in slash-command and event text, and writes
what it recognised in angle brackets: links ``<http://…>`` or ``<http://…|label>``, ``<mailto:a@b|a@b>``, user
mentions ``<@U…>`` and channels ``<#C…|name>``. Modal input is sent as typed and needs none of this.
"""

from __future__ import annotations

import re

_ANGLED = re.compile(r"<([^<>]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_LINK = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def _unescape(value: str) -> str:
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], value)


def _plain(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("mailto:"):
        return label or target.removeprefix("mailto:")
    if target.startswith(("#C", "#G")):
        return f"#{label}" if label else target
    if target.startswith(("@", "!")):
        return match.group(0)  # a mention or a special word such as <!channel>: kept as Slack wrote it
    if _LINK.match(target):
        return target  # the URL itself, not the label Slack may show for it
    return match.group(0)


def typed_text(raw: str) -> str:
    """What the person typed: Slack's links unwrapped to their URL, then ``&amp; &lt; &gt;`` un-escaped (once)."""
    return _unescape(_ANGLED.sub(_plain, raw))
