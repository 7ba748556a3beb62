"""Block Kit messages: the confirmation card, its later states, and the replies in its thread.

Every message has a top-level ``text`` that reads well on its own: it is what phone notifications and screen
readers show. Button values carry the request id, so any process can settle a click (see :mod:`bot.flow`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.catalogue import text
from bot.core.model import Note
from bot.errors import TaskNotCreated
from bot.flow import CardContent, Event, Outcome, describe, mention
from bot.flow.card import format_window, notes_of, provider_name, render_call, scheduled_line, trouble_line
from bot.lifecycle import ACTIVE_STATES, RequestState, StoredRequest
from providers.base import PlannedCall

Block = dict[str, Any]
Message = dict[str, Any]  # {"text": ..., "blocks": [...]}: keyword arguments for chat.postMessage / respond()

CONFIRM = "request_confirm"
CANCEL = "request_cancel"
RETRY = "request_retry"
STOP = "task_cancel"
LIST_CANCEL = "list_cancel"  # Cancel next to an item of `/record list`
#: States a Cancel button in a list can act on (the card itself, the bot's schedule, or the provider task).
CANCELLABLE = frozenset({RequestState.PROPOSED, *ACTIVE_STATES})


def escape(value: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def local_time(moment: datetime, fallback: str) -> str:
    """``<!date^…>``: every viewer sees ``moment`` in their own zone."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{escape(fallback)}>"


def content_of(stored: StoredRequest, notes: Sequence[Note] | None = None) -> CardContent:
    """The card's facts; ``notes`` default to those kept with the request, so every version of the card shows them."""
    return describe(
        stored.request,
        timezone=stored.timezone,
        lang=stored.lang,
        requester=mention(stored.requester),
        notes=notes_of(stored) if notes is None else tuple(notes),
    )


def _facts(content: CardContent, request_id: str, lang: str) -> list[Block]:
    fields = [
        (text("card.field.target", lang), f"`{escape(content.target)}`"),
        (text("card.field.provider", lang), escape(content.provider)),
        (text("card.field.window", lang), escape(content.window)),
    ]
    if content.duration:
        fields.append((text("card.field.duration", lang), content.duration))
    if content.options:
        fields.append((text("card.field.options", lang), escape(content.options)))
    if content.sources:
        fields.append((text("card.field.sources", lang), escape(content.sources)))
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": content.title[:150], "emoji": True}},
        {"type": "section", "fields": [_mrkdwn(f"*{label}*\n{value}"[:2000]) for label, value in fields]},
    ]
    if content.start and content.end:
        shown = f"{local_time(content.start, content.start.isoformat())} – {local_time(content.end, content.end.isoformat())}"
        blocks.append({"type": "context", "elements": [_mrkdwn(f"{text('card.field.local_time', lang)}: {shown}")]})
    if content.notes:
        notes = "\n".join(f":information_source: {escape(note)}" for note in content.notes)
        blocks.append({"type": "context", "elements": [_mrkdwn(notes[:3000])]})
    requested = text("card.requested_by", lang, user=content.requester, request=f"`{request_id}`")
    blocks.append({"type": "context", "elements": [_mrkdwn(requested)]})
    return blocks


def proposal_card(stored: StoredRequest, notes: Sequence[Note] | None = None) -> Message:
    """The card with Confirm (primary) and Cancel."""
    lang = stored.lang
    content = content_of(stored, notes)
    actions: Block = {
        "type": "actions",
        "block_id": f"request:{stored.id}",
        "elements": [
            _button(text("card.button.confirm", lang), CONFIRM, stored.id, style="primary"),
            _button(text("card.button.cancel", lang), CANCEL, stored.id),
        ],
    }
    return {"text": f"{content.summary} ({content.requester})", "blocks": [*_facts(content, stored.id, lang), actions]}


def status_line(outcome: Outcome) -> str:
    """The line that replaces the buttons after a decision."""
    stored, lang = outcome.request, outcome.request.lang
    who = mention(stored.settled_by or stored.requester)
    if outcome.event is Event.CONFIRMED:
        return ":hourglass_flowing_sand: " + text("card.status.submitting", lang, user=who)
    if outcome.event is Event.SCHEDULED:
        task = outcome.result.task_id if outcome.result else stored.task_id
        if task is None:  # the bot's scheduler creates it when the window starts
            return ":calendar: " + text("card.status.waiting", lang, user=who)
        return ":white_check_mark: " + text("card.status.scheduled", lang, task_id=f"`{task}`", user=who)
    if outcome.event is Event.FAILED:
        return ":x: " + text("card.status.failed", lang, code=f"`{stored.error_code or '-'}`")
    if outcome.event is Event.UNKNOWN:
        return ":grey_question: " + text("card.status.unknown", lang)
    if outcome.event is Event.EXPIRED:
        line = outcome.note.render(lang) if outcome.note else text("card.status.expired", lang)
        return ":hourglass: " + line
    return ":no_entry_sign: " + text("card.status.cancelled", lang, user=who)


