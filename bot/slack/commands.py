"""Answering a typed command (slash command, mention or modal): a card for the channel, or a private reply.

Everything here runs before the acknowledgement, so it does only quick local work: parsing, validation, one store
write, and a cached ``users.info``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError

from bot.catalogue import text
from bot.core.model import CancelTask, Help, Kind, ListTasks, Note, Schedule
from bot.core.sources import redact_urls
from bot.errors import BotError, ParseError
from bot.flow import RequestFlow
from bot.flow.card import provider_name
from bot.flow.services import Services
from bot.lifecycle import ACTIVE_STATES, CardRef, RequestState, StoredRequest
from bot.slack.cards import Message, dry_run_message, escape, list_message, plain_message, proposal_card
from bot.slack.users import Person

log = logging.getLogger(__name__)

_OWN_MENTION = re.compile(r"<(?:@[UW]|#[CG]|!subteam\^S)[A-Z0-9]+>")

MAX_LISTED = 20
MAX_FAILURES = 10
#: `/record list` shows failures this recent.
RECENT_FAILURES = timedelta(hours=24)
UPCOMING_STATES = frozenset({RequestState.PROPOSED, RequestState.CONFIRMED, RequestState.SUBMITTING, *ACTIVE_STATES})
FAILED_STATES = frozenset({RequestState.FAILED, RequestState.UNKNOWN, RequestState.MISSED})


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
            return Answer(private(services.help(command.kind, lang, user=person.id, channel=channel)))
        if isinstance(command, ListTasks):
            return Answer(_list(services, channel=channel, user=person.id if command.mine else None, lang=lang))
        if isinstance(command, CancelTask):
            return Answer(cancel_answer(flow, command.task, user=person.id, lang=lang, where=channel))
        return _schedule(flow, command, text_typed=text_typed, person=person, lang=lang, channel=channel, card=card)
    except ParseError as error:
        return Answer(private(text("slack.not_understood", error.lang or lang, reason=error.render(error.lang))))
    except BotError as error:
        return Answer(private(error.render(lang), own=own_mentions(error)))
    except SQLAlchemyError as exc:  # the database is locked, restarting or unreachable: the one write did not happen
        # Only the type: a database error's text carries the SQL and its parameters (what the person typed).
        log.error("the database failed while answering a command: %s", type(exc).__name__)
        return Answer(private(text("faults.store_unavailable", lang)))


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


def private(line: str, *, own: Sequence[str] = ()) -> Message:
    """A private answer that may quote what the person typed: escaped in its ``text`` too (the blocks are escaped
    by :func:`plain_message`), so an echoed ``<!channel>`` or link stays plain text. ``own`` are the mentions the
    bot itself means to make (who can help), kept."""
    shown = escape(line)
    for token in own:
        shown = shown.replace(escape(token), token)
    return {**plain_message(line), "text": shown}


def own_mentions(error: BotError) -> tuple[str, ...]:
    """The mentions the bot put in ``error`` itself (who can help, the requester), never the person's text."""
    named = " ".join(str(error.params.get(name, "")) for name in ("helpers", "requester"))
    return tuple(_OWN_MENTION.findall(named))


def _list(services: Services, *, channel: str | None, user: str | None, lang: str) -> Message:
    """Upcoming and running requests in ``channel`` (or ``user``'s own anywhere), then recent failures."""
    store, where = services.store, None if user else channel
    active = store.list_requests(states=UPCOMING_STATES, channel=where, requester=user, limit=MAX_LISTED)
    since = services.clock() - RECENT_FAILURES
    failures = store.list_requests(states=FAILED_STATES, channel=where, requester=user, limit=MAX_FAILURES, since=since)
    heading = text("list.heading.mine" if user else "list.heading.channel", lang, count=len(active))
    hours = f"{RECENT_FAILURES.total_seconds() / 3600:g}"
    failed_heading = text("list.heading.failures", lang, hours=hours, count=len(failures))
    return list_message(active, failures, heading=heading, failed_heading=failed_heading, lang=lang)


def cancel_answer(flow: RequestFlow, reference: str, *, user: str, lang: str, where: str | None) -> Message:
    """Cancel by our id or a provider TaskId; says whether it is done or under way (the outcome goes to the
    card's thread). ``where`` is the channel the person acts in (None outside any channel)."""
    stored = flow.cancel(reference, user=user, where=where)
    if stored.state is RequestState.CANCELLED:
        return plain_message(text("list.cancel_done", lang, request=stored.id))
    return plain_message(text("slack.cancel_started", lang, request=stored.id))
