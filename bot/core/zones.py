"""Time-zone words inside a command: ``UTC``, ``GMT-5``, ``+08:00``, ``Asia/Shanghai``, ``北京时间``, ``EST``, ``CST``.

A zone named in the text applies to all its times. :func:`take_zone` finds it and removes it from the text;
:func:`zone_for_name` turns the stored name (an IANA key or ``UTC±hh:mm``) back into a ``tzinfo``.
"""

from __future__ import annotations

import functools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta, timezone, tzinfo

from bot.errors import ZoneConflict

#: Abbreviations that name a fixed offset (hours). ``CST`` is decided by configuration.
FIXED_ABBREVIATIONS: dict[str, float] = {
    "est": -5, "edt": -4, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}  # fmt: skip
#: Abbreviations and words that name a region whose clocks we follow with zoneinfo.
REGION_WORDS: dict[str, str] = {
    "utc": "UTC", "gmt": "UTC", "z": "UTC",
    "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong",
    "bjt": "Asia/Shanghai", "beijing time": "Asia/Shanghai", "china time": "Asia/Shanghai",
    "china standard time": "Asia/Shanghai",
    "et": "America/New_York", "eastern time": "America/New_York", "pt": "America/Los_Angeles",
    "pacific time": "America/Los_Angeles", "ct": "America/Chicago", "central time": "America/Chicago",
}  # fmt: skip

_WORDS = sorted([*FIXED_ABBREVIATIONS, *REGION_WORDS, "cst"], key=len, reverse=True)
_WORD = re.compile(r"(?<![\w/])(" + "|".join(re.escape(w) for w in _WORDS) + r")(?![\w/])", re.IGNORECASE)
_NAMED_OFFSET = re.compile(r"(?<![\w])(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)", re.IGNORECASE)
_PLUS_OFFSET = re.compile(r"(?<![A-Za-z:+])\+(\d{2}):?(\d{2})(?!\d)|(?<![A-Za-z:+])\+(\d{1,2})(?![\d:])")
_ISO_OFFSET = re.compile(r"(?<=[Tt]\d\d:\d\d)(?::\d\d)?([+-])(\d{2}):?(\d{2})(?!\d)|(?<=\d\d:\d\d)[Zz](?![\w])")
_OFFSET_NAME = re.compile(r"UTC([+-])(\d{2}):(\d{2})")  # what offset_name writes
_IANA = re.compile(r"(?<![\w/])([A-Za-z]+(?:/[A-Za-z0-9_+-]+){1,2})(?![\w/])")


@dataclass(frozen=True)
class Zone:
    """The zone times are read in: ``name`` (IANA key or ``UTC±hh:mm``), and what the text said, if anything."""

    name: str
    said: str = ""

    @property
    def tzinfo(self) -> tzinfo:
        return zone_for_name(self.name)

    @property
    def iana(self) -> str | None:
        """An IANA key for this zone (``Etc/GMT-8`` for ``UTC+08:00``), or ``None`` for a half-hour offset."""
        match = _OFFSET_NAME.fullmatch(self.name)
        if match is None:
            return self.name
        if match.group(3) != "00":
            return None
        hours = int(match.group(2))
        return f"Etc/GMT{'-' if match.group(1) == '+' else '+'}{hours}"


def offset_name(minutes: int) -> str:
    """``480`` → ``UTC+08:00``; ``0`` → ``UTC``."""
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


@functools.lru_cache(maxsize=256)
def zone_for_name(name: str) -> tzinfo:
    """A ``tzinfo`` for an IANA key or a ``UTC±hh:mm`` name. Raises ``ValueError`` for anything else."""
    match = _OFFSET_NAME.fullmatch(name)
    if match:
        minutes = int(match.group(2)) * 60 + int(match.group(3))
        return timezone(timedelta(minutes=minutes if match.group(1) == "+" else -minutes), name)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@functools.cache
def _iana_keys() -> dict[str, str]:
    return {key.lower(): key for key in zoneinfo.available_timezones()}


def _offset_minutes(sign: str, hours: str, minutes: str | None) -> int | None:
    value = int(hours) * 60 + int(minutes or 0)
    if int(hours) > 14 or int(minutes or 0) not in (0, 30, 45):
        return None
    return value if sign == "+" else -value


def take_zone(text: str, cst_means: str = "China") -> tuple[str, Zone | None]:
    """Remove every zone word from ``text``; return the rest and the zone (``None`` if none was named).

    Raises :class:`ZoneConflict` when two different zones are named, ``ValueError`` for an impossible offset.
    """
    found: list[Zone] = []

    def offset(said: str, sign: str, hours: str, minutes: str | None) -> str:
        value = _offset_minutes(sign, hours, minutes)
        if value is None:
            raise ValueError(said)
        found.append(Zone(offset_name(value), said))
        return " "

    def named_offset(match: re.Match[str]) -> str:
        return offset(match.group(0), match.group(1), match.group(2), match.group(3))

    def iso_offset(match: re.Match[str]) -> str:
        if match.group(0) in ("Z", "z"):
            found.append(Zone("UTC", "Z"))
            return " "
        return named_offset(match)

    def plus_offset(match: re.Match[str]) -> str:
        hours, minutes = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), None)
        return offset(match.group(0), "+", hours, minutes)

    def iana(match: re.Match[str]) -> str:
        key = _iana_keys().get(match.group(1).lower())
        if key is None:
            return match.group(0)
        found.append(Zone(key, match.group(0)))
        return " "

    def word(match: re.Match[str]) -> str:
        said = match.group(1)
        key = said.lower()
        if key == "cst":
            name = "Asia/Shanghai" if cst_means == "China" else offset_name(-360)
        elif key in FIXED_ABBREVIATIONS:
            name = offset_name(int(FIXED_ABBREVIATIONS[key] * 60))
        else:
            name = REGION_WORDS[key]
        found.append(Zone(name, said))
        return " "

    rest = text
    # Each offset pattern needs a sign (or, for ISO, a Z): most times have neither, so these searches are skipped.
    if "+" in rest or "-" in rest or "z" in rest or "Z" in rest:
        rest = _ISO_OFFSET.sub(iso_offset, rest)
    if "+" in rest or "-" in rest:
        rest = _NAMED_OFFSET.sub(named_offset, rest)
    if "+" in rest:
        rest = _PLUS_OFFSET.sub(plus_offset, rest)
    if "/" in rest:
        rest = _IANA.sub(iana, rest)
    rest = _WORD.sub(word, rest)
    if "北京时间" in rest:
        found.append(Zone("Asia/Shanghai", "北京时间"))
        rest = rest.replace("北京时间", " ")
    if not found:
        return text, None
    for other in found[1:]:
        if other.name != found[0].name:
            raise ZoneConflict(found[0].said, other.said)
    rest = re.sub(r"[()（）]", " ", rest)
    return re.sub(r"\s+", " ", rest).strip(), found[0]
