"""Posting to Slack: cards, their updates, thread replies and ephemeral answers, and the flow's notifier.

Where ``chat.postMessage`` cannot reach (private channels and DMs the bot is not in), the ``response_url`` of the
command or click is used instead; it bypasses channel membership.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.core.model import Note
from bot.flow import Event, Outcome
from bot.lifecycle import CardRef, StoredRequest
from bot.slack.cards import Message, plain_message, status_card, thread_reply

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

    def update_card(self, card: CardRef, message: Message) -> None:
        """Replace the card (through its response_url when known, else chat.update)."""
        if card.response_url and self.post_to_response_url(card.response_url, {**message, "replace_original": True}):
            return
        if card.channel and card.ts:
            try:
                self.client.chat_update(channel=card.channel, ts=card.ts, **message)
            except SlackApiError as exc:
                log.warning("chat.update failed: %s", exc.response.get("error"))

    def reply_in_thread(self, card: CardRef, message: Message) -> None:
        """Reply in the card's thread (the thread it was posted in, or the card's own)."""
        thread = card.thread_ts or card.ts
        if card.channel:
            self.post(card.channel, message, thread_ts=thread, response_url=card.response_url)
        elif card.response_url:
            self.post_to_response_url(
                card.response_url, {**message, "response_type": "in_channel", "replace_original": False}
            )

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

    def post_note(self, stored: StoredRequest, note: Note) -> None:
        """A sentence from the scheduler or reconciliation, in the request's thread. Never raises."""
        try:
            self.reply_in_thread(stored.card, plain_message(note.render(stored.lang)))
        except Exception:
            log.exception("could not post %s for request %s", note.key, stored.id)


class SlackNotifier:
    """The flow's :class:`~bot.flow.Notifier` for Slack: updates the card and replies in its thread."""

    def __init__(self, replies: SlackReplies) -> None:
        self.replies = replies

    def notify(self, outcome: Outcome) -> None:
        card = outcome.request.card
        if outcome.event is not Event.CANCEL_FAILED:
            self.replies.update_card(card, status_card(outcome))
        proposal_cancelled = outcome.event is Event.CANCELLED and outcome.result is None
        if outcome.event not in (Event.CONFIRMED, Event.EXPIRED) and not proposal_cancelled:
            self.replies.reply_in_thread(card, thread_reply(outcome))
