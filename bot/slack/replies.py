"""Posting to Slack: cards, their updates, thread replies and ephemeral answers, and the flow's notifier.

Where ``chat.postMessage`` cannot reach (private channels and DMs the bot is not in), the ``response_url`` of the
command or click is used instead; it bypasses channel membership.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.flow import Outcome
from bot.lifecycle import CardRef
from bot.slack.cards import Message
from bot.slack.outcomes import status_card, thread_reply

log = logging.getLogger(__name__)


class SlackReplies:
    """Sends messages with the app's Web API client (which carries the rate-limit retry handlers)."""

    def __init__(self, client: WebClient, retry_handlers: list[RetryHandler] | None = None) -> None:
        self.client = client
        self._retry_handlers = retry_handlers or []

    def post_to_response_url(self, url: str, body: dict[str, Any]) -> bool:
        """Post to a ``response_url`` (at most 5 times within 30 minutes of the click); True when Slack took it."""
        try:
            response = WebhookClient(url, timeout=10, retry_handlers=self._retry_handlers).send_dict(body)
        except OSError as exc:
            log.warning("response_url post failed: %s", type(exc).__name__)
            return False
        if response.status_code != 200:
            log.warning("response_url post answered %s", response.status_code)
        return response.status_code == 200

    def post(
        self, channel: str, message: Message, *, thread_ts: str | None = None, response_url: str | None = None
    ) -> str | None:
        """Post in ``channel`` (in a thread when ``thread_ts``); returns the new message's ts when known."""
        try:
            response = self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)
        except (SlackApiError, OSError) as exc:
            # Not in the channel, or Slack still failing after the retries (5xx, 429, network): the response_url
            # reaches the same conversation, so the outcome is not lost.
            error = str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("chat.postMessage failed: %s%s", error, "; using the response_url" if response_url else "")
            if not response_url:
                return None
            body = {**message, "response_type": "in_channel", "replace_original": False}
            if thread_ts:
                body["thread_ts"] = thread_ts
            self.post_to_response_url(response_url, body)
            return None
        ts = response.get("ts")
        return str(ts) if ts else None

    def update_card(self, card: CardRef, message: Message) -> bool:
        """Replace the card (through its response_url while Slack still takes it — 5 uses in 30 minutes — else
        chat.update); True when done."""
        if card.response_url and self.post_to_response_url(card.response_url, {**message, "replace_original": True}):
            return True
        if card.channel and card.ts:
            try:
                self.client.chat_update(channel=card.channel, ts=card.ts, **message)
                return True
            except (SlackApiError, OSError) as exc:
                error = str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else type(exc).__name__
                log.warning("chat.update failed: %s", error)
        return False

    def reply_in_thread(self, card: CardRef, message: Message) -> bool:
        """Reply in the card's thread (the thread it was posted in, or the card's own); True when Slack took it."""
        thread = card.thread_ts or card.ts
        if card.channel:
            try:
                self.client.chat_postMessage(channel=card.channel, thread_ts=thread, **message)
                return True
            except (SlackApiError, OSError) as exc:
                error = str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else type(exc).__name__
                log.warning("chat.postMessage in a thread failed: %s", error)
        if card.response_url:
            body = {**message, "response_type": "in_channel", "replace_original": False}
            if thread:
                body["thread_ts"] = thread
            return self.post_to_response_url(card.response_url, body)
        return False

    def direct_message(self, user: str, message: Message) -> bool:
        """A message to ``user`` in their DM with the bot (conversations.open, then chat.postMessage)."""
        try:
            opened = self.client.conversations_open(users=user)
            channel = str((opened.get("channel") or {}).get("id", ""))
            if not channel:
                return False
            self.client.chat_postMessage(channel=channel, **message)
        except (SlackApiError, OSError) as exc:
            error = str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("could not send a direct message: %s", error)
            return False
        return True

    def ephemeral(
        self,
        *,
        channel: str | None,
        user: str,
        message: Message,
        response_url: str | None = None,
        thread_ts: str | None = None,
    ) -> None:
        """Only ``user`` sees it: through the response_url when there is one, else chat.postEphemeral."""
        if response_url:
            body = {**message, "response_type": "ephemeral", "replace_original": False}
            if self.post_to_response_url(response_url, body):
                return
        if channel:
            try:
                self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **message)
            except SlackApiError as exc:
                log.warning("chat.postEphemeral failed: %s", exc.response.get("error"))


class SlackNotifier:
    """The flow's one :class:`~bot.flow.Notifier` for Slack: redraws the card in place, replies in its thread
    (mentioning the requester where :mod:`bot.slack.outcomes` says so), and — where the bot cannot reach the channel
    any more — tells the requester by DM instead, so no outcome is lost."""

    def __init__(self, replies: SlackReplies, *, on_change: Callable[[str], None] | None = None) -> None:
        self.replies = replies
        self.on_change = on_change  # told the requester of every outcome (the Home tab redraws)

    def notify(self, outcome: Outcome) -> None:
        stored = outcome.request
        if self.on_change is not None:
            self.on_change(stored.requester)
        card_drawn = self.replies.update_card(stored.card, status_card(outcome))
        reply = thread_reply(outcome)
        if reply is None:
            return
        if self.replies.reply_in_thread(stored.card, reply) or stored.requester[:1] not in {"U", "W"}:
            return
        log.warning("request %s: the channel cannot be reached (card %s); telling the requester by DM", stored.id,
                    "redrawn" if card_drawn else "not redrawn")  # fmt: skip
        self.replies.direct_message(stored.requester, reply)
