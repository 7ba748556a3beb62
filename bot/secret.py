"""A value that must never be printed: its ``repr`` and ``str`` are masked, only :meth:`Secret.reveal` shows it.

Deliberately not a dataclass, so ``dataclasses.asdict`` over a configuration never unwraps it.

Every :class:`Secret` made in this process is also remembered, so :func:`scrub` can mask it in text that came from
outside (a provider's error code, message, TaskId or RequestId) before that text is stored, posted or logged:
case-insensitively, and also when the outside party split it with spaces or punctuation.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Final

MASK: Final = "****"
#: Shorter values (placeholders, an app id) are not worth masking and would mask ordinary words.
MIN_SCRUBBED_LENGTH: Final = 8
#: What an outside party may insert between the characters of a secret it echoes.
_SPLIT = r"[\s\W_]{0,3}"

_known: set[str] = set()
_known_lock = threading.Lock()


def remember_secret(value: str) -> None:
    """Have :func:`scrub` mask ``value`` from now on (done for every :class:`Secret`; call it for a secret that is
    only read from the environment)."""
    value = value.strip()
    if len(value) >= MIN_SCRUBBED_LENGTH:
        with _known_lock:
            _known.add(value)


def scrub(text: str) -> str:
    """``text`` with every remembered secret replaced by ``****``: any case, and split by whitespace or
    punctuation (``AbC-d e…``)."""
    if not text:
        return text
    with _known_lock:
        known = frozenset(_known)
    pattern = _pattern(known)
    return pattern.sub(MASK, text) if pattern is not None else text


@lru_cache(maxsize=8)
def _pattern(known: frozenset[str]) -> re.Pattern[str] | None:
    # Only letters and digits are matched, with up to 3 separators between them: a secret whose ``-`` the outside
    # party wrote as a space, or split with dots, is still found.
    spelled = (
        _SPLIT.join(re.escape(char) for char in value if char.isalnum())
        for value in sorted(known, key=len, reverse=True)
        if sum(char.isalnum() for char in value) >= MIN_SCRUBBED_LENGTH
    )
    alternatives = "|".join(spelled)
    return re.compile(alternatives, re.IGNORECASE) if alternatives else None


class Secret:
    """A credential. ``repr``/``str``/f-strings show ``****``; call :meth:`reveal` at the one place it is used."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        remember_secret(value)

    def reveal(self) -> str:
        return self._value

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        return self

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")
