"""The Bolt app: one Web API client with retry handlers, a large listener pool, and the listeners.

Nothing slow runs before an ``ack()``: provider calls go to the flow's own worker pool (see :mod:`bot.flow`), and
there is no global middleware (every middleware runs before the acknowledgement goes out).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, RetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler

from bot.flow.background import Background
from bot.flow.services import Services
from bot.permissions import Action
from bot.provider_info import PROVIDER_KEYS
from bot.slack import actions, mentions, modal, slash
from bot.slack.context import SlackBot
from bot.slack.home_tab import HomeTab, publish_pace
from bot.slack.home_tab import register as register_home
from bot.slack.replies import SlackNotifier, SlackReplies
from bot.slack.send_queue import SendQueue
from bot.slack.settings import SlackSettings
from bot.slack.users import GroupDirectory, UserDirectory

log = logging.getLogger(__name__)

LISTENER_THREADS = 32  # Bolt's default of 5 starves under load: acks wait behind listeners still running
USERS_INFO_TIMEOUT = 1  # seconds; users.info runs before the ack, which Slack wants within 3 s


def retry_handlers() -> list[RetryHandler]:
    """Connection errors, 429 (honouring ``Retry-After``) and 5xx are retried; nothing else."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def build_app(settings: SlackSettings, services: Services, *, socket_mode: bool = False) -> tuple[App, SlackBot]:
    """A Bolt app wired to ``services``. Calls ``auth.test`` (Bolt checks the token at construction).
    Starts no thread: call ``bot.background.start()`` in the process that serves."""
    token = settings.bot_token.reveal()
    handlers = retry_handlers()
    client = WebClient(token=token, base_url=settings.api_url, retry_handlers=handlers)
    quick_client = WebClient(token=token, base_url=settings.api_url, timeout=USERS_INFO_TIMEOUT)
    app = App(
        client=client,
        signing_secret=settings.signing_secret.reveal() if settings.signing_secret else "",
        request_verification_enabled=not socket_mode,
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="slack-listener"),
        logger=logging.getLogger("slack_bolt"),
    )
    # Posts leave through a queue paced per channel, which answers a 429 itself: its client does not retry one.
    posting = WebClient(
        token=token,
        base_url=settings.api_url,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), ServerErrorRetryHandler(max_retry_count=2)],
    )
    replies = SlackReplies(posting, handlers, SendQueue(per_second=settings.channel_pace))
    services.group_members = GroupDirectory(quick_client).members
    users = UserDirectory(quick_client, default_timezone=services.config.bot.timezone)
    permissions = services.permissions()
    store = services.store
    home = HomeTab(
        store, client, views=store.home, jobs=store.jobs, pace=publish_pace(store.departures), lookup=users.lookup,
        clock=services.clock, files_of=store.files.files_of_many,
        may_see_everyone=lambda user: any(permissions.allowed(user, Action.CANCEL_ANY, key) for key in PROVIDER_KEYS),
    )  # fmt: skip
    notifier = SlackNotifier(replies, store.files, on_change=home.changed)
    flow = services.flow(notifier, workers=settings.provider_workers, overlaps_after_ack=True)
    background = Background(services, flow, handlers=home.handlers(), upkeep=(home.forget_old,))
    bot = SlackBot(
        services=services, flow=flow, users=users, replies=replies, background=background, callbacks=background.desk
    )
    slash.register(app, bot)
    actions.register(app, bot)
    mentions.register(app, bot)
    modal.register(app, bot)
    register_home(app, home)
    app.error(answer_unreadable)
    return app, bot


def answer_unreadable(error: Exception, response: BoltResponse | None) -> None:
    """A listener or middleware failed before acknowledging (a payload missing fields, or of the wrong shape):
    answer a clean 400 instead of Bolt's 500, and log what failed (never the payload: it may carry secrets)."""
    log.error("could not handle a Slack request: %s", type(error).__name__, exc_info=error)
    if response is not None and response.status >= 500:
        response.status = 400
        response.body = "This request was not understood."
