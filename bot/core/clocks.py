"""Clock times: ``15:00``, ``3pm``, ``3:30 p.m.``, ``9``, ``noon``, ``midnight``, ``3点``, ``下午3点``, ``3点半``,
``15点30分``, ``凌晨2点``, ``晚上8点``. :func:`take_clock` finds at most one and removes it from the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.cjk_numbers import NUMBER, cjk_to_int
from bot.errors import Problem

#: Chinese parts of the day → the period they set (am, pm, noon, night, small hours).
ZH_PERIODS = {
    "凌晨": "early", "清晨": "am", "早上": "am", "早晨": "am", "上午": "am", "早": "am", "中午": "noon", "午后": "pm",
    "下午": "pm", "傍晚": "pm", "晚上": "night", "夜里": "night", "夜间": "night", "晚间": "night", "晚": "night",
    "半夜": "early", "深夜": "night",
}  # fmt: skip
_ZH_PERIOD = "|".join(sorted(ZH_PERIODS, key=len, reverse=True))


@dataclass(frozen=True)
class ClockTime:
    """A clock reading as typed. ``hour`` is as written (0–24); ``period`` is ``am``/``pm``/``noon``/``night``/
    ``early`` or ``None``; ``bare`` when a 1–12 hour came with no period and no leading zero (may move 12 h)."""

    hour: int
    minute: int
    period: str | None
    bare: bool
    said: str

    def with_period(self, period: str) -> ClockTime:
        return ClockTime(self.hour, self.minute, period, False, self.said)


def hour_of_day(clock: ClockTime) -> int | None:
    """The 24-hour hour (24 means the following midnight), or ``None`` when hour and period disagree."""
    hour, period = clock.hour, clock.period
    if hour > 24 or (hour == 24 and clock.minute):
        return None
    if period is None:
        return hour
    if hour > 12:  # "15pm" is only redundant; "15am" or "凌晨15点" contradicts itself
        return hour if period in ("pm", "night") else None
    if period == "am":
        return 0 if hour == 12 else hour
    if period == "early":  # 凌晨/半夜: small hours; 12 is midnight
        return 0 if hour == 12 else hour
    if period == "noon":  # 中午12点 = 12:00, 中午1点 = 13:00
        return hour if hour >= 11 else hour + 12
    if period == "night":  # 晚上8点 = 20:00, 晚上12点 = midnight at the end of the day
        return 24 if hour == 12 else hour + 12 if hour >= 5 else hour
    return 12 if hour == 12 else hour + 12  # pm


_NAMED = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0), "午夜": (0, 0), "正午": (12, 0)}
_NAMED_RE = re.compile(r"(?<![a-z])(?:12\s*)?(noon|midday|midnight)(?![a-z])|(午夜|正午)")
_EN_RE = re.compile(
    r"(?<![\d:.])(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?|o'?clock)(?![a-z])|(?<![\d:./])(\d{1,2}):(\d{2})(?::00)?(?![\d:])"
)
_ZH_RE = re.compile(
    rf"({_ZH_PERIOD})?\s*(?:({NUMBER})\s*[点点時时](?:钟)?\s*(?:(半)|(一刻)|(三刻)|({NUMBER})\s*分?)?|(\d{{1,2}}):(\d{{2}}))"
)
_BARE_RE = re.compile(r"(?<![\d:./])(\d{1,2})(?![\d:./]|st|nd|rd|th)")
_PERIOD_RE = re.compile(rf"({_ZH_PERIOD})")


def _clock(hour: int | None, minute: int | None, period: str | None, said: str, zero_padded: bool) -> ClockTime:
    if hour is None or minute is None or minute > 59 or hour > 24:
        raise Problem("parse.bad_time", quote=said.strip())
    bare = period is None and 1 <= hour <= 12 and not zero_padded
    clock = ClockTime(hour, minute, period, bare, said.strip())
    if hour_of_day(clock) is None:
        raise Problem("parse.bad_time", quote=said.strip())
    return clock


def _find(text: str) -> tuple[re.Match[str], ClockTime] | None:
    # In ASCII text _ZH_RE can only find "15:00" with no part of day, which is left to _EN_RE below anyway.
    match = None if text.isascii() else _ZH_RE.search(text)
    if match:
        period_word, hour_word, half, quarter, three_quarters, minute_word, colon_hour, colon_minute = match.groups()
        period = ZH_PERIODS[period_word] if period_word else None
        if colon_hour is not None:
            hour: int | None = int(colon_hour)
            minute: int | None = int(colon_minute)
            padded = colon_hour.startswith("0") or period_word is None
        else:
            hour = cjk_to_int(hour_word)
            minute = 30 if half else 15 if quarter else 45 if three_quarters else 0
            if minute_word:
                minute = cjk_to_int(minute_word)
            padded = hour_word.startswith("0")
        if colon_hour is None or period_word is not None:
            return match, _clock(hour, minute, period, match.group(0), padded)
    match = _NAMED_RE.search(text)
    if match:
        hour, minute = _NAMED[match.group(1) or match.group(2)]
        return match, ClockTime(hour, minute, "am" if hour == 0 else "noon", False, match.group(0))
    match = _EN_RE.search(text)
    if match:
        if match.group(1) is not None:
            suffix = match.group(3).replace(".", "")
            period = None if "clock" in suffix else suffix
            padded = match.group(1).startswith("0")
            return match, _clock(int(match.group(1)), int(match.group(2) or 0), period, match.group(0), padded)
        padded = match.group(4).startswith("0") or int(match.group(4)) > 12
        return match, _clock(int(match.group(4)), int(match.group(5)), None, match.group(0), padded)
    match = _BARE_RE.search(text)
    if match:
        value = int(match.group(1))
        return match, _clock(value, 0, None, match.group(0), match.group(1).startswith("0"))
    return None


def take_clock(text: str) -> tuple[str, ClockTime | None]:
    """Find the one clock time in lower-cased ``text``; return the text without it and the clock.

    A part of day written alone (``下午``) is returned as a clock-less period by :func:`take_period`.
    Raises :class:`Problem` for an impossible time (``25:00``, ``15am``) or two times in one point.
    """
    found = _find(text)
    if found is None:
        return text, None
    match, clock = found
    rest = text[: match.start()] + " " + text[match.end() :]
    again = _find(rest)
    if again is not None:
        raise Problem("parse.two_times", quote=f"{clock.said} … {again[1].said}")
    return rest, clock


def take_period(text: str) -> tuple[str, str | None]:
    """A Chinese part of day written without a clock (``明天下午``): the rest and the period."""
    match = _PERIOD_RE.search(text)
    if match is None:
        return text, None
    return text[: match.start()] + " " + text[match.end() :], ZH_PERIODS[match.group(1)]
