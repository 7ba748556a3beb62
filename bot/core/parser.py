"""The public entry point: :func:`parse_command` turns one typed command into a :class:`~bot.core.model.Command`.

Order of reading: length cap → normalise (NFKC, spaces) → command word (``/record``, ``relay``) → subcommand
(``help``, ``list``, ``cancel``) or a target (or alias) → options and provider → the rest is the time part
(:mod:`bot.core.ranges`) → the window (:mod:`bot.core.resolve`). Any :class:`Problem` becomes a
:class:`~bot.errors.ParseError` in the person's language with a corrected example.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from bot.catalogue import text
from bot.core import commands
from bot.core.durations import parse_duration
from bot.core.model import (
    CancelTask,
    Command,
    ExtendTask,
    Help,
    Kind,
    ListTasks,
    Note,
    Options,
    Schedule,
    TaskRequest,
    Window,
)
from bot.core.options import OPTION_PROVIDERS, OPTION_WORDS, SENTENCE_PUNCTUATION, Taken, take_options
from bot.core.provider_names import PROVIDER_NAMES, RELAY_PROVIDERS, closest
from bot.core.ranges import TimeExpression, read_time_expression
from bot.core.resolve import resolve_window
from bot.core.series import Series
from bot.core.series_resolve import resolve_series
from bot.core.targets import EXAMPLES as TARGET_EXAMPLES
from bot.core.targets import looks_like_target, parse_target
from bot.core.zones import zone_for_name
from bot.errors import ParseError, Problem

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
#: What a "did you mean" becomes when the suggested command would not parse either.
_WITHOUT_SUGGESTION = {"parse.unknown_provider_suggest": "parse.unknown_provider",
                       "parse.unknown_command_suggest": "parse.unknown_command",
                       "parse.unknown_subcommand": "parse.not_understood", "parse.bad_format": "parse.bad_format_choices",
                       "parse.unknown_word_suggest": "parse.not_understood"}  # fmt: skip


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


def parse_command(
    text_: str, *, now: datetime, tz: str, config: Config, kind: Kind | None = None, allow_series: bool = False
) -> Command:
    """Read one command typed at ``now`` (aware) by a person in zone ``tz``.

    ``text_`` may start with ``/record``, ``/relay``, ``record`` or ``relay``; ``kind`` may be given instead by an
    adapter that knows it. A repeating schedule is only returned with ``allow_series`` (adapters that cannot
    schedule one yet get a :class:`~bot.errors.ParseError` suggesting its first window instead). Raises only
    :class:`~bot.errors.ParseError` (``lang`` = the language written in).

    Example: ``parse_command("/record live/s1 now for 45m", now=now, tz="Asia/Shanghai", config=config)`` gives a
    :class:`~bot.core.model.Schedule` whose window runs from ``now`` for 45 minutes on the default provider.
    """
    if now.tzinfo is None:
        raise ValueError("parse_command needs an aware 'now'")
    lang = detect_lang(text_[: MAX_LENGTH + 1])
    options = _Reading(now=now, tz=tz, config=config, kind=kind, lang=lang, allow_series=allow_series)

    def parses(candidate: str) -> bool:
        try:
            _parse(candidate, options, _Context(kind=kind or "record", provider=config.bot.default_provider))
        except Problem:
            return False
        return True

    context = _Context(kind=kind or "record", provider=config.bot.default_provider)
    try:
        return _parse(text_, options, context)
    except Problem as problem:
        raise _to_error(problem, context, options, parses) from None


@dataclass(frozen=True)
class _Reading:
    """How to read: the clock, the zone, the configuration and what the caller can take."""

    now: datetime
    tz: str
    config: Config
    kind: Kind | None
    lang: str
    allow_series: bool


def _to_error(problem: Problem, context: _Context, reading: _Reading, parses: Callable[[str], bool]) -> ParseError:
    """The error for ``problem``; an example built from the person's own command is offered only if it parses
    (otherwise a "did you mean" loses its suggestion and the example is the standard one)."""
    key, lang = problem.key, reading.lang
    params = dict(problem.params)
    replacements: tuple[tuple[str, str], ...] = params.pop("replace", ())
    appended: str | None = params.pop("append", None)
    candidate: str | None = params.pop("candidate", None)
    fallback: Problem | None = params.pop("fallback", None)
    if "example" not in params:
        suggestion, quote = params.get("suggestion"), params.get("quote")
        if key.removeprefix("parse.") in _SUGGEST_KEYS and suggestion and quote and context.normalized:
            candidate = context.normalized.replace(str(quote), str(suggestion), 1)
        elif replacements and context.normalized:
            candidate = context.normalized
            for old, new in replacements:
                candidate = re.sub(re.escape(old), new, candidate, count=1, flags=re.IGNORECASE).replace("  ", " ")
        elif appended and context.normalized:
            candidate = f"{context.normalized} {appended}"
        if candidate is not None and parses(candidate):
            params["example"] = candidate
        else:
            if candidate is not None and fallback is not None:
                key, params = fallback.key, dict(fallback.params)
            elif candidate is not None and key in _WITHOUT_SUGGESTION:
                key = _WITHOUT_SUGGESTION[key]
            if "example" not in params:
                params["example"] = _standard_example(key, context, reading)
                if context.target and not parses(params["example"]):  # the person's target is what is wrong
                    params["example"] = _standard_example(key, replace(context, target=""), reading)
    return ParseError(key, lang=lang, **params)


def _standard_example(key: str, context: _Context, reading: _Reading) -> str:
    if key == "parse.unknown_command":
        return "/record help"
    series = reading.allow_series and key.startswith("parse.series_")
    name = f"example.{context.kind}_series" if series else f"example.{context.kind}"
    provider = context.provider or "volc"
    target = context.target or TARGET_EXAMPLES.get(provider, "live/stream001")
    return text(name, reading.lang, target=target, provider=provider)


def _normalize(raw: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw)).strip()


def _parse(raw: str, reading: _Reading, ctx: _Context) -> Command:
    kind, lang = reading.kind, reading.lang
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
    action = commands.subcommand_action(tokens[0].rstrip(SENTENCE_PUNCTUATION) or tokens[0])
    if action == "help":
        return Help(kind=kind, lang=lang)
    if action == "list":
        extra = [t for t in tokens[1:] if t.lower().rstrip(SENTENCE_PUNCTUATION) not in commands.MINE_WORDS]
        if extra:
            raise Problem("parse.extra_words", quote=" ".join(extra), example=f"/{kind} list mine")
        return ListTasks(kind=kind, mine=len(tokens) > 1, lang=lang)
    if action == "cancel":
        if len(tokens) < 2:
            raise Problem("parse.cancel_needs_id", example=f"/{kind} cancel rk4q2mz")
        day = _iso_day(tokens[2]) if len(tokens) == 3 else None
        if (len(tokens) > 2 and day is None) or not _TASK_ID.fullmatch(tokens[1]):
            raise Problem("parse.bad_task_id", quote=" ".join(tokens[1:]), example=f"/{kind} cancel rk4q2mz")
        return CancelTask(kind=kind, task=tokens[1], lang=lang, day=day)
    if action == "extend":
        return _extend(tokens, kind, lang)
    return _schedule(tokens, kind, reading, ctx)


def _iso_day(word: str) -> date | None:
    """``2026-12-08`` (one occurrence of a series), else None."""
    try:
        return date.fromisoformat(word) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word) else None
    except ValueError:
        return None


#: The longest single extension: one follow-on task (Tencent allows at most 24 h per task).
MAX_EXTENSION_HOURS = 24


def _extend(tokens: list[str], kind: Kind, lang: str) -> ExtendTask:
    example = f"/{kind} 延长 rk4q2mz 30分钟" if lang == "zh-CN" else f"/{kind} extend rk4q2mz 30m"
    if len(tokens) < 2:
        raise Problem("parse.extend_needs_id", example=example)
    if not _TASK_ID.fullmatch(tokens[1]):
        raise Problem("parse.bad_task_id", quote=tokens[1], example=example)
    example = example.replace("rk4q2mz", tokens[1])  # their own id: the example is what they meant
    said = " ".join(tokens[2:]).rstrip(SENTENCE_PUNCTUATION)
    if not said:
        raise Problem("parse.extend_needs_duration", example=example)
    by = parse_duration(said)
    if by is None or by.total_seconds() < 60:
        raise Problem("parse.extend_bad_duration", quote=said, example=example)
    if by.total_seconds() > MAX_EXTENSION_HOURS * 3600:
        raise Problem("parse.extend_too_long", quote=said, hours=str(MAX_EXTENSION_HOURS), example=example)
    return ExtendTask(kind=kind, task=tokens[1], by=by, lang=lang)


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


def _schedule(tokens: list[str], kind: Kind, reading: _Reading, ctx: _Context) -> Schedule:
    now, tz, config, lang = reading.now, reading.tz, reading.config, reading.lang
    as_written = " ".join(tokens)
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
        raise Problem("parse.sources_on_record", quote=",".join(taken.sources), candidate=f"/relay {as_written}")
    try:
        zone = zone_for_name(tz)
    except ValueError:
        raise Problem("parse.bad_zone", quote=tz) from None
    expression = _read_time(taken, now, zone, config)
    if expression.permanent and kind == "record" and expression.repeat is None:
        raise Problem("parse.permanent_record")
    timezone = tz
    zone_name = tz
    if expression.zone is not None:
        zone = expression.zone.tzinfo
        timezone = expression.zone.iana or tz
        zone_name = expression.zone.name
    series: Series | None = None
    window: Window | None
    if expression.repeat is not None:
        if not reading.allow_series:
            raise Problem("parse.series_not_yet", candidate=_first_as_single(expression, reading, zone, zone_name,
                                                                             ctx=ctx, sources=taken.sources))  # fmt: skip
        window, series, notes = resolve_series(
            expression, expression.repeat, now=now, zone=zone, zone_name=zone_name,
            max_weeks=config.bot.max_series_weeks, lang=lang,
        )  # fmt: skip
        if expression.zone is not None:
            notes.insert(0, Note("note.zone", (("zone", expression.zone.name), ("said", expression.zone.said))))
        timezone = zone_name
    else:
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
    return Schedule(request=request, timezone=timezone, notes=tuple(notes), lang=lang, series=series)


def _first_as_single(
    expression: TimeExpression, reading: _Reading, zone: tzinfo, zone_name: str, *, ctx: _Context, sources: list[str]
) -> str | None:
    """The series' first window written as a single window (what chat can schedule today), or ``None``."""
    assert expression.repeat is not None
    first_only = replace(expression.repeat, count=1, weeks=None, until_day=None, end_said="")
    try:
        window, _, _ = resolve_series(
            expression, first_only, now=reading.now, zone=zone, zone_name=zone_name, max_weeks=1, lang=reading.lang
        )
    except Problem:
        return None
    start, end = window.start.astimezone(zone), window.end.astimezone(zone)
    return text(
        "example.single_window",
        reading.lang,
        kind=ctx.kind,
        target=ctx.target,
        sources=" from " + ",".join(sources) if sources else "",
        date=start.date().isoformat(),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        provider=ctx.provider,
    )


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
            _suggest_word(words, problem)
        raise


def _suggest_word(words: list[str], problem: Problem) -> None:
    """A misspelt option, provider or time word inside the time part: say which word was probably meant."""
    choices = [*OPTION_WORDS, *(n for n in PROVIDER_NAMES if n.isascii()), *_TIME_VOCABULARY]
    for word in words:
        low = word.lower()
        if low.isascii() and low.isalpha() and len(low) >= 3 and low not in choices:
            suggestion = closest(low, choices, cutoff=0.75)
            if suggestion:
                raise Problem("parse.unknown_word_suggest", quote=word, suggestion=suggestion, fallback=problem)
