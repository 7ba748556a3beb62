"""``@bot record …`` in a channel or thread: works like the slash command and answers in that thread.

Slack retries events it thinks were not received, and a retry may reach another replica: each ``event_id`` is
handled once, remembered in the store (:class:`bot.store.events.SeenEvents`).
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App

from bot.catalogue import text
from bot.core.model import Kind
from bot.lifecycle import CardRef
from bot.slack.cards import plain_message
from bot.slack.commands import answer_command
from bot.slack.context import SlackBot
from bot.slack.incoming import typed_text

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def command_text(raw: str) -> tuple[Kind, str]:
    """The command in a mention: mentions removed, Slack's escaping undone; ``relay …`` is a relay, anything else a recording."""
    cleaned = typed_text(_MENTION.sub(" ", raw)).strip()
    kind: Kind = "relay" if cleaned.lower().startswith("relay") else "record"
    return kind, cleaned


def register(app: App, bot: SlackBot) -> None:
    seen = bot.services.store.seen

    def on_mention(body: dict[str, Any], event: dict[str, Any]) -> None:
        if not seen.first_time("slack:" + str(body.get("event_id") or event.get("event_ts"))):
            return
        user, channel = event.get("user"), event.get("channel")
        if not user or not channel:
            return
        thread = event.get("thread_ts") or event.get("ts")
        person = bot.users.lookup(user)
        kind, typed = command_text(str(event.get("text", "")))
        if not typed:
            message = plain_message(text("slack.mention_empty", person.lang))
            bot.replies.ephemeral(channel=channel, user=user, message=message, thread_ts=thread)
            return
        card = CardRef(channel=channel, thread_ts=thread)
        answer = answer_command(
            bot.services, bot.flow, kind=kind, text_typed=typed, person=person, channel=channel, card=card
        )
        if not answer.public or answer.request is None:
            bot.replies.ephemeral(channel=channel, user=user, message=answer.message, thread_ts=thread)
            return
        ts = bot.replies.post(channel, answer.message, thread_ts=thread)
        if ts:
            bot.services.store.set_card(answer.request.id, CardRef(channel=channel, ts=ts, thread_ts=thread))

    app.event("app_mention")(on_mention)
