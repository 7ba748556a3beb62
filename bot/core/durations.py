"""Durations in English and Chinese: ``45m``, ``90 minutes``, ``1h30m``, ``1.5h``, ``半小时``, ``一个半小时``, ``1小时30分``."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.core.cjk_numbers import NUMBER, to_number

_EN_UNITS = {
    "d": 86400, "day": 86400, "days": 86400,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
}  # fmt: skip
_EN_UNIT = "|".join(sorted(_EN_UNITS, key=len, reverse=True))
_EN_PART = re.compile(rf"(\d+(?:\.\d+)?|an?|half an?|half a|half)\s*({_EN_UNIT})(?![a-z])\s*(?:and\s+)?", re.IGNORECASE)

_ZH_UNITS = {
    "天": 86400,
    "小时": 3600,
    "钟头": 3600,
    "个小时": 3600,
    "个钟头": 3600,
    "分钟": 60,
    "分": 60,
    "秒钟": 1,
    "秒": 1,
}
_ZH_UNIT = "|".join(sorted(_ZH_UNITS, key=len, reverse=True))
_ZH_PART = re.compile(rf"({NUMBER})?(个)?(半)?({_ZH_UNIT})(半)?")
_QUARTERS = {"一刻钟": 900, "一刻": 900, "三刻钟": 2700}


def _en_amount(word: str) -> float | None:
    word = word.lower()
    if word in ("a", "an"):
        return 1.0
    if word.startswith("half"):
        return 0.5
    return to_number(word)


def parse_duration(fragment: str) -> timedelta | None:
    """The duration the whole ``fragment`` says, or ``None`` if it is not (only) a duration."""
    text = fragment.strip()
    if not text:
        return None
    seconds = _parse_en(text)
    if seconds is None:
        seconds = _parse_zh(text.replace(" ", ""))
    if seconds is None:
        return None
    return timedelta(seconds=round(seconds))


def _parse_en(text: str) -> float | None:
    if _EN_PART.match(text) is None:  # a duration starts with its first part: no need to scan the rest
        return None
    total = 0.0
    position = 0
    seen_units: set[int] = set()
    for match in _EN_PART.finditer(text):
        if match.start() != position:
            return None
        amount = _en_amount(match.group(1))
        unit = _EN_UNITS[match.group(2).lower()]
        if amount is None or unit in seen_units:
            return None
        seen_units.add(unit)
        total += amount * unit
        position = match.end()
    if position != len(text) or not seen_units:
        return None
    return total


def _parse_zh(text: str) -> float | None:
    if text in _QUARTERS:
        return float(_QUARTERS[text])
    if _ZH_PART.match(text) is None:  # as in English: no first part at the start, no duration
        return None
    total = 0.0
    position = 0
    found = False
    seen_units: set[int] = set()
    for match in _ZH_PART.finditer(text):
        if match.start() != position or match.end() == match.start():
            return None
        number, _, half_before, unit_word, half_after = match.groups()
        unit = _ZH_UNITS[unit_word]
        if unit in seen_units:
            return None
        seen_units.add(unit)
        if number is None:
            amount = 0.5 if half_before else None  # 半小时
            if half_before and half_after:
                return None
        else:
            value = to_number(number)
            amount = None if value is None else value + (0.5 if (half_before or half_after) else 0.0)
        if amount is None:
            return None
        total += amount * unit
        position = match.end()
        found = True
    if not found:
        return None
    rest = text[position:]
    if rest and not (rest.isdigit() and total and total % 3600 == 0):
        return None
    if rest:  # 1小时30 → 1 h 30 min
        total += int(rest) * 60
    return total
