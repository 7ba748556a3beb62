"""Every sentence a person reads, in English (``en``) and Chinese (``zh-CN``).

Sentences are grouped in section modules, each exporting ``TEXT: dict[key, {lang: template}]``; :data:`SECTIONS`
lists them explicitly. Templates use ``str.format`` placeholders. :func:`text` renders one; a missing Chinese
sentence falls back to English, and a missing key is a bug caught by the catalogue tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Final, Literal

from bot.catalogue import (
    bot_kept,
    controls,
    docs,
    faults,
    files,
    general,
    life,
    operations,
    overlaps,
    parse,
    provider_checks,
    provider_errors,
    series,
    slack,
    store,
)

Lang = Literal["en", "zh-CN"]
LANGS: Final[tuple[Lang, ...]] = ("en", "zh-CN")

SECTIONS: Final[tuple[Mapping[str, Mapping[str, str]], ...]] = (
    general.TEXT,
    parse.TEXT,
    series.TEXT,
    bot_kept.TEXT,
    slack.TEXT,
    life.TEXT,
    files.TEXT,
    controls.TEXT,
    overlaps.TEXT,
    store.TEXT,
    provider_checks.TEXT,
    provider_errors.TEXT,
    faults.TEXT,
    operations.TEXT,
    docs.TEXT,
)


def _merge() -> dict[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for section in SECTIONS:
        for key, langs in section.items():
            if key in merged:
                raise RuntimeError(f"catalogue key defined twice: {key}")
            merged[key] = langs
    return merged


CATALOGUE: Final[Mapping[str, Mapping[str, str]]] = _merge()


def normalize_lang(lang: str | None) -> Lang:
    """Map a Slack locale (``zh-CN``, ``zh-TW``, ``en-US``, ...) or ``zh``/``en`` to a catalogue language."""
    if lang and lang.lower().startswith("zh"):
        return "zh-CN"
    return "en"


def has(key: str) -> bool:
    """Whether the catalogue defines ``key``."""
    return key in CATALOGUE


def text(key: str, lang: str | None = "en", /, **params: Any) -> str:
    """Render sentence ``key`` in ``lang`` with ``params``; unknown placeholders are left visible, never raise."""
    if not params:
        return _bare(key, lang)
    return _template(key, lang).format_map(_Lenient(params))


# Cached: a card asks for a dozen sentences, most of them without parameters (labels, buttons).
@lru_cache(maxsize=4096)
def _template(key: str, lang: str | None) -> str:
    langs = CATALOGUE.get(key)
    if langs is None:
        raise KeyError(f"no catalogue sentence {key!r}")
    return langs.get(normalize_lang(lang)) or langs["en"]


@lru_cache(maxsize=4096)
def _bare(key: str, lang: str | None) -> str:
    return _template(key, lang).format_map(_Lenient())


class _Lenient(dict[str, Any]):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"
