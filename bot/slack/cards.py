"""Block Kit messages asked for by a person: the confirmation card, `/record list`, dry runs, plain answers.

Every message has a top-level ``text`` that reads well on its own: it is what phone notifications and screen
readers show. Button values carry the request id, so any process can settle a click (see :mod:`bot.flow`). All text
becomes mrkdwn through :mod:`bot.slack.mrkdwn`; what happens after Confirm is drawn by :mod:`bot.slack.outcomes`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.catalogue import text
from bot.core.model import Note
from bot.flow import CardContent, describe
from bot.flow.card import format_day, format_window, notes_of, provider_name, render_call
from bot.flow.file_facts import file_name
from bot.flow.overlaps import Overlaps, overlap_line, overlaps_of
from bot.flow.series_jobs import series_of, upcoming
from bot.lifecycle import ACTIVE_STATES, RequestState, StoredRequest
from bot.recordings import RecordedFile
from bot.slack import mrkdwn
from bot.slack.mrkdwn import Mrkdwn, code, element, escape, escape_sentence, section, sentence
from providers.base import PlannedCall

Block = dict[str, Any]
Message = dict[str, Any]  # {"text": ..., "blocks": [...]}: keyword arguments for chat.postMessage / respond()

CONFIRM = "request_confirm"
CANCEL = "request_cancel"
RETRY = "request_retry"
STOP = "task_cancel"  # Cancel task (scheduled) and Stop now (running)
LIST_CANCEL = "list_cancel"  # Cancel next to an item of `/record list`
SKIP = "occurrence_skip"  # Skip one date of a series (value ``<id>|<YYYY-MM-DD>``)
OVERLAP_EXTEND = "overlap_extend"  # on a card the provider would refuse: extend the existing request instead
#: +15 min / +30 min / +1 h on a scheduled or running card: action id → minutes.
EXTEND: dict[str, int] = {"task_extend_15": 15, "task_extend_30": 30, "task_extend_60": 60}
#: States a Cancel button in a list can act on (the card itself, the bot's schedule, or the provider task).
CANCELLABLE = frozenset({RequestState.PROPOSED, *ACTIVE_STATES})


def content_of(stored: StoredRequest, notes: Sequence[Note] | None = None) -> CardContent:
    """The card's facts; ``notes`` default to those kept with the request, so every version of the card shows them."""
    return describe(
        stored.request,
        timezone=stored.timezone,
        lang=stored.lang,
        requester=stored.requester,
        notes=notes_of(stored) if notes is None else tuple(notes),
    )


def facts(content: CardContent, stored: StoredRequest) -> list[Block]:
    """The blocks every version of the card shares: title, fields, local time, notes, who asked."""
    lang = stored.lang
    fields: list[tuple[str, Mrkdwn]] = [
        (text("card.field.target", lang), code(content.target)),
        (text("card.field.provider", lang), escape(content.provider)),
        (text("card.field.window", lang), escape(content.window)),
    ]
    if content.duration:
        fields.append((text("card.field.duration", lang), escape(content.duration)))
    if content.options:
        fields.append((text("card.field.options", lang), escape(content.options)))
    if content.sources:
        fields.append((text("card.field.sources", lang), escape(content.sources)))
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": content.title[:150], "emoji": True}},
        {"type": "section", "fields": [element(Mrkdwn(f"*{escape(label)}*\n{value}")) for label, value in fields]},
    ]
    if content.start and content.end:
        shown = f"{mrkdwn.date(content.start, content.start.isoformat())} – {mrkdwn.date(content.end, content.end.isoformat())}"
        local = Mrkdwn(f"{escape(text('card.field.local_time', lang))}: {shown}")
        blocks.append({"type": "context", "elements": [element(local, 3000)]})
    if content.notes:
        notes = Mrkdwn("\n".join(f":information_source: {escape(note)}" for note in content.notes))
        blocks.append({"type": "context", "elements": [element(notes, 3000)]})
    requested = sentence("card.requested_by", lang, user=mrkdwn.user(stored.requester), request=code(stored.id))
    blocks.append({"type": "context", "elements": [element(requested)]})
    return blocks


