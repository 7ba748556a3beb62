"""What a confirmation card says, independent of how it is drawn (Slack Block Kit, console text).

Times are shown absolute, in the requester's zone, with the zone named; adapters may add per-viewer renderings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalogue import normalize_lang, text
from bot.core.model import Note, TaskRequest, Window, options_to_dict
from bot.core.sources import display_source
from bot.flow.outcome import Outcome
from bot.lifecycle import StoredRequest
from bot.provider_info import display_name
from providers.base import PlannedCall

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh-CN": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class CardContent:
    """The facts on a card, rendered as text in one language."""

    title: str  # "Record live/stream001 on Volcengine?"
    target: str
    provider: str  # display name
    window: str  # "Sat 21 Nov 2026 15:00 – 15:30 (Asia/Shanghai)" or "permanent"
    duration: str | None
    options: str | None
    sources: str | None
    notes: tuple[str, ...]
    requester: str  # as given: a Slack mention or a name
    summary: str  # one line, good as a phone notification
    start: datetime | None = None
    end: datetime | None = None


def provider_name(key: str, lang: str) -> str:
    """The provider's display name ("Volcengine"), or its key when unknown."""
    return display_name(key, normalize_lang(lang))


def format_day(moment: datetime, lang: str) -> str:
    lang = normalize_lang(lang)
    weekday = _WEEKDAYS[lang][moment.weekday()]
    if lang == "zh-CN":
        return f"{moment.year}年{moment.month}月{moment.day}日 {weekday}"
    return f"{weekday} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def late_minutes(late_by: timedelta) -> str:
    """How late a start was, in whole minutes (at least one), for "started N min late"."""
    return str(max(1, round(late_by / timedelta(minutes=1))))


def local_clock(moment: datetime, zone: str) -> str:
    """``HH:MM`` of ``moment`` in ``zone``."""
    return hh_mm(moment.astimezone(ZoneInfo(zone)))


def hh_mm(moment: datetime) -> str:
    """``HH:MM`` of ``moment`` as it is (what ``%H:%M`` gives, without strftime's cost: every card shows two)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_window(window: Window | None, timezone: str, lang: str) -> str:
    """The window in ``timezone``: the end's date is repeated only when it differs from the start's."""
    if window is None:
        return text("card.window.permanent", lang)
    zone = ZoneInfo(timezone)
    start, end = window.start.astimezone(zone), window.end.astimezone(zone)
    first = f"{format_day(start, lang)} {hh_mm(start)}"
    last = hh_mm(end) if end.date() == start.date() else f"{format_day(end, lang)} {hh_mm(end)}"
    return text("card.window.range", lang, start=first, end=last, timezone=timezone)


def format_duration(span: timedelta, lang: str) -> str:
    """``1 h 30 min`` / ``1 小时 30 分钟``; days when longer than a day."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(text("card.duration.days", lang, n=days))
    if hours:
        parts.append(text("card.duration.hours", lang, n=hours))
    if mins or not parts:
        parts.append(text("card.duration.minutes", lang, n=mins))
    return " ".join(parts)


def format_options(request: TaskRequest) -> str | None:
    shown = {k: v for k, v in options_to_dict(request.options).items() if k != "dry_run"}
    if not shown:
        return None
    return ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in shown.items())


def describe(
    request: TaskRequest, *, timezone: str, lang: str, requester: str, notes: tuple[Note, ...] = ()
) -> CardContent:
    """Everything a card shows about ``request``, in ``lang``."""
    provider = provider_name(request.provider, lang)
    target = request.target.label()
    window = format_window(request.window, timezone, lang)
    title = text(f"card.title.{request.kind}", lang, target=target, provider=provider)
    return CardContent(
        title=title,
        target=target,
        provider=provider,
        window=window,
        duration=format_duration(request.window.duration, lang) if request.window else None,
        options=format_options(request),
        sources=", ".join(display_source(url) for url in request.sources) or None,
        notes=tuple(note.render(lang) for note in notes),
        requester=requester,
        summary=text(f"card.summary.{request.kind}", lang, target=target, provider=provider, window=window),
        start=request.window.start if request.window else None,
        end=request.window.end if request.window else None,
    )


def render_call(call: PlannedCall) -> str:
    """One planned request as plain text: request line, headers, body (and when it would be sent)."""
    lines = [f"{call.method} {call.url}"]
    lines += [f"{name}: {value}" for name, value in call.headers.items()]
    lines += ["", call.body]
    if call.send_at is not None:
        lines.insert(0, f"# sent at {call.send_at.isoformat()}")
    return "\n".join(lines)


def notes_to_json(notes: Sequence[Note]) -> list[dict[str, Any]]:
    """Card notes as stored in a request's ``extra``."""
    return [{"key": note.key, "params": dict(note.params)} for note in notes]


def notes_of(stored: StoredRequest) -> tuple[Note, ...]:
    """The card notes kept with a request (see :meth:`bot.flow.RequestFlow.propose`)."""
    found = stored.extra.get("notes") or []
    return tuple(Note(str(n["key"]), tuple((str(k), str(v)) for k, v in n.get("params", {}).items())) for n in found)


def note_params(outcome: Outcome, lang: str) -> dict[str, str]:
    """The parameters an outcome's note may use: the request's facts ({provider}, {target}, {task_id}, {error},
    {when}, {user}: who caused it) and the note's own, which win."""
    stored = outcome.request
    standard = {
        "provider": provider_name(stored.request.provider, lang),
        "target": stored.request.target.label(),
        "task_id": (outcome.result.task_id if outcome.result else stored.task_id) or "-",
        "error": outcome.error.render(lang) if outcome.error else "",
        "when": format_window(stored.request.window, stored.timezone, lang),
        "user": outcome.actor or stored.settled_by or stored.requester,
    }
    return {**standard, **dict(outcome.note.params if outcome.note else ())}


def headline(outcome: Outcome, lang: str) -> str:
    """One line that says what and when ("Scheduled: live/x on Volcengine, Sat 21 Nov 2026 15:00 – 15:30 …")."""
    stored = outcome.request
    request = stored.request
    task = stored.task_id or (outcome.result.task_id if outcome.result else None)
    return text(
        f"push.{outcome.event}",
        lang,
        target=request.target.label(),
        provider=provider_name(request.provider, lang),
        when=format_window(request.window, stored.timezone, lang),
        task=text("push.task", lang, task_id=task) if task else "",
    )
