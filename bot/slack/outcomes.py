"""What people see after Confirm, drawn from one :class:`~bot.flow.Outcome`: the card redrawn for the request's
current state, the reply in its thread (mentioning the requester where they must know), and the push ``text``.

The card shows the state in words ("Recording now · since 15:00 · ends 15:30") with the buttons that state allows,
each destructive one asking first. The requester is mentioned for every outcome but "started" (a real ``<@U…>``).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.catalogue import text
from bot.errors import TaskNotCreated
from bot.flow import Event, Outcome
from bot.flow.card import format_day, format_window, headline, local_clock, note_params, provider_name
from bot.flow.file_facts import duration_text, file_name, format_text, size_text
from bot.flow.series_jobs import series_of, upcoming
from bot.flow.stopping import CANCEL_UNCLEAR
from bot.lifecycle import RequestState, StoredRequest
from bot.recordings import RecordedFile
from bot.slack import mrkdwn
from bot.slack.cards import (
    EXTEND,
    RETRY,
    SKIP,
    STOP,
    Block,
    Message,
    button,
    confirm_dialog,
    content_of,
    facts,
    proposal_card,
)
from bot.slack.mrkdwn import Mrkdwn, code, escape, section, sentence

S = RequestState

#: Events after which the requester is mentioned in the thread (``cancelled`` only when someone else did it).
MENTIONED = frozenset(
    {
        Event.SCHEDULED,
        Event.FAILED,
        Event.UNKNOWN,
        Event.MISSED,
        Event.FINISHED,
        Event.CANCEL_FAILED,
        Event.CANCEL_UNCLEAR,
        Event.FILE_READY,
        Event.RECORDING_TROUBLE,
        Event.NO_FILE,
        Event.EXTEND_FAILED,
        Event.OCCURRENCE_FAILED,
        Event.OCCURRENCE_MISSED,
    }
)
#: Events of one occurrence of a series: a line in the thread, without the series' buttons again.
OCCURRENCE_EVENTS = frozenset(
    {
        Event.OCCURRENCE_SCHEDULED,
        Event.OCCURRENCE_STARTED,
        Event.OCCURRENCE_FINISHED,
        Event.OCCURRENCE_FAILED,
        Event.OCCURRENCE_MISSED,
        Event.OCCURRENCE_SKIPPED,
    }
)
#: Events about a recording's files: their thread reply carries no buttons.
FILE_EVENTS = frozenset({Event.FILE_READY, Event.RECORDING_TROUBLE, Event.NO_FILE})
#: Events that only redraw the card.
CARD_ONLY = frozenset({Event.CONFIRMED, Event.EXPIRED, Event.CANCELLING, Event.RETRIED, Event.OVERLAPS_FOUND})


def status_line(stored: StoredRequest, note_line: Mrkdwn | None = None, *, files: int = 0) -> Mrkdwn:
    """The request's state in words, for the card (it replaces the Confirm/Cancel buttons); for a scheduled or
    running window someone extended, who extended it and its new end ("Extended to 16:00 by @bob")."""
    line = _state_line(stored, note_line, files)
    todo = upcoming(stored, stored.updated_at) if series_of(stored) is not None else []
    if todo and stored.state in (S.SCHEDULED, S.RUNNING):
        nxt = todo[0].start.astimezone(ZoneInfo(stored.timezone))
        when = f"{format_day(nxt, stored.lang)} {nxt:%H:%M}"
        who = mrkdwn.user(stored.settled_by or stored.requester)
        return Mrkdwn(
            ":repeat: " + sentence("card.status.series", stored.lang, left=str(len(todo)), next=when, user=who)
        )
    extended_by, window = stored.extra.get("extended_by"), stored.request.window
    if extended_by and window is not None and stored.state in (S.SCHEDULED, S.RUNNING):
        end = local_clock(window.end, stored.timezone)
        extended = sentence("card.status.extended", stored.lang, end=end, user=mrkdwn.user(str(extended_by)))
        return Mrkdwn(f"{line}\n:heavy_plus_sign: {extended}")
    return line


def _state_line(stored: StoredRequest, note_line: Mrkdwn | None, files: int) -> Mrkdwn:
    lang, state = stored.lang, stored.state
    who = mrkdwn.user(stored.settled_by or stored.requester)
    window = stored.request.window
    if state in (S.CONFIRMED, S.SUBMITTING):
        return Mrkdwn(":hourglass_flowing_sand: " + sentence("card.status.submitting", lang, user=who))
    if state is S.SCHEDULED and stored.task_id:
        return Mrkdwn(
            ":white_check_mark: " + sentence("card.status.scheduled", lang, task_id=code(stored.task_id), user=who)
        )
    if state is S.SCHEDULED:
        return Mrkdwn(":calendar: " + sentence("card.status.waiting", lang, user=who))
    if state is S.RUNNING and window is not None:
        since, end = local_clock(window.start, stored.timezone), local_clock(window.end, stored.timezone)
        key = f"card.status.running.{stored.request.kind}"
        return Mrkdwn(":red_circle: " + sentence(key, lang, since=since, end=end))
    if state is S.RUNNING:
        return Mrkdwn(":red_circle: " + sentence("card.status.running_permanent", lang))
    if state is S.DONE:
        end = local_clock(window.end, stored.timezone) if window else "-"
        if files:
            key = "card.status.finished_one_file" if files == 1 else "card.status.finished_files"
            return Mrkdwn(":checkered_flag: " + sentence(key, lang, end=end, count=files))
        return Mrkdwn(":checkered_flag: " + sentence("card.status.finished", lang, end=end))
    if state is S.FAILED:
        return Mrkdwn(":x: " + sentence("card.status.failed", lang, code=code(stored.error_code or "-")))
    if state is S.RETRIED:
        return Mrkdwn(
            ":repeat: " + sentence("card.status.retried", lang, request=code(stored.extra.get("retried_as", "-")))
        )
    if state is S.UNKNOWN and stored.error_code == CANCEL_UNCLEAR:
        return Mrkdwn(":grey_question: " + sentence("card.status.cancel_unclear", lang))
    if state is S.UNKNOWN:
        return Mrkdwn(":grey_question: " + sentence("card.status.unknown", lang))
    if state is S.MISSED:
        return Mrkdwn(":warning: " + sentence("card.status.missed", lang))
    if state is S.CANCELLING:
        return Mrkdwn(":hourglass_flowing_sand: " + sentence("card.status.cancelling", lang, user=who))
    if state is S.EXPIRED:
        return Mrkdwn(":hourglass: " + (note_line or sentence("card.status.expired", lang)))
    return Mrkdwn(":no_entry_sign: " + sentence("card.status.cancelled", lang, user=who))


def card_buttons(stored: StoredRequest, *, retry_is_safe: bool) -> list[Block]:
    """The buttons the current state allows: Cancel task and +15 min / +30 min / +1 h (scheduled), Stop now and the
    same (running), Retry (a safe failure)."""
    lang = stored.lang
    if series_of(stored) is not None and stored.state in (S.SCHEDULED, S.RUNNING):
        return series_buttons(stored)
    if stored.state is S.SCHEDULED:
        cancel = button(text("card.button.stop", lang), STOP, stored.id, style="danger")
        cancel["confirm"] = confirm_dialog("cancel", stored, lang)
        return [cancel, *extend_buttons(stored)]
    if stored.state is S.RUNNING:
        stop = button(text("card.button.stop_now", lang), STOP, stored.id, style="danger")
        stop["confirm"] = confirm_dialog("stop", stored, lang)
        return [stop, *extend_buttons(stored)]
    if stored.state is S.FAILED and retry_is_safe:
        return [button(text("card.button.retry", lang), RETRY, stored.id, style="primary")]
    return []


def series_buttons(stored: StoredRequest) -> list[Block]:
    """Cancel series (its dialog says how many recordings it cancels) and Skip for each of the next three dates."""
    lang, todo = stored.lang, upcoming(stored, stored.updated_at)
    cancel = button(text("card.button.cancel_series", lang), STOP, stored.id, style="danger")
    cancel["confirm"] = series_dialog(stored, len(todo))
    zone = ZoneInfo(stored.timezone)
    skips = [button(text("card.button.skip", lang, day=format_day(o.start.astimezone(zone), lang)), SKIP,
                    f"{stored.id}|{o.start.astimezone(zone).date().isoformat()}") for o in todo[:3]]  # fmt: skip
    return [cancel, *skips]


def series_dialog(stored: StoredRequest, count: int) -> Block:
    """The confirm object of Cancel series, saying how many recordings it cancels."""
    lang, request = stored.lang, stored.request
    what = sentence("confirm.cancel_series.text", lang, count=str(count), target=code(request.target.label()),
                    provider=provider_name(request.provider, lang))  # fmt: skip
    return {
        "title": {"type": "plain_text", "text": text("confirm.cancel_series.title", lang)[:100]},
        "text": {"type": "mrkdwn", "text": what[:300]},
        "confirm": {"type": "plain_text", "text": text("confirm.cancel_series.yes", lang, count=count)[:30]},
        "deny": {"type": "plain_text", "text": text("confirm.no", lang)[:30]},
        "style": "danger",
    }


def extend_buttons(stored: StoredRequest) -> list[Block]:
    """+15 min / +30 min / +1 h for a window with an end (a permanent relay has none to move)."""
    if stored.request.window is None:
        return []
    return [button(text(f"card.button.extend_{minutes}", stored.lang), action, stored.id)
            for action, minutes in EXTEND.items()]  # fmt: skip


def status_card(outcome: Outcome) -> Message:
    """The card after a decision: the same facts, the buttons replaced by the state and what it allows (a card
    still waiting for its decision is drawn as proposed)."""
    stored = outcome.request
    if stored.state is RequestState.PROPOSED:
        return proposal_card(stored)
    note = _note_line(outcome) if outcome.event is Event.EXPIRED else None
    line = status_line(stored, note, files=len(outcome.files))
    blocks: list[Block] = [*facts(content_of(stored), stored), section(line)]
    actions = card_buttons(stored, retry_is_safe=_retry_is_safe(outcome))
    if actions:
        blocks.append({"type": "actions", "block_id": f"status:{stored.id}", "elements": actions})
    return {"text": Mrkdwn(f"{escape(content_of(stored).title)} {line}"), "blocks": blocks}


def thread_reply(outcome: Outcome) -> Message | None:
    """What goes into the card's thread for ``outcome`` (None when only the card changes)."""
    stored, event = outcome.request, outcome.event
    if event in CARD_ONLY:
        return None
    someone_else = outcome.actor is not None and outcome.actor != stored.requester
    if event is Event.CANCELLED and not stored.task_id and not someone_else and series_of(stored) is None:
        return None  # the requester cancelled a card or a bot-kept window before it began: the card says it
    lang = stored.lang
    if event is Event.FILE_READY:
        return files_message(outcome)
    line = _note_line(outcome) or _event_line(outcome)
    already_said = isinstance(outcome.error, TaskNotCreated)  # its explanation says it is safe to try again
    if event is Event.FAILED and _retry_is_safe(outcome) and outcome.note is None and not already_said:
        line = Mrkdwn(f"{line}\n{escape(text('thread.failed_retry', lang))}")
    mention = event in MENTIONED or (event in (Event.CANCELLED, Event.EXTENDED) and someone_else)
    if mention:
        line = Mrkdwn(f"{line} {mrkdwn.user(stored.requester)}")
    blocks: list[Block] = [section(line)]
    quiet = event is Event.STARTED or event in OCCURRENCE_EVENTS or event in FILE_EVENTS
    actions = card_buttons(stored, retry_is_safe=_retry_is_safe(outcome)) if not quiet else []
    if actions:
        blocks.append({"type": "actions", "elements": actions})
    push = push_text(outcome)
    return {"text": Mrkdwn(f"{push} {mrkdwn.user(stored.requester)}") if mention else push, "blocks": blocks}


