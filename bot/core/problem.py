"""The core's internal "not understood" signal. :func:`bot.core.parse_command` turns it into a
:class:`~bot.errors.ParseError` in the person's language, with a corrected example."""

from __future__ import annotations

from typing import Any


class Problem(Exception):
    """Something in the command was not understood: a catalogue ``key`` and its parameters (``quote`` usually)."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
