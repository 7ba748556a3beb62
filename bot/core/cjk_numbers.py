"""Chinese numerals as people type them in chat: ``三``, ``十五``, ``两``, ``二十三``, ``半`` (as 0.5 elsewhere)."""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

#: One Chinese or Arabic number below 100 (what clocks and durations need).
NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两俩三四五六七八九十]+)"

_CJK_NUMBER = re.compile(r"^(?:([一二两三四五六七八九])?(十))?([零〇一二两三四五六七八九])?$")


def cjk_to_int(word: str) -> int | None:
    """``十五`` → 15, ``二十`` → 20, ``两`` → 2, ``7`` → 7; ``None`` if it is not a number below 100."""
    if word.isdigit():
        return int(word)
    if not word:
        return None
    match = _CJK_NUMBER.match(word)
    if match is None:
        return None
    tens_digit, ten, ones = match.groups()
    total = 0
    if ten:
        total += 10 * (_DIGITS[tens_digit] if tens_digit else 1)
    if ones:
        total += _DIGITS[ones]
    if not ten and not ones:
        return None
    return total


def to_number(word: str) -> float | None:
    """An Arabic (``1.5``) or Chinese (``两``) number, or ``None``."""
    try:
        return float(word)
    except ValueError:
        value = cjk_to_int(word)
        return None if value is None else float(value)
