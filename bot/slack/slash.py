"""``/record`` and ``/relay``: the acknowledgement itself carries the card (or the private answer).

``/record`` with no text opens the modal instead (people on phones).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core.model import Kind
from bot.lifecycle import CardRef
from bot.slack.commands import answer_command
from bot.slack.context import SlackBot
from bot.slack.incoming import typed_text
from bot.slack.modal import open_modal

COMMANDS: dict[str, Kind] = {"/record": "record", "/relay": "relay"}


def register(app: App, bot: SlackBot) -> None:
    def on_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        kind = COMMANDS.get(command["command"], "record")
        typed = typed_text(str(command.get("text") or "")).strip()
        user, channel = command["user_id"], command.get("channel_id")
        person = bot.users.lookup(user)
        if not typed:
            trigger_id = command["trigger_id"]  # read before the ack: a form without one gets a clean 400
            ack()
            open_modal(client, bot, trigger_id=trigger_id, kind=kind, person=person, channel=channel)
            return
        answer = answer_command(
            bot.services,
            bot.flow,
            kind=kind,
            text_typed=f"/{kind} {typed}",
            person=person,
            channel=channel,
            card=CardRef(channel=channel, response_url=command.get("response_url")),
        )
        ack(response_type="in_channel" if answer.public else "ephemeral", **answer.message)

    for name in COMMANDS:
        app.command(name)(on_command)
