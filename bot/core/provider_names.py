"""Provider keys and the names people use for them (``ve``, ``火山``, ``tx``, ``lvb``, …), with "did you mean"."""

from __future__ import annotations

import difflib

from rapidfuzz.distance import OSA

from bot.provider_info import PROVIDERS

#: Every spelling → provider key (from the registry). Keys are lower-case.
PROVIDER_NAMES: dict[str, str] = {spelling: info.key for info in PROVIDERS for spelling in (info.key, *info.aliases)}

#: Providers that can relay (pull a source into a stream).
RELAY_PROVIDERS = tuple(info.key for info in PROVIDERS if info.relays)


def provider_key(word: str) -> str | None:
    """The provider key ``word`` names, or ``None``."""
    return PROVIDER_NAMES.get(word.strip().lower())


def closest(word: str, choices: list[str] | tuple[str, ...], cutoff: float = 0.6) -> str | None:
    """The choice ``word`` most likely was meant to be (for "did you mean …?"), or ``None``."""
    matches = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def suggest_provider(word: str) -> str | None:
    """For a word that is not a provider name: a name or alias one edit away (a letter or character added, dropped,
    changed or two swapped: ``volcc``, ``腾迅``), else the closest ASCII name; ``None`` when nothing is near."""
    low = word.strip().lower()
    near = [name for name in PROVIDER_NAMES if _long_enough(name) and OSA.distance(low, name) <= 1]
    if near:
        return near[0]
    if not low.isascii():
        return None
    return closest(low, [name for name in PROVIDER_NAMES if name.isascii()])


def _long_enough(name: str) -> bool:
    """One edit in a two-letter ASCII alias (``ve``, ``tx``) would match almost anything; Chinese names are words."""
    return len(name) >= 3 or not name.isascii()
