"""Posting to Slack: cards, their updates, thread replies and ephemeral answers, and the flow's notifier.

Where ``chat.postMessage`` cannot reach (private channels and DMs the bot is not in), the ``response_url`` of the
command or click is used instead; it bypasses channel membership.

Every post, update and ephemeral answer goes through the :class:`~bot.slack.send_queue.SendQueue`, paced per channel:
the caller (a listener, the flow's worker, the scheduler) never waits on Slack, except :meth:`SlackReplies.post`,
which waits for the new message's ts.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from functools import partial
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.core.model import Note
from bot.flow import Event, Outcome
from bot.lifecycle import CardRef, StoredRequest
from bot.slack.cards import Message, plain_message, status_card, thread_reply
from bot.slack.send_queue import SendQueue, retry_after

log = logging.getLogger(__name__)


class SlackReplies:
    """Sends messages with the app's Web API client (which carries the rate-limit retry handlers)."""

    def __init__(
        self, client: WebClient, retry_handlers: list[RetryHandler] | None = None, queue: SendQueue | None = None
    ) -> None:
        self.client = client  # without a rate-limit retry handler: the queue answers a 429 (Retry-After, order kept)
        self._retry_handlers = retry_handlers or []
        self.queue = queue or SendQueue()

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
        """Post in ``channel`` (in a thread when ``thread_ts``); waits for its turn in the channel's queue and
        returns the new message's ts when known."""
        try:
            return self.send_post(channel, message, thread_ts=thread_ts, response_url=response_url).result()
        except (SlackApiError, OSError, RuntimeError):
            return None

    def send_post(
        self, channel: str, message: Message, *, thread_ts: str | None = None, response_url: str | None = None
    ) -> Future[str | None]:
        """:meth:`post` without waiting: queued behind the channel's other messages."""
        return self.queue.submit(channel, partial(self._post_now, channel, message, thread_ts, response_url))

    def _post_now(self, channel: str, message: Message, thread_ts: str | None, response_url: str | None) -> str | None:
        try:
            response = self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)
        except (SlackApiError, OSError) as exc:
            if retry_after(exc) is not None:
                raise  # the queue sends it again after Retry-After
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
        """Replace the card (through its response_url when known, else chat.update), queued."""
        lane = card.channel or card.response_url or ""
        self.queue.submit(lane, partial(self._update_card_now, card, message), paced=not card.response_url)

    def _update_card_now(self, card: CardRef, message: Message) -> None:
        if card.response_url and self.post_to_response_url(card.response_url, {**message, "replace_original": True}):
            return
        if card.channel and card.ts:
            try:
                self.client.chat_update(channel=card.channel, ts=card.ts, **message)
            except SlackApiError as exc:
                if retry_after(exc) is not None:
                    raise
                log.warning("chat.update failed: %s", exc.response.get("error"))

    def reply_in_thread(self, card: CardRef, message: Message) -> None:
        """Reply in the card's thread (the thread it was posted in, or the card's own)."""
        thread = card.thread_ts or card.ts
        if card.channel:
            self.send_post(card.channel, message, thread_ts=thread, response_url=card.response_url)
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
        """Only ``user`` sees it: through the response_url when there is one, else chat.postEphemeral; queued."""
        send = partial(self._ephemeral_now, channel, user, message, response_url, thread_ts)
        self.queue.submit(channel or response_url or "", send, paced=not response_url)

    def _ephemeral_now(
        self, channel: str | None, user: str, message: Message, response_url: str | None, thread_ts: str | None
    ) -> None:
        if response_url:
            body = {**message, "response_type": "ephemeral", "replace_original": False}
            if self.post_to_response_url(response_url, body):
                return
        if channel:
            try:
                self.client.chat_postEphemeral(channel=channel, user=user, thread_ts=thread_ts, **message)
            except SlackApiError as exc:
                if retry_after(exc) is not None:
                    raise
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
