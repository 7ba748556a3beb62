"""dateparser as the last-resort reader of one time point that our own grammar did not recognise.

Measured behaviour (see the project notes on dateparser 1.5.0): languages are pinned to English and Chinese, the
base is the naive wall clock in the person's zone, the timestamp parser is off, and the result is a naive wall time
that the caller localises with ``zoneinfo`` and checks itself. It is imported lazily; :func:`warm` loads it once.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

MAX_FRAGMENT = 80
_NUMBER_ONLY = re.compile(r"^[\d\s.,:/-]*$")
_RELATIVE = re.compile(r"\b(ago|from now|later|before|after|in)\b|前|后")
_SETTINGS: dict[str, Any] = {
    "PARSERS": ["relative-time", "absolute-time", "custom-formats"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
}


def read_wall_time(fragment: str, base: datetime, date_order: str) -> datetime | None:
    """The naive wall time ``fragment`` names, read relative to the naive wall clock ``base``; ``None`` if unsure."""
    text = fragment.strip()
    if not text or len(text) > MAX_FRAGMENT or _NUMBER_ONLY.match(text) or _RELATIVE.search(text):
        return None
    import dateparser

    settings = dict(_SETTINGS, RELATIVE_BASE=base, DATE_ORDER="MDY" if date_order == "MD" else "DMY")
    try:
        result = dateparser.parse(text, languages=["en", "zh"], settings=settings)
    except Exception:  # a third-party parser: any failure means "not understood"
        return None
    if result is None or result.tzinfo is not None:
        return None
    return result


def warm() -> None:
    """Load dateparser's language data now (≈ 0.2 s) rather than during the first command."""
    read_wall_time("tomorrow 9pm", datetime(2026, 1, 1, 12, 0), "MD")