def files_message(outcome: Outcome) -> Message:
    """ "Recording ready" with every file so far, one line each (link, duration, size, format), mentioning the
    requester; the same message is edited as more files arrive."""
    stored, lang = outcome.request, outcome.request.lang
    request = stored.request
    facts_of = {
        "target": request.target.label(),
        "provider": provider_name(request.provider, lang),
        "when": format_window(request.window, stored.timezone, lang),
    }
    count = len(outcome.files)
    key = "files.ready_many" if count > 1 else "files.ready"
    head = Mrkdwn(f":white_check_mark: {sentence(key, lang, count=count, **facts_of)} {mrkdwn.user(stored.requester)}")
    lines = [head, *(file_line(file, lang) for file in outcome.files)]
    push = Mrkdwn(f"{escape(text(key, lang, count=count, **facts_of))} {mrkdwn.user(stored.requester)}")
    return {"text": push, "blocks": [section(Mrkdwn("\n".join(lines)))]}


def file_line(file: RecordedFile, lang: str) -> Mrkdwn:
    """``• <link|0001.mp4> · 30 min 05 s · 12.3 MB · mp4`` (and whether opening it needs a console login)."""
    name = file_name(file)
    shown = mrkdwn.link(file.url, name) if file.url else Mrkdwn(f"{code(name)} {escape(text('files.no_link', lang))}")
    line = sentence(
        "files.line", lang, link=shown, duration=duration_text(file, lang), size=size_text(file, lang),
        format=format_text(file, lang),
    )  # fmt: skip
    if file.url and file.needs_login:
        line = Mrkdwn(f"{line} ({escape(text('files.needs_login', lang))})")
    return Mrkdwn(f"• {line}")


