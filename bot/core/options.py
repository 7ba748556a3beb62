"""The words after the target that are not about time: ``on <provider>``, ``from <url>,<url>`` (relay), and the
options ``as flv|hls|mp4|aac``, ``audio``, ``template <id>``, ``region <r>``, ``split <duration>``,
``idle <duration>``, ``dry-run``. :func:`take_options` removes them and leaves the time words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import TypeVar

from bot.core.days import take_day
from bot.core.durations import parse_duration
from bot.core.provider_names import PROVIDER_NAMES, closest, provider_key, suggest_provider
from bot.core.repeat_words import is_repeat_day_word
from bot.errors import Problem

FORMATS = ("flv", "hls", "mp4", "aac")
OPTION_WORDS = ("on", "as", "audio", "template", "region", "split", "idle", "dry-run", "from")
#: option → providers it applies to (others would silently ignore it).
OPTION_PROVIDERS = {"audio": ("qcloud",), "template": ("tencent",), "region": ("tencent",), "split": ("trro",),
                    "idle": ("trro",)}  # fmt: skip
_DRY_RUN = {"dry-run", "dryrun", "--dry-run", "dry_run", "试运行", "预演"}
_AUDIO = {"audio", "audio-only", "audio_only", "纯音频", "音频"}
_T = TypeVar("_T")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s,，]+")
_REGION = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+(?:-\d+)?")
#: Sentence punctuation people end a word with ("on Volc.", "明天，"); never stripped from a URL.
SENTENCE_PUNCTUATION = ".,。，!！"


def without_sentence_punctuation(tokens: list[str]) -> list[str]:
    """The words after the target with sentence punctuation stuck to their end removed (URLs keep theirs; a word
    that was only punctuation is dropped)."""
    cleaned = (token if "://" in token else token.rstrip(SENTENCE_PUNCTUATION) for token in tokens)
    return [token for token in cleaned if token]


@dataclass
class Taken:
    """What :func:`take_options` found."""

    provider: str | None = None
    provider_said: str | None = None
    sources: list[str] = field(default_factory=list)
    format: str | None = None
    audio_only: bool = False
    template_id: int | None = None
    region: str | None = None
    split: timedelta | None = None
    idle: timedelta | None = None
    dry_run: bool = False
    said: list[str] = field(default_factory=list)  # option names given, for provider checks
    time_words: list[str] = field(default_factory=list)


def _duration_after(tokens: list[str], i: int, option: str) -> tuple[timedelta, int]:
    """A duration of two or one words after ``option`` at ``tokens[i]``; returns it and the next index."""
    for width in (2, 1):
        if i + width < len(tokens):
            value = parse_duration(" ".join(tokens[i + 1 : i + 1 + width]))
            if value is not None and value > timedelta(0):
                return value, i + 1 + width
    raise Problem("parse.bad_option_duration", quote=" ".join(tokens[i : i + 2]), option=option)


def _value_after(tokens: list[str], i: int, option: str) -> str:
    if i + 1 >= len(tokens):
        raise Problem("parse.option_needs_value", quote=option, option=option)
    return tokens[i + 1]


def take_options(tokens: list[str]) -> Taken:
    """Split the words after the target into options and time words. Raises :class:`Problem` on a bad value."""
    taken = Taken()
    tokens = without_sentence_punctuation(tokens)
    i = 0
    while i < len(tokens):
        word = tokens[i]
        low = word.lower()
        if low == "on" and i + 1 < len(tokens) and not _is_day(tokens[i + 1]):
            _set_provider(taken, tokens[i + 1])
            i += 2
        elif low == "from" and i + 1 < len(tokens) and "://" in tokens[i + 1]:
            i = _take_sources(taken, tokens, i + 1)
        elif low == "as":
            value = _value_after(tokens, i, "as").lower()
            if value not in FORMATS:
                hint = closest(value, FORMATS)
                raise Problem("parse.bad_format", quote=tokens[i + 1], suggestion=hint or "mp4")
            taken.format = _once(taken, "as", value)
            i += 2
        elif low in _AUDIO:
            taken.audio_only = _once(taken, "audio", True)
            i += 1
        elif low == "template":
            value = _value_after(tokens, i, "template")
            if not value.isdigit():
                raise Problem("parse.bad_template", quote=value)
            taken.template_id = _once(taken, "template", int(value))
            i += 2
        elif low == "region":
            value = _value_after(tokens, i, "region").lower()
            if not _REGION.fullmatch(value):
                raise Problem("parse.bad_region", quote=tokens[i + 1])
            taken.region = _once(taken, "region", value)
            i += 2
        elif low in ("split", "idle"):
            length, i = _duration_after(tokens, i, low)
            if low == "split":
                taken.split = _once(taken, "split", length)
            else:
                taken.idle = _once(taken, "idle", length)
        elif low in _DRY_RUN:
            taken.dry_run = _once(taken, "dry-run", True)
            i += 1
        elif low in PROVIDER_NAMES and taken.provider is None:
            _set_provider(taken, word)  # a provider name standing alone ("… 15:00-16:00 volc")
            i += 1
        else:
            taken.time_words.append(word)
            i += 1
    return taken


def _once(taken: Taken, option: str, value: _T) -> _T:
    if option in taken.said:
        raise Problem("parse.option_twice", quote=option)
    taken.said.append(option)
    return value


@lru_cache(maxsize=1024)  # the word after "on": nearly always a provider name
def _is_day(word: str) -> bool:
    """``on monday``, ``on 11/25``, ``on weekdays``: a time word, not a provider."""
    return word[:1].isdigit() or take_day(word.lower())[1] is not None or is_repeat_day_word(word)


def _set_provider(taken: Taken, word: str) -> None:
    key = provider_key(word)
    if key is None:
        suggestion = suggest_provider(word)
        if suggestion is not None:
            raise Problem("parse.unknown_provider_suggest", quote=word, suggestion=suggestion)
        raise Problem("parse.unknown_provider", quote=word)
    if taken.provider is not None and taken.provider != key:
        raise Problem("parse.two_providers", quote=f"{taken.provider_said} / {word}")
    taken.provider = key
    taken.provider_said = word


def _take_sources(taken: Taken, tokens: list[str], i: int) -> int:
    """``from rtmp://a,rtmp://b`` or ``from rtmp://a, rtmp://b``: every URL up to the first other word."""
    while i < len(tokens):
        parts = [p for p in re.split(r"[,，]", tokens[i]) if p]
        if not parts or not all("://" in p for p in parts):
            break
        for part in parts:
            if not _URL.fullmatch(part):
                raise Problem("parse.bad_source", quote=part)
            taken.sources.append(part)
        trailing_comma = tokens[i].endswith((",", "，"))
        i += 1
        if not trailing_comma and not (i < len(tokens) and tokens[i].startswith((",", "，"))):
            break
    return i