def proposal_card(stored: StoredRequest, notes: Sequence[Note] | None = None) -> Message:
    """The card with Confirm (primary) and Cancel."""
    lang = stored.lang
    content = content_of(stored, notes)
    overlaps = overlaps_of(stored)
    confirm: Block | None = button(text("card.button.confirm", lang), CONFIRM, stored.id, style="primary")
    if overlaps.cap is not None:  # the provider would refuse it: offer extending the existing one instead
        confirm = _extend_instead(stored, overlaps)
    elements = [confirm] if confirm else []
    actions: Block = {
        "type": "actions",
        "block_id": f"request:{stored.id}",
        "elements": [*elements, button(text("card.button.cancel", lang), CANCEL, stored.id)],
    }
    push = Mrkdwn(f"{escape(content.summary)} ({mrkdwn.user(stored.requester)})")
    return {
        "text": push,
        "blocks": [*facts(content, stored), *series_blocks(stored), *overlap_blocks(stored, overlaps), actions],
    }


def series_blocks(stored: StoredRequest) -> list[Block]:
    """For a series: its next three dates."""
    dates = next_dates(stored, stored.created_at) if series_of(stored) is not None else []
    if not dates:
        return []
    line = escape(text("series.next", stored.lang, dates=" · ".join(dates)))
    return [{"type": "context", "elements": [element(Mrkdwn(f":repeat: {line}"))]}]


def overlap_blocks(stored: StoredRequest, overlaps: Overlaps) -> list[Block]:
    """Who already records the same stream in an overlapping window, and whether the provider would refuse."""
    if not overlaps.found:
        return []
    lang, request = stored.lang, stored.request
    lines = []
    for found in overlaps.found:
        said = overlap_line(found, stored)
        window = said.window or text("card.overlap.until_cancelled", lang)
        lines.append(":warning: " + sentence(said.key, lang, user=mrkdwn.user(found.requester), window=window,
                     target=code(request.target.label()), request=code(found.request_id), more=str(said.more)))  # fmt: skip
    if overlaps.cap is not None:
        provider = provider_name(request.provider, lang)
        lines.append(":no_entry: " + sentence("card.overlap.capped", lang, provider=provider, cap=str(overlaps.cap)))
    if overlaps.extend_id and request.window is not None:
        end = _local(request.window.end, stored)
        lines.append(
            ":bulb: " + sentence("card.overlap.extend_instead", lang, request=code(overlaps.extend_id), end=end)
        )
    return [{"type": "context", "elements": [element(Mrkdwn("\n".join(lines)), 3000)]}]


def _extend_instead(stored: StoredRequest, overlaps: Overlaps) -> Block | None:
    if not overlaps.extend_id or stored.request.window is None:
        return None
    label = text("card.button.extend_instead", stored.lang, request=overlaps.extend_id,
                 end=_local(stored.request.window.end, stored))  # fmt: skip
    return button(label, OVERLAP_EXTEND, f"{overlaps.extend_id}:{stored.id}", style="primary")


def _local(moment: datetime, stored: StoredRequest) -> str:
    """``HH:MM`` in the card's zone, with the day when it is not the card's start day."""
    zone = ZoneInfo(stored.timezone)
    window = stored.request.window
    if window is not None and moment.astimezone(zone).date() != window.start.astimezone(zone).date():
        return f"{format_day(moment.astimezone(zone), stored.lang)} {moment.astimezone(zone):%H:%M}"
    return f"{moment.astimezone(zone):%H:%M}"


def list_message(
    active: Sequence[StoredRequest],
    recent: Sequence[StoredRequest],
    *,
    heading: str,
    recent_heading: str,
    lang: str,
    more: str | None = None,
    files: Mapping[str, Sequence[RecordedFile]] | None = None,
    now: datetime | None = None,
) -> Message:
    """`/record list`: each upcoming or running request with a Cancel button (asking first), then recent outcomes
    (with their ``files``' links); ``more`` says how many were left out and how to see them."""
    blocks: list[Block] = [section(Mrkdwn(f"*{escape(heading)}*"))]
    if not active:
        blocks.append({"type": "context", "elements": [element(escape(text("list.nothing_active", lang)))]})
    for stored in active:
        item: Block = section(list_item(stored, lang, now))
        if stored.state in CANCELLABLE:
            cancel = button(text("card.button.cancel", lang), LIST_CANCEL, stored.id, style="danger")
            cancel["confirm"] = confirm_dialog("cancel", stored, lang)
            item["accessory"] = cancel
        blocks.append(item)
    if recent:
        blocks.append(section(Mrkdwn(f"*{escape(recent_heading)}*")))
        blocks.extend(section(with_files(list_item(s, lang), (files or {}).get(s.id, ()), lang)) for s in recent)
    if more:
        blocks.append({"type": "context", "elements": [element(escape(more))]})
    lines = [escape(heading), *(list_item(s, lang, now) for s in active)]
    if recent:
        lines += [
            escape(recent_heading),
            *(with_files(list_item(s, lang), (files or {}).get(s.id, ()), lang) for s in recent),
        ]
    if more:
        lines.append(escape(more))
    return {"text": "\n".join(lines)[:3000], "blocks": blocks[:50]}