def push_text(outcome: Outcome) -> Mrkdwn:
    """One line that says what and when, for the phone notification: "Scheduled: live/x on Volcengine, …"."""
    return escape(headline(outcome, outcome.request.lang))


def _event_line(outcome: Outcome) -> Mrkdwn:
    stored, lang, event = outcome.request, outcome.request.lang, outcome.event
    request = stored.request
    provider = provider_name(request.provider, lang)
    error = outcome.error.render(lang) if outcome.error else text("error.generic", lang)
    task = outcome.result.task_id if outcome.result else stored.task_id
    if event is Event.SCHEDULED and task:
        request_id = outcome.result.request_id if outcome.result else stored.provider_request_id
        return sentence("thread.scheduled", lang, provider=provider, task_id=task, request_id=request_id or "-")
    if event is Event.SCHEDULED:
        return sentence("thread.waiting", lang, provider=provider)
    if event is Event.STARTED and outcome.result is not None:
        return sentence("schedule.started", lang, provider=provider, task_id=outcome.result.task_id)
    window = request.window
    end = local_clock(window.end, stored.timezone) if window else "-"
    when = format_window(window, stored.timezone, lang)
    if event is Event.STARTED:
        return sentence(
            f"thread.started.{request.kind}", lang, provider=provider, target=request.target.label(), end=end
        )
    if event is Event.FINISHED:
        return sentence("thread.finished", lang, provider=provider, target=request.target.label(), when=when)
    if event is Event.CANCELLED and series_of(stored) is not None:
        who = mrkdwn.user(outcome.actor or stored.settled_by or stored.requester)
        count = len(upcoming(stored, stored.updated_at))
        return sentence("series.thread.cancelled", lang, user=who, count=count)
    if event is Event.CANCELLED and stored.task_id:
        request_id = outcome.result.request_id if outcome.result else None
        who = mrkdwn.user(outcome.actor or stored.settled_by or stored.requester)
        return sentence(
            "thread.stopped", lang, user=who, task_id=stored.task_id, provider=provider, request_id=request_id or "-"
        )
    if event is Event.CANCELLED:
        who = mrkdwn.user(outcome.actor or stored.settled_by or stored.requester)
        return sentence("thread.cancelled", lang, user=who)
    if event is Event.MISSED and window is not None:
        start = local_clock(window.start, stored.timezone)
        return sentence("schedule.missed", lang, provider=provider, start=start, end=end)
    if event is Event.CANCEL_FAILED:
        return sentence("thread.stop_failed", lang, error=error)
    if event is Event.CANCEL_UNCLEAR:
        return sentence("thread.cancel_unclear", lang, provider=provider, target=request.target.label(), error=error)
    key = {Event.UNKNOWN: "thread.unknown"}.get(event, "thread.failed")
    return sentence(key, lang, error=error)


def _note_line(outcome: Outcome) -> Mrkdwn | None:
    """The outcome's note, with the request's facts available to it."""
    if outcome.note is None:
        return None
    lang = outcome.request.lang
    who = {"user": mrkdwn.user(outcome.actor)} if outcome.actor else {}
    return sentence(outcome.note.key, lang, **{**note_params(outcome, lang), **who})


def _retry_is_safe(outcome: Outcome) -> bool:
    return outcome.retry_is_safe
