"""A value that must never be printed: its ``repr`` and ``str`` are masked, only :meth:`Secret.reveal` shows it.

Deliberately not a dataclass, so ``dataclasses.asdict`` over a configuration never unwraps it.
"""

from __future__ import annotations

from typing import Final

MASK: Final = "****"


class Secret:
    """A credential. ``repr``/``str``/f-strings show ``****``; call :meth:`reveal` at the one place it is used."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

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
