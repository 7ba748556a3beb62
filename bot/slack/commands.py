"""Answering a typed command (slash command, mention or modal): a card for the channel, or a private reply.

Everything here runs before the acknowledgement, so it does only quick local work: parsing, validation, one store
write, and a cached ``users.info``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.catalogue import text
from bot.core.model import CancelTask, Help, Kind, ListTasks, Schedule
from bot.errors import BotError, ParseError
from bot.flow import RequestFlow, mention
from bot.flow.card import provider_name
from bot.flow.services import Services
from bot.lifecycle import ACTIVE_STATES, CardRef, RequestState, StoredRequest
from bot.slack.cards import Message, dry_run_message, plain_message, proposal_card
from bot.slack.users import Person

log = logging.getLogger(__name__)

MAX_LISTED = 20


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
        if isinstance(command, CancelTask):
            return Answer(_cancel(services, flow, command, user=person.id, lang=lang))
        return _schedule(flow, command, text_typed=text_typed, person=person, lang=lang, channel=channel, card=card)
    except ParseError as error:
        return Answer(plain_message(text("slack.not_understood", error.lang or lang, reason=error.render(error.lang))))
    except BotError as error:
        return Answer(plain_message(error.render(lang)))


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
    if command.request.options.dry_run:
        calls = flow.plan(command.request)
        return Answer(dry_run_message(provider_name(command.request.provider, lang), calls, lang))
    stored = flow.propose(command, requester=person.id, text=text_typed, lang=lang, channel=channel, card=card)
    return Answer(proposal_card(stored, command.notes), public=True, request=stored)


def _list(services: Services, *, channel: str | None, user: str | None, lang: str) -> Message:
    states = {RequestState.PROPOSED, RequestState.CONFIRMED, RequestState.SUBMITTING, *ACTIVE_STATES}
    found = services.store.list_requests(
        states=states, channel=None if user else channel, requester=user, limit=MAX_LISTED
    )
    if not found:
        return plain_message(text("slack.list.empty", lang))
    lines = [text("slack.list.header", lang, count=len(found))]
    for stored in found:
        target = stored.request.target.label()
        state = text(f"flow.state.{stored.state}", lang)
        task = f" · TaskId {stored.task_id}" if stored.task_id else ""
        lines.append(f"• {stored.id} · {stored.request.kind} {target} · {state}{task} · {mention(stored.requester)}")
    return plain_message("\n".join(lines))


def _cancel(services: Services, flow: RequestFlow, command: CancelTask, *, user: str, lang: str) -> Message:
    stored = services.store.find(command.task)
    if stored is None:
        raise BotError("flow.unknown_request", request=command.task)
    if stored.state is RequestState.PROPOSED:
        flow.cancel_proposal(stored.id, user=user)
        return plain_message(text("card.status.cancelled", lang, user=mention(user)))
    flow.cancel_task(stored.id, user=user)
    return plain_message(text("slack.cancel_started", lang, request=stored.id))
