"""Buttons: Confirm and Cancel on the card, Cancel task / Stop now, +15 min / +30 min / +1 h and Retry on the card
and in its thread, Cancel next to a listed request.

Every click is acknowledged first; the request id in the button value lets the store settle it exactly once, so
double taps and repeated payloads do nothing more. Refusals are ephemeral (only the clicker sees them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import AlreadyRetried, BotError, RequestStateError
from bot.lifecycle import CardRef
from bot.slack import mrkdwn
from bot.slack.cards import (
    CANCEL,
    CONFIRM,
    EXTEND,
    LIST_CANCEL,
    OVERLAP_EXTEND,
    RETRY,
    SKIP,
    STOP,
    Message,
    plain_message,
)
from bot.slack.commands import cancel_answer, extend_answer, extend_instead_answer, skip_answer
from bot.slack.context import SlackBot
from bot.slack.mrkdwn import Mrkdwn

log = logging.getLogger(__name__)


def card_from_click(body: dict[str, Any]) -> CardRef:
    """Where the clicked card lives (a click is how we learn the ts of a card sent with the acknowledgement)."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    return CardRef(
        channel=(body.get("channel") or {}).get("id") or container.get("channel_id"),
        ts=container.get("message_ts") or message.get("ts"),
        response_url=body.get("response_url"),
        thread_ts=container.get("thread_ts") or message.get("thread_ts"),
    )


def acting_channel(body: dict[str, Any]) -> str | None:
    """The channel where the person clicked; None in the App Home tab (no channel: only user and group rules)."""
    channel = (body.get("channel") or {}).get("id")
    return str(channel) if channel else None


def register(app: App, bot: SlackBot) -> None:
    flow = bot.flow

    def handle(act: Callable[[str, str, dict[str, Any]], object]) -> Callable[..., None]:
        def listener(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
            ack()
            try:
                clicked(body, action)
            except Exception:  # after the ack it can only be logged (escaping, Bolt would hold the answer 3 s)
                log.exception("a click could not be handled")

        def clicked(body: dict[str, Any], action: dict[str, Any]) -> None:
            user = body["user"]["id"]
            request_id = str(action.get("value", ""))
            try:
                act(request_id, user, body)
            except AlreadyRetried as error:  # the retry shares the card: link to it, where its progress shows
                _refuse(bot, body, user, error, link=_card_link(bot, request_id))
            except RequestStateError as error:
                stored = bot.services.store.get(request_id)
                if stored is not None and stored.settled_by == user:
                    return  # the same person tapped twice: the card already shows what happened
                _refuse(bot, body, user, error)
            except BotError as error:
                _refuse(bot, body, user, error)
            except SQLAlchemyError as exc:  # the database did not answer: nothing was settled, the buttons still work
                # Only the type: a database error's text carries the SQL and its parameters.
                log.error(
                    "the database failed while handling a click on request %s: %s", request_id, type(exc).__name__
                )
                _refuse(bot, body, user, BotError("faults.store_unavailable"))

        return listener

    app.action(CONFIRM)(handle(lambda rid, user, body: flow.confirm(rid, user=user, card=card_from_click(body))))
    app.action(CANCEL)(
        handle(
            lambda rid, user, body: flow.cancel_proposal(
                rid, user=user, card=card_from_click(body), where=acting_channel(body)
            )
        )
    )
    app.action(RETRY)(handle(lambda rid, user, body: flow.retry(rid, user=user)))
    app.action(STOP)(handle(lambda rid, user, body: flow.cancel_task(rid, user=user, where=acting_channel(body))))

    def cancel_listed(request_id: str, user: str, body: dict[str, Any]) -> None:
        lang = bot.users.lookup(user).lang
        _tell_clicker(
            bot, body, user, cancel_answer(flow, request_id, user=user, lang=lang, where=acting_channel(body))
        )

    app.action(LIST_CANCEL)(handle(cancel_listed))

    def extend_by(minutes: int) -> Callable[[str, str, dict[str, Any]], object]:
        def extend(request_id: str, user: str, body: dict[str, Any]) -> None:
            lang = bot.users.lookup(user).lang
            try:
                answer = extend_answer(
                    flow, request_id, timedelta(minutes=minutes), user=user, lang=lang, where=acting_channel(body)
                )
            except RequestStateError as error:  # said even to the requester: an extend is never a double tap
                answer = plain_message(mrkdwn.explain(error, lang))
            _tell_clicker(bot, body, user, answer)

        return extend

    for action_id, minutes in EXTEND.items():
        app.action(action_id)(handle(extend_by(minutes)))

    def extend_instead(value: str, user: str, body: dict[str, Any]) -> None:
        existing, _, proposed = value.partition(":")
        lang = bot.users.lookup(user).lang
        try:
            answer = extend_instead_answer(flow, existing, proposed, user=user, lang=lang, card=card_from_click(body))
        except RequestStateError as error:  # said even to the requester: never a double tap of Confirm
            answer = plain_message(mrkdwn.explain(error, lang))
        _tell_clicker(bot, body, user, answer)

    app.action(OVERLAP_EXTEND)(handle(extend_instead))

    def skip(value: str, user: str, body: dict[str, Any]) -> None:
        request_id, _, day = value.partition("|")
        lang = bot.users.lookup(user).lang
        try:
            answer = skip_answer(
                flow, request_id, date.fromisoformat(day), user=user, lang=lang, where=acting_channel(body)
            )
        except RequestStateError as error:  # said even to the requester: never a double tap of Confirm
            answer = plain_message(mrkdwn.explain(error, lang))
        _tell_clicker(bot, body, user, answer)

    app.action(SKIP)(handle(skip))


def _refuse(bot: SlackBot, body: dict[str, Any], user: str, error: BotError, *, link: str | None = None) -> None:
    line = mrkdwn.explain(error, bot.users.lookup(user).lang)
    if link:
        line = Mrkdwn(f"{line} {mrkdwn.link(link, '→')}")
    _tell_clicker(bot, body, user, plain_message(line))


def _card_link(bot: SlackBot, request_id: str) -> str | None:
    """A permalink to the card of ``request_id`` (None when Slack cannot give one)."""
    stored = bot.services.store.get(request_id) if request_id else None
    if stored is None or not stored.card.channel or not stored.card.ts:
        return None
    try:
        answer = bot.replies.client.chat_getPermalink(channel=stored.card.channel, message_ts=stored.card.ts)
    except (SlackApiError, OSError) as exc:
        log.warning("chat.getPermalink failed: %s", type(exc).__name__)
        return None
    permalink = answer.get("permalink")
    return str(permalink) if permalink else None


def _tell_clicker(bot: SlackBot, body: dict[str, Any], user: str, message: Message) -> None:
    """An answer only the person who clicked sees, where they clicked."""
    channel = (body.get("channel") or {}).get("id")
    if not channel and not body.get("response_url"):  # a click in the Home tab: no channel to answer in
        bot.replies.direct_message(user, message)
        return
    bot.replies.ephemeral(channel=channel, user=user, message=message, response_url=body.get("response_url"))
