"""Posting to Slack: cards, their updates, thread replies and ephemeral answers, and the flow's notifier.

Where ``chat.postMessage`` cannot reach (private channels and DMs the bot is not in), the ``response_url`` of the
command or click is used instead; it bypasses channel membership.

Every post, update and ephemeral answer goes through the :class:`~bot.slack.send_queue.SendQueue`, paced per channel:
the caller (a listener, the flow's worker, the scheduler) never waits on Slack, except :meth:`SlackReplies.post`,
which waits for the new message's ts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from functools import partial
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.flow import Event, Outcome
from bot.lifecycle import CardRef, RequestState
from bot.recordings import RecordedFile
from bot.slack import mrkdwn
from bot.slack.cards import Message
from bot.slack.mrkdwn import element, sentence
from bot.slack.outcomes import files_message, status_card, thread_reply
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
        #: Told of every Slack call that failed, as (method, error); set by the app for its metrics.
        self.on_api_error: Callable[[str, str], None] | None = None

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
            self._api_error("chat.postMessage", exc, "; using the response_url" if response_url else "")
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
            except (SlackApiError, OSError) as exc:
                if retry_after(exc) is not None:
                    raise
                self._api_error("chat.update", exc)

    def reply_in_thread(
        self,
        card: CardRef,
        message: Message,
        *,
        fallback_user: str | None = None,
        on_fallback: Callable[[], None] | None = None,
    ) -> Future[bool]:
        """Reply in the card's thread (the thread it was posted in, or the card's own), queued behind the channel's
        other messages. Where neither the channel nor the card's response_url takes it any more, ``fallback_user``
        (the requester) is told by DM instead, and ``on_fallback`` is called. The future says whether it reached
        anyone."""
        lane = card.channel or card.response_url or ""
        send = partial(self._reply_now, card, message, fallback_user, on_fallback)
        return self.queue.submit(lane, send, paced=bool(card.channel))

    def _reply_now(
        self, card: CardRef, message: Message, fallback_user: str | None, on_fallback: Callable[[], None] | None
    ) -> bool:
        thread = card.thread_ts or card.ts
        if card.channel:
            try:
                self.client.chat_postMessage(channel=card.channel, thread_ts=thread, **message)
                return True
            except (SlackApiError, OSError) as exc:
                if retry_after(exc) is not None:
                    raise  # the queue sends it again after Retry-After
                self._api_error("chat.postMessage", exc, " (a thread reply)")
        if card.response_url:
            body = {**message, "response_type": "in_channel", "replace_original": False}
            if thread:
                body["thread_ts"] = thread
            if self.post_to_response_url(card.response_url, body):
                return True
        if fallback_user is None or not self.direct_message(fallback_user, message):
            return False
        if on_fallback is not None:
            on_fallback()
        return True

    def post_in_thread(self, card: CardRef, message: Message) -> str | None:
        """Post in the card's thread (queued, waiting for its turn); the new message's ts, or None when it failed."""
        if not card.channel:
            return None
        return self.post(card.channel, message, thread_ts=card.thread_ts or card.ts)

    def edit(self, channel: str, ts: str, message: Message) -> bool:
        """Replace a message the bot posted (chat.update, queued, waiting for its turn); True when Slack took it."""
        try:
            return self.queue.submit(channel, partial(self._edit_now, channel, ts, message)).result()
        except (SlackApiError, OSError, RuntimeError):
            return False

    def _edit_now(self, channel: str, ts: str, message: Message) -> bool:
        try:
            self.client.chat_update(channel=channel, ts=ts, **message)
        except (SlackApiError, OSError) as exc:
            if retry_after(exc) is not None:
                raise
            self._api_error("chat.update", exc, " (a thread message)")
            return False
        return True

    def direct_message(self, user: str, message: Message) -> bool:
        """A message to ``user`` in their DM with the bot (conversations.open, then chat.postMessage)."""
        try:
            opened = self.client.conversations_open(users=user)
            channel = str((opened.get("channel") or {}).get("id", ""))
            if not channel:
                return False
            self.client.chat_postMessage(channel=channel, **message)
        except (SlackApiError, OSError) as exc:
            self._api_error("conversations.open/chat.postMessage", exc, " (a direct message)")
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
            except (SlackApiError, OSError) as exc:
                if retry_after(exc) is not None:
                    raise
                self._api_error("chat.postEphemeral", exc)

    def _api_error(self, method: str, exc: Exception, context: str = "") -> None:
        """Log a Slack call that failed (Slack's error code, or the network error's type: never its text) and count
        it (``bot_slack_api_errors_total``)."""
        error = str(exc.response.get("error", "")) if isinstance(exc, SlackApiError) else type(exc).__name__
        log.warning("%s failed: %s%s", method, error, context)
        if self.on_api_error is not None:
            self.on_api_error(method, error or "unknown")


class NoticeBook(Protocol):
    """Where each request's "Recording ready" message lives (:class:`bot.store.RecordedFiles` fits)."""

    def notice_ts(self, request_id: str) -> str | None: ...

    def claim_notice(self, request_id: str) -> bool: ...

    def set_notice_ts(self, request_id: str, ts: str | None) -> None: ...

    def files_of(self, request_id: str) -> list[RecordedFile]: ...


