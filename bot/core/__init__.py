"""The core: command language, time resolution and request planning. Imports neither Slack nor HTTP.

Public surface:

- :func:`parse_command` — text → :class:`~bot.core.model.Command` (raises only :class:`~bot.errors.ParseError`)
- :func:`help_text` — help generated from the command table the parser uses (:mod:`bot.core.commands`)
- :func:`resolve_window` — a read time expression → absolute window and card notes
- :func:`warm` — load the date reader once at process start
"""

from __future__ import annotations

from bot.core.commands import COMMANDS, help_text
from bot.core.parser import MAX_LENGTH, detect_lang, parse_command
from bot.core.resolve import resolve_window


def warm() -> None:
    """Load the fallback date reader's language data now, not during the first command (call at start-up)."""
    from bot.core import fallback

    fallback.warm()


__all__ = ["COMMANDS", "MAX_LENGTH", "detect_lang", "help_text", "parse_command", "resolve_window", "warm"]