def with_files(item: Mrkdwn, files: Sequence[RecordedFile], lang: str) -> Mrkdwn:
    """A finished request's list line, followed by its files' links (names only where no link may be posted)."""
    if not files:
        return item
    shown = [mrkdwn.link(f.url, file_name(f)) if f.url else code(file_name(f)) for f in files]
    return Mrkdwn(f"{item}\n{sentence('files.list_line', lang, links=Mrkdwn(', '.join(shown)))}")


def list_item(stored: StoredRequest, lang: str, now: datetime | None = None) -> Mrkdwn:
    """One request in a list: id, what, when (a series: its rule and next date), state, TaskId or error code, who
    asked."""
    request = stored.request
    facts_shown = [
        code(stored.id),
        escape(f"{request.kind} {request.target.label()} · {provider_name(request.provider, lang)}"),
        escape(when_text(stored, lang, now)),
        escape(text(f"flow.state.{stored.state}", lang)),
    ]
    if stored.task_id:
        facts_shown.append(Mrkdwn(f"TaskId {code(stored.task_id)}"))
    if stored.error_code:
        facts_shown.append(code(stored.error_code))
    return Mrkdwn("• " + " · ".join([*facts_shown, mrkdwn.user(stored.requester)]))


def when_text(stored: StoredRequest, lang: str, now: datetime | None, zone: str | None = None) -> str:
    """The request's window in ``zone`` (default: the request's); a series: its rule, next date and how many left."""
    series = series_of(stored)
    todo = upcoming(stored, now or stored.updated_at) if series is not None else []
    if series is None or not todo:
        return format_window(stored.request.window, zone or stored.timezone, lang)
    nxt = todo[0].start.astimezone(ZoneInfo(zone or stored.timezone))
    return text("list.series", lang, days=rule_words(stored, lang), left=str(len(todo)),
                next=f"{format_day(nxt, lang)} {nxt:%H:%M}")  # fmt: skip


def rule_words(stored: StoredRequest, lang: str) -> str:
    """The series' rule in words, as the parser wrote it on the card ("on weekdays, 09:00–10:00 …")."""
    said = next((note for note in notes_of(stored) if note.key == "note.series"), None)
    return dict(said.params).get("days", "") if said is not None else ""


def next_dates(stored: StoredRequest, now: datetime, count: int = 3) -> list[str]:
    """The next ``count`` dates of a series in its zone ("Tue 8 Dec 2026 09:00")."""
    zone = ZoneInfo(stored.timezone)
    return [f"{format_day(o.start.astimezone(zone), stored.lang)} {o.start.astimezone(zone):%H:%M}"
            for o in upcoming(stored, now)[:count]]  # fmt: skip


def confirm_dialog(kind: str, stored: StoredRequest, lang: str) -> Block:
    """A Block Kit ``confirm`` object naming what will stop (``kind``: ``cancel`` or ``stop``)."""
    request = stored.request
    what = sentence(
        f"confirm.{kind}.text",
        lang,
        target=code(request.target.label()),
        provider=provider_name(request.provider, lang),
        window=format_window(request.window, stored.timezone, lang),
    )
    return {
        "title": {"type": "plain_text", "text": text(f"confirm.{kind}.title", lang)[:100]},
        "text": {"type": "mrkdwn", "text": what[:300]},
        "confirm": {"type": "plain_text", "text": text(f"confirm.{kind}.yes", lang)[:30]},
        "deny": {"type": "plain_text", "text": text("confirm.no", lang)[:30]},
        "style": "danger",
    }


def dry_run_message(provider: str, calls: Sequence[PlannedCall], lang: str) -> Message:
    """The HTTP requests Confirm would send (secrets already masked by the provider), as code blocks."""
    head = escape(text("flow.dry_run", lang, provider=provider))
    body = "\n".join([head, *(f"```{escape(render_call(call))}```" for call in calls)])
    return {"text": head, "blocks": [section(Mrkdwn(body))]}


def plain_message(line: str | Mrkdwn) -> Message:
    """One sentence the bot composed (``&``, ``<``, ``>`` escaped unless it is already :class:`Mrkdwn`)."""
    safe = line if isinstance(line, Mrkdwn) else escape_sentence(line)
    return {"text": safe, "blocks": [section(safe)]}


def button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    """A button whose value is the request id."""
    made: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label[:75]},
        "action_id": action_id,
        "value": value,
    }
    if style:
        made["style"] = style
    return made
