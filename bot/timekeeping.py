"""The bot's one notion of "now": a :data:`Clock` is any function returning an aware UTC datetime.

Everything that needs the time takes a clock (default :func:`utc_now`), so tests can move time instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)
