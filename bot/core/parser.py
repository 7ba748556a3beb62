"""The public entry point: :func:`parse_command` turns one typed command into a :class:`~bot.core.model.Command`.

Order of reading: length cap → normalise (NFKC, spaces) → command word (``/record``, ``relay``) → subcommand
(``help``, ``list``, ``cancel``) or a target (or alias) → options and provider → the rest is the time part
(:mod:`bot.core.ranges`) → the window (:mod:`bot.core.resolve`). Any :class:`Problem` becomes a
:class:`~bot.errors.ParseError` in the person's language with a corrected example.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from bot.catalogue import text
from bot.core import commands
from bot.core.model import CancelTask, Command, Help, Kind, ListTasks, Note, Options, Schedule, TaskRequest
from bot.core.options import OPTION_PROVIDERS, OPTION_WORDS, Taken, take_options
from bot.core.problem import Problem
from bot.core.provider_names import PROVIDER_NAMES, RELAY_PROVIDERS, closest
from bot.core.ranges import TimeExpression, read_time_expression
from bot.core.resolve import resolve_window
from bot.core.targets import looks_like_target, parse_target
from bot.core.zones import zone_for_name
from bot.errors import ParseError

if TYPE_CHECKING:
    from bot.config import Config

MAX_LENGTH = 500
_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
_GLUED_TARGET = re.compile(r"^([A-Za-z0-9_.\-]+/[A-Za-z0-9_.\-]+)([\u3400-\u9fff].*)$")
_TASK_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")
_NUMERIC_DATE = re.compile(r"^\d{1,4}/\d{1,2}")
_TIME_VOCABULARY = (
    "now", "today", "tonight", "tomorrow", "yesterday", "noon", "midnight", "from", "until", "till", "between",
    "permanent", "forever", "minutes", "hours", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "next", "morning", "evening",
)  # fmt: skip
_TIME_PROBLEMS = ("parse.time_not_understood", "parse.range_unclear", "parse.two_times", "parse.two_dates",
                  "parse.bad_time", "parse.no_end")  # fmt: skip
_SUGGEST_KEYS = ("unknown_provider_suggest", "unknown_command_suggest", "unknown_subcommand", "bad_format",
                 "unknown_word_suggest")  # fmt: skip


def detect_lang(raw: str) -> str:
    """``zh-CN`` when the text contains Chinese (or full-width) characters, else ``en``."""
    return "zh-CN" if _CJK.search(raw) else "en"


@dataclass
class _Context:
    """What is known so far, for building a corrected example when something fails."""

    normalized: str = ""
    kind: Kind = "record"
    target: str = ""
    provider: str = ""


def parse_command(text_: str, *, now: datetime, tz: str, config: Config, kind: Kind | None = None) -> Command:
    """Read one command typed at ``now`` (aware) by a person in zone ``tz``.

    ``text_`` may start with ``/record``, ``/relay``, ``record`` or ``relay``; ``kind`` may be given instead by an
    adapter that knows it. Raises only :class:`~bot.errors.ParseError` (``lang`` = the language written in).

    Example: ``parse_command("/record live/s1 now for 45m", now=now, tz="Asia/Shanghai", config=config)`` gives a
    :class:`~bot.core.model.Schedule` whose window runs from ``now`` for 45 minutes on the default provider.
    """
    if now.tzinfo is None:
        raise ValueError("parse_command needs an aware 'now'")
    lang = detect_lang(text_[: MAX_LENGTH + 1])
    context = _Context(kind=kind or "record", provider=config.bot.default_provider)
    try:
        return _parse(text_, now=now, tz=tz, config=config, kind=kind, lang=lang, ctx=context)
    except Problem as problem:
        raise _to_error(problem, context, lang) from None


def _to_error(problem: Problem, context: _Context, lang: str) -> ParseError:
    params = dict(problem.params)
    if "example" not in params:
        suggestion = params.get("suggestion")
        quote = params.get("quote")
        if problem.key.removeprefix("parse.") in _SUGGEST_KEYS and suggestion and quote and context.normalized:
            params["example"] = context.normalized.replace(str(quote), str(suggestion), 1)
        else:
            key = "example.relay" if context.kind == "relay" else "example.record"
            target = params.get("target_example") or context.target or "live/stream001"  # never the bad target
            params["example"] = text(key, lang, target=target, provider=context.provider or "volc")
    return ParseError(problem.key, lang=lang, **params)


def _normalize(raw: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw)).strip()


def _parse(raw: str, *, now: datetime, tz: str, config: Config, kind: Kind | None, lang: str, ctx: _Context) -> Command:
    if len(raw) > MAX_LENGTH:
        raise Problem("parse.too_long", length=str(len(raw)), limit=str(MAX_LENGTH), example="/record help")
    normalized = _normalize(raw)
    ctx.normalized = normalized
    tokens = normalized.split(" ") if normalized else []
    if tokens and tokens[0].lower().lstrip("/") in commands.KIND_WORDS:
        kind = commands.KIND_WORDS[tokens.pop(0).lower().lstrip("/")]
    elif kind is None:
        if not tokens:
            raise Problem("parse.empty", example="/record help")
        word = tokens[0].lower().lstrip("/")
        suggestion = closest(word, ["record", "relay"])
        if suggestion:
            raise Problem("parse.unknown_command_suggest", quote=tokens[0].lstrip("/"), suggestion=suggestion)
        raise Problem("parse.unknown_command", quote=tokens[0], example="/record help")
    ctx.kind = kind
    if not tokens:
        return Help(kind=kind, lang=lang)
    action = commands.subcommand_action(tokens[0])
    if action == "help":
        return Help(kind=kind, lang=lang)
    if action == "list":
        extra = [t for t in tokens[1:] if t.lower() not in commands.MINE_WORDS]
        if extra:
            raise Problem("parse.extra_words", quote=" ".join(extra), example=f"/{kind} list mine")
        return ListTasks(kind=kind, mine=len(tokens) > 1, lang=lang)
    if action == "cancel":
        if len(tokens) < 2:
            raise Problem("parse.cancel_needs_id", example=f"/{kind} cancel rk4q2mz")
        if len(tokens) > 2 or not _TASK_ID.fullmatch(tokens[1]):
            raise Problem("parse.bad_task_id", quote=" ".join(tokens[1:]), example=f"/{kind} cancel rk4q2mz")
        return CancelTask(kind=kind, task=tokens[1], lang=lang)
    return _schedule(tokens, kind, now=now, tz=tz, config=config, lang=lang, ctx=ctx)


def _expand_aliases(tokens: list[str], config: Config) -> tuple[list[str], bool]:
    out: list[str] = []
    used = False
    for token in tokens:
        fragment = config.aliases.get(token.lower())
        if fragment is not None and not used:
            out.extend(_normalize(fragment).split(" "))
            used = True
        else:
            out.append(token)
    return out, used


def _find_target(tokens: list[str]) -> int:
    for i, token in enumerate(tokens):
        if looks_like_target(token):
            return i
    first = tokens[0]
    if "/" in first and "://" not in first and not _NUMERIC_DATE.match(first):
        return 0  # shaped like a target: parse_target says exactly what is wrong with it
    if first.isascii() and first.isalpha():
        suggestion = closest(first, commands.subcommand_words())
        if suggestion:
            raise Problem("parse.unknown_subcommand", quote=first, suggestion=suggestion)
    raise Problem("parse.no_target")


def _schedule(
    tokens: list[str], kind: Kind, *, now: datetime, tz: str, config: Config, lang: str, ctx: _Context
) -> Schedule:
    glued = _GLUED_TARGET.match(tokens[0])
    if glued:
        tokens = [glued.group(1), glued.group(2), *tokens[1:]]
    tokens, from_alias = _expand_aliases(tokens, config)
    index = _find_target(tokens)
    target_word = tokens.pop(index)
    ctx.target = target_word
    taken = take_options(tokens)
    provider = _provider(taken, kind, config)
    ctx.provider = provider
    target = parse_target(target_word, provider)
    _check_options(taken, provider)
    if kind == "relay" and not taken.sources:
        raise Problem("parse.relay_needs_source")
    if kind == "record" and taken.sources:
        raise Problem("parse.sources_on_record", quote=",".join(taken.sources), example=f"/relay {target_word} …")
    try:
        zone = zone_for_name(tz)
    except ValueError:
        raise Problem("parse.bad_zone", quote=tz) from None
    expression = _read_time(taken, now, zone, config)
    if expression.permanent and kind == "record":
        raise Problem("parse.permanent_record")
    timezone = tz
    if expression.zone is not None:
        zone = expression.zone.tzinfo
        timezone = expression.zone.iana or tz
    window, notes = resolve_window(expression, now=now, zone=zone)
    if taken.provider is None and not from_alias:
        notes.append(Note("note.default_provider", (("provider", provider),)))
    request = TaskRequest(
        kind=kind,
        provider=provider,
        target=target,
        window=window,
        sources=tuple(taken.sources),
        options=Options(
            format=taken.format,
            audio_only=taken.audio_only,
            template_id=taken.template_id,
            region=taken.region,
            split=taken.split,
            idle=taken.idle,
            dry_run=taken.dry_run,
        ),
    )
    return Schedule(request=request, timezone=timezone, notes=tuple(notes), lang=lang)


def _provider(taken: Taken, kind: Kind, config: Config) -> str:
    if kind == "relay":
        if taken.provider is not None and taken.provider not in RELAY_PROVIDERS:
            raise Problem("parse.relay_provider", provider=taken.provider)
        default = config.bot.default_provider
        return taken.provider or (default if default in RELAY_PROVIDERS else RELAY_PROVIDERS[0])
    return taken.provider or config.bot.default_provider


def _check_options(taken: Taken, provider: str) -> None:
    for option in taken.said:
        allowed = OPTION_PROVIDERS.get(option)
        if allowed is not None and provider not in allowed:
            raise Problem(
                "parse.option_not_for_provider", quote=option, provider=provider, providers=", ".join(allowed)
            )


def _read_time(taken: Taken, now: datetime, zone: tzinfo, config: Config) -> TimeExpression:
    words = taken.time_words
    base = now.astimezone(zone).replace(tzinfo=None, microsecond=0)
    try:
        return read_time_expression(" ".join(words).lower(), base, config.bot.date_order, config.bot.cst_means)
    except Problem as problem:
        if problem.key in _TIME_PROBLEMS:
            _suggest_word(words)
        raise


def _suggest_word(words: list[str]) -> None:
    """A misspelt option, provider or time word inside the time part: say which word was probably meant."""
    choices = [*OPTION_WORDS, *(n for n in PROVIDER_NAMES if n.isascii()), *_TIME_VOCABULARY]
    for word in words:
        low = word.lower()
        if low.isascii() and low.isalpha() and len(low) >= 3 and low not in choices:
            suggestion = closest(low, choices, cutoff=0.75)
            if suggestion:
                raise Problem("parse.unknown_word_suggest", quote=word, suggestion=suggestion)