def status_card(outcome: Outcome) -> Message:
    """The card after a decision: the same facts, the buttons replaced by what happened."""
    stored = outcome.request
    content = content_of(stored)
    line = status_line(outcome)
    blocks = [*_facts(content, stored.id, stored.lang), {"type": "section", "text": _mrkdwn(line)}]
    return {"text": f"{content.title} {_plain(line)}", "blocks": blocks}


def thread_reply(outcome: Outcome) -> Message:
    """What goes into the card's thread after the provider answered."""
    stored, lang = outcome.request, outcome.request.lang
    provider = provider_name(stored.request.provider, lang)
    buttons: list[Block] = []
    if (found := outcome.reconciled_note) is not None:
        line = found.render(lang)
        if outcome.event is Event.SCHEDULED:
            buttons.append(_button(text("card.button.stop", lang), STOP, stored.id))
        elif outcome.event is Event.FAILED and outcome.retry_is_safe:
            buttons.append(_button(text("card.button.retry", lang), RETRY, stored.id, style="primary"))
    elif outcome.event is Event.SCHEDULED and outcome.result is not None:
        line = scheduled_line(stored, outcome.result, lang)
        buttons.append(_button(text("card.button.stop", lang), STOP, stored.id))
    elif outcome.event is Event.SCHEDULED:
        line = text("thread.waiting", lang, provider=provider)
        buttons.append(_button(text("card.button.stop", lang), STOP, stored.id))
    elif outcome.event is Event.CANCELLED:
        request_id = outcome.result.request_id if outcome.result else None
        line = text(
            "thread.stopped",
            lang,
            user=mention(stored.settled_by or stored.requester),
            task_id=stored.task_id or "-",
            provider=provider,
            request_id=request_id or "-",
        )
    else:
        error = outcome.error.render(lang) if outcome.error else text("error.generic", lang)
        line = trouble_line(outcome.event, error, lang)
        if outcome.event is Event.FAILED and outcome.retry_is_safe:
            if not isinstance(outcome.error, TaskNotCreated):  # its explanation says so already
                line += "\n" + text("thread.failed_retry", lang)
            buttons.append(_button(text("card.button.retry", lang), RETRY, stored.id, style="primary"))
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(escape(line)[:3000])}]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return {"text": line, "blocks": blocks}


def list_message(
    active: Sequence[StoredRequest], failures: Sequence[StoredRequest], *, heading: str, failed_heading: str, lang: str
) -> Message:
    """`/record list`: each upcoming or running request with a Cancel button, then recent failures."""
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"*{escape(heading)}*")}]
    if not active:
        blocks.append({"type": "context", "elements": [_mrkdwn(escape(text("list.nothing_active", lang)))]})
    for stored in active:
        item: Block = {"type": "section", "text": _mrkdwn(list_item(stored, lang)[:3000])}
        if stored.state in CANCELLABLE:
            item["accessory"] = _button(text("card.button.cancel", lang), LIST_CANCEL, stored.id, style="danger")
        blocks.append(item)
    if failures:
        blocks.append({"type": "section", "text": _mrkdwn(f"*{escape(failed_heading)}*")})
        blocks.extend({"type": "section", "text": _mrkdwn(list_item(s, lang)[:3000])} for s in failures)
    lines = [heading, *(_plain_item(s, lang) for s in active)]
    if failures:
        lines += [failed_heading, *(_plain_item(s, lang) for s in failures)]
    return {"text": "\n".join(lines)[:3000], "blocks": blocks[:50]}


def list_item(stored: StoredRequest, lang: str) -> str:
    """One request in a list, as mrkdwn: id, what, when, state, TaskId or error code, who asked."""
    return "• " + " · ".join([*(escape(part) for part in _item_facts(stored, lang)), mention(stored.requester)])


def _plain_item(stored: StoredRequest, lang: str) -> str:
    return "• " + " · ".join([*_item_facts(stored, lang), mention(stored.requester)])


def _item_facts(stored: StoredRequest, lang: str) -> list[str]:
    request = stored.request
    facts = [
        f"`{stored.id}`",
        f"{request.kind} {request.target.label()} · {provider_name(request.provider, lang)}",
        format_window(request.window, stored.timezone, lang),
        text(f"flow.state.{stored.state}", lang),
    ]
    if stored.task_id:
        facts.append(f"TaskId {stored.task_id}")
    if stored.error_code:
        facts.append(stored.error_code)
    return facts


def dry_run_message(provider: str, calls: Sequence[PlannedCall], lang: str) -> Message:
    """The HTTP requests Confirm would send (secrets already masked by the provider), as code blocks."""
    head = text("flow.dry_run", lang, provider=provider)
    parts = [head, *(f"```{escape(render_call(call))}```" for call in calls)]
    body = "\n".join(parts)
    return {"text": head, "blocks": [{"type": "section", "text": _mrkdwn(body[:3000])}]}


def plain_message(line: str) -> Message:
    return {"text": line, "blocks": [{"type": "section", "text": _mrkdwn(escape(line)[:3000])}]}


def _mrkdwn(value: str) -> Block:
    return {"type": "mrkdwn", "text": value}


def _plain(line: str) -> str:
    return line.split(" ", 1)[1] if line.startswith(":") else line


def _button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label[:75]},
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button
