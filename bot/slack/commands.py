"""Answering a typed command (slash command, mention or modal): a card for the channel, or a private reply.

Everything here runs before the acknowledgement, so it does only quick local work: parsing, validation, one store
write, and a cached ``users.info``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import SQLAlchemyError

from bot.catalogue import text
from bot.core.model import CancelTask, ExtendTask, Help, Kind, ListTasks, Note, Schedule
from bot.core.sources import redact_urls
from bot.errors import BotError, ParseError, RequestStateError
from bot.flow import RequestFlow
from bot.flow.card import local_clock, provider_name
from bot.flow.series_jobs import series_of, upcoming
from bot.flow.services import Services
from bot.lifecycle import ACTIVE_STATES, CardRef, RequestState, StoredRequest
from bot.slack.cards import Message, dry_run_message, list_message, plain_message, proposal_card
from bot.slack.mrkdwn import explain, sentence
from bot.slack.users import Person

log = logging.getLogger(__name__)


MAX_LISTED = 20
MAX_RECENT = 10
#: `/record list` shows outcomes this recent.
RECENT = timedelta(hours=24)
UPCOMING_STATES = frozenset(
    {RequestState.PROPOSED, RequestState.CONFIRMED, RequestState.SUBMITTING, RequestState.CANCELLING, *ACTIVE_STATES}
)
OUTCOME_STATES = frozenset(
    {
        RequestState.DONE,
        RequestState.FAILED,
        RequestState.UNKNOWN,
        RequestState.MISSED,
        RequestState.CANCELLED,
        RequestState.RETRIED,
    }
)


@dataclass(frozen=True)
class Answer:
    """What to show: ``public`` answers (cards) go to the channel, the rest only to the person."""

    message: Message
    public: bool = False
    request: StoredRequest | None = None


def answer_command(
    services: Services,
    flow: RequestFlow,
    *,
    kind: Kind,
    text_typed: str,
    person: Person,
    channel: str | None,
    card: CardRef | None = None,
) -> Answer:
    """Understand ``text_typed`` (what followed ``/record`` or ``@bot``) and decide the answer."""
    lang = person.lang
    try:
        command = services.parse(text_typed, timezone=person.timezone, kind=kind)
        lang = "zh-CN" if getattr(command, "lang", "en") == "zh-CN" else person.lang
        if isinstance(command, Help):
            return Answer(plain_message(services.help(command.kind, lang, user=person.id, channel=channel)))
        if isinstance(command, ListTasks):
            return Answer(_list(services, channel=channel, user=person.id if command.mine else None, lang=lang))
        if isinstance(command, CancelTask) and command.day is not None:
            return Answer(skip_answer(flow, command.task, command.day, user=person.id, lang=lang, where=channel))
        if isinstance(command, CancelTask):
            return Answer(cancel_answer(flow, command.task, user=person.id, lang=lang, where=channel))
        if isinstance(command, ExtendTask):
            return Answer(extend_answer(flow, command.task, command.by, user=person.id, lang=lang, where=channel))
        return _schedule(flow, command, text_typed=text_typed, person=person, lang=lang, channel=channel, card=card)
    except ParseError as error:
        said = error.lang or lang
        return Answer(plain_message(sentence("slack.not_understood", said, reason=explain(error, said))))
    except BotError as error:
        return Answer(plain_message(explain(error, lang)))
    except SQLAlchemyError as exc:  # the database is locked, restarting or unreachable: the one write did not happen
        # Only the type: a database error's text carries the SQL and its parameters (what the person typed).
        log.error("the database failed while answering a command: %s", type(exc).__name__)
        return Answer(plain_message(text("faults.store_unavailable", lang)))


def _schedule(
    flow: RequestFlow,
    command: Schedule,
    *,
    text_typed: str,
    person: Person,
    lang: str,
    channel: str | None,
    card: CardRef | None,
) -> Answer:
    shown_text = redact_urls(text_typed)  # stream tokens in a source's query are sent, never shown or stored
    if command.request.options.dry_run:
        calls = flow.plan(command.request, requester=person.id, channel=channel, raw_text=shown_text)
        return Answer(dry_run_message(provider_name(command.request.provider, lang), calls, lang))
    # Never silently wrong: when Slack could not tell us the person's zone, the card says which one was used.
    notes = () if person.known else (Note("card.note.zone_unknown", (("timezone", person.timezone),)),)
    stored = flow.propose(
        command, requester=person.id, text=shown_text, lang=lang, channel=channel, card=card, notes=notes
    )
    return Answer(proposal_card(stored), public=True, request=stored)


def _list(services: Services, *, channel: str | None, user: str | None, lang: str) -> Message:
    """What is still upcoming or running in ``channel`` (or ``user``'s own anywhere), then recent outcomes. A window
    that has ended is never listed as upcoming (nor offered a Cancel), even before the scheduler moved it on."""
    store, where, now = services.store, None if user else channel, services.clock()
    active = [
        stored
        for stored in store.list_requests(states=UPCOMING_STATES, channel=where, requester=user, limit=MAX_LISTED)
        if stored.request.window is None or stored.request.window.end > now or upcoming(stored, now)
    ]
    total = store.count_requests(states=UPCOMING_STATES, channel=where, requester=user)
    since = now - RECENT
    recent = store.list_requests(states=OUTCOME_STATES, channel=where, requester=user, limit=MAX_RECENT, since=since)
    recent_total = store.count_requests(states=OUTCOME_STATES, channel=where, requester=user, since=since)
    heading = text("list.heading.mine" if user else "list.heading.channel", lang, count=len(active))
    hours = f"{RECENT.total_seconds() / 3600:g}"
    recent_heading = text("list.heading.recent", lang, hours=hours, count=recent_total)
    left_out = max(0, total - MAX_LISTED) + max(0, recent_total - MAX_RECENT)
    more = text("list.more", lang, count=left_out) if left_out else None
    files = store.files.files_of_many([stored.id for stored in recent])
    return list_message(
        active, recent, heading=heading, recent_heading=recent_heading, lang=lang, more=more, files=files, now=now
    )


def extend_answer(
    flow: RequestFlow, reference: str, by: timedelta, *, user: str, lang: str, where: str | None = None
) -> Message:
    """Extend by our id or a provider TaskId; says it is under way (the outcome goes to the card's thread)."""
    extension = flow.extend(reference, by, user=user, where=where)
    stored = extension.request
    end = local_clock(extension.new_end, stored.timezone)
    return plain_message(text("extend.started", lang, request=stored.id, end=end))


def extend_instead_answer(
    flow: RequestFlow, existing: str, proposed: str, *, user: str, lang: str, card: CardRef | None
) -> Message:
    """The card of ``proposed`` overlaps ``existing`` where the provider allows no more tasks: extend ``existing``
    to ``proposed``'s end instead, and cancel the proposal."""
    old, new = flow.store.get(existing), flow.store.get(proposed)
    if old is None or new is None or old.request.window is None or new.request.window is None:
        raise RequestStateError("flow.unknown_request", request=existing if old is None else proposed)
    by = new.request.window.end - old.request.window.end
    if by > timedelta(0):
        answer = extend_answer(flow, existing, by, user=user, lang=lang)
    else:  # extended meanwhile, far enough already
        end = local_clock(old.request.window.end, old.timezone)
        answer = plain_message(text("extend.covered", lang, request=existing, end=end))
    flow.cancel_proposal(proposed, user=user, card=card)
    return answer


def skip_answer(
    flow: RequestFlow, reference: str, day: date, *, user: str, lang: str, where: str | None = None
) -> Message:
    """Cancel one occurrence of a series; says how many are left (the thread says it too)."""
    stored, left = flow.cancel_occurrence(reference, day, user=user, where=where)
    return plain_message(text("series.skip_done", lang, day=day.isoformat(), request=stored.id, left=left))


def cancel_answer(flow: RequestFlow, reference: str, *, user: str, lang: str, where: str | None) -> Message:
    """Cancel by our id or a provider TaskId; says whether it is done or under way (the outcome goes to the
    card's thread). ``where`` is the channel the person acts in (None outside any channel)."""
    stored = flow.cancel(reference, user=user, where=where)
    if series_of(stored) is not None:  # how many recordings it cancels (counted as the thread counts them)
        done = stored.state is RequestState.CANCELLED
        count = len(upcoming(stored, stored.updated_at))
        key = "series.cancel_done" if done else "series.cancel_started"
        return plain_message(text(key, lang, request=stored.id, count=count))
    if stored.state is RequestState.CANCELLED:
        return plain_message(text("list.cancel_done", lang, request=stored.id))
    return plain_message(text("slack.cancel_started", lang, request=stored.id))