#: How long a process that did not win a request's first notice waits for the winner's ts before editing it.
NOTICE_WAIT_SECONDS = 5.0


class SlackNotifier:
    """The flow's one :class:`~bot.flow.Notifier` for Slack: redraws the card in place, replies in its thread
    (mentioning the requester where :mod:`bot.slack.outcomes` says so) and — where the bot cannot reach the channel
    any more — tells the requester by DM instead, so no outcome is lost. Everything leaves through the send queue;
    "Recording ready" is posted once per request and edited as more files arrive."""

    def __init__(
        self,
        replies: SlackReplies,
        notices: NoticeBook | None = None,
        *,
        on_change: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.replies = replies
        self.notices = notices
        self.on_change = on_change  # told the requester of every outcome (the Home tab redraws)
        self._sleep = sleep
        self._told_by_dm: set[str] = set()  # requests whose card says so already (in this process)

    def notify(self, outcome: Outcome) -> None:
        stored = outcome.request
        if self.on_change is not None:
            self.on_change(stored.requester)
        if stored.state is RequestState.DONE and not outcome.files and self.notices is not None:
            outcome = replace(outcome, files=tuple(self.notices.files_of(stored.id)))  # "Finished · N files"
        self.replies.update_card(stored.card, status_card(outcome))
        if outcome.event is Event.FILE_READY and self.notices is not None and stored.card.channel:
            self._files_notice(outcome, self.notices)
            return
        reply = thread_reply(outcome)
        if reply is not None:
            person = stored.requester if stored.requester[:1] in {"U", "W"} else None
            said = partial(self._card_says_dm, outcome)
            self.replies.reply_in_thread(stored.card, reply, fallback_user=person, on_fallback=said)

    def _card_says_dm(self, outcome: Outcome) -> None:
        """Once per request: the card says that its outcomes now reach the requester by DM."""
        stored = outcome.request
        if stored.id in self._told_by_dm:
            return
        self._told_by_dm.add(stored.id)
        card = status_card(outcome)
        note = sentence("card.note.dm_fallback", stored.lang, user=mrkdwn.user(stored.requester))
        card["blocks"].append({"type": "context", "elements": [element(note)]})
        self.replies.update_card(stored.card, card)

    def _files_notice(self, outcome: Outcome, notices: NoticeBook) -> None:
        """Post "Recording ready" once per request, then edit that message as more files arrive."""
        stored, message = outcome.request, files_message(outcome)
        channel = stored.card.channel
        assert channel is not None
        ts = notices.notice_ts(stored.id)
        if ts is None and not notices.claim_notice(stored.id):
            waited = 0.0
            while ts is None and waited < NOTICE_WAIT_SECONDS:  # another thread or replica is posting it now
                self._sleep(0.2)
                waited += 0.2
                ts = notices.notice_ts(stored.id)
        if ts is not None and self.replies.edit(channel, ts, message):
            return
        posted = self.replies.post_in_thread(stored.card, message)
        notices.set_notice_ts(stored.id, posted)
        if posted is None and stored.requester[:1] in {"U", "W"}:
            self.replies.direct_message(stored.requester, message)
