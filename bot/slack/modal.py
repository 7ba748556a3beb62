"""``/record`` with no text: a form for people on phones (provider, stream, start and end pickers, options).

The form is turned into the same command text the parser reads, so a form and a typed command can never disagree.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.catalogue import text
from bot.core.model import Kind
from bot.flow.card import provider_name
from bot.lifecycle import CardRef
from bot.provider_info import PROVIDER_KEYS
from bot.slack.commands import answer_command
from bot.slack.context import SlackBot
from bot.slack.users import Person

log = logging.getLogger(__name__)

CALLBACK_ID = "schedule_modal"


def modal_view(*, kind: Kind, person: Person, channel: str | None, default_provider: str) -> dict[str, Any]:
    """The form, in the person's language."""
    lang = person.lang

    def block(name: str, element: dict[str, Any], *, optional: bool = False) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": name,
            "optional": optional,
            "label": {"type": "plain_text", "text": text(f"slack.modal.{name}", lang)},
            "element": {"action_id": name, **element},
        }

    options = [
        {"text": {"type": "plain_text", "text": provider_name(key, lang)}, "value": key} for key in PROVIDER_KEYS
    ]
    initial = next((o for o in options if o["value"] == default_provider), options[0])
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps({"kind": kind, "channel": channel}),
        "title": {"type": "plain_text", "text": text("slack.modal.title", lang)[:24]},
        "submit": {"type": "plain_text", "text": text("slack.modal.submit", lang)[:24]},
        "close": {"type": "plain_text", "text": text("slack.modal.close", lang)[:24]},
        "blocks": [
            block("provider", {"type": "static_select", "options": options, "initial_option": initial}),
            block("target", {"type": "plain_text_input", "placeholder": _plain("live/stream001")}),
            *(
                [block("sources", {"type": "plain_text_input", "placeholder": _plain("rtmp://src.example.com/live/x")})]
                if kind == "relay"
                else []
            ),
            block("start", {"type": "datetimepicker"}),
            block("end", {"type": "datetimepicker"}),
            block("options", {"type": "plain_text_input", "placeholder": _plain("as mp4")}, optional=True),
        ],
    }


def open_modal(
    client: WebClient, bot: SlackBot, *, trigger_id: str, kind: Kind, person: Person, channel: str | None
) -> None:
    view = modal_view(
        kind=kind, person=person, channel=channel, default_provider=bot.services.config.bot.default_provider
    )
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:  # after the ack: only the log can say so (Slack's error code, not its raw answer)
        log.warning("views.open failed: %s", exc.response.get("error"))


def command_from_form(values: dict[str, dict[str, Any]], timezone: str) -> tuple[str, dict[str, str]]:
    """The command text the form means, and the problems per field (block id → message key)."""
    provider = (values["provider"]["provider"].get("selected_option") or {}).get("value", "")
    target = str(values["target"]["target"].get("value") or "").strip()
    extra = str((values.get("options") or {}).get("options", {}).get("value") or "").strip()
    sources = str((values.get("sources") or {}).get("sources", {}).get("value") or "").strip()
    zone = ZoneInfo(timezone)
    moments: dict[str, str] = {}
    problems: dict[str, str] = {}
    for name in ("start", "end"):
        picked = values[name][name].get("selected_date_time")
        if picked is None:
            problems[name] = "slack.modal.missing_time"
            continue
        moments[name] = datetime.fromtimestamp(int(picked), zone).strftime("%Y-%m-%d %H:%M")
    window = f"{moments.get('start', '')} to {moments.get('end', '')}"
    # a recording reads `<target> from <start> to <end>`, a relay `<target> from <url>[,<url>] <start> to <end>`
    window = f"from {sources} {window}" if sources else f"from {window}"
    typed = f"{target} {window} on {provider} {extra}".strip()
    return typed, problems


def register(app: App, bot: SlackBot) -> None:
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        person = bot.users.lookup(user)
        meta = json.loads(view.get("private_metadata") or "{}")
        kind: Kind = "relay" if meta.get("kind") == "relay" else "record"
        channel = meta.get("channel") or user
        typed, problems = command_from_form(view["state"]["values"], person.timezone)
        if problems:
            ack(response_action="errors", errors={k: text(v, person.lang) for k, v in problems.items()})
            return
        answer = answer_command(
            bot.services,
            bot.flow,
            kind=kind,
            text_typed=f"/{kind} {typed}",
            person=person,
            channel=channel,
            card=CardRef(channel=channel),
        )
        if not answer.public or answer.request is None:
            ack(response_action="errors", errors={"target": answer.message["text"][:1900]})
            return
        ack()
        ts = bot.replies.post(channel, answer.message)
        if ts is None and channel != user:  # the bot is not in that channel: send the card as a direct message
            channel = user
            ts = bot.replies.post(user, answer.message)
        if ts:
            bot.services.store.set_card(answer.request.id, CardRef(channel=channel, ts=ts))

    app.view(CALLBACK_ID)(on_submit)


def _plain(value: str) -> dict[str, str]:
    return {"type": "plain_text", "text": value}
