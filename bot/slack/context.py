"""What every Slack listener shares (:class:`SlackBot`), apart from the app that registers them, so listeners and
the app import it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass

from bot.callbacks.desk import CallbackDesk
from bot.flow import RequestFlow
from bot.flow.background import Background
from bot.flow.services import Services
from bot.slack.replies import SlackReplies
from bot.slack.users import UserDirectory


@dataclass
class SlackBot:
    """What the listeners share."""

    services: Services
    flow: RequestFlow
    users: UserDirectory
    replies: SlackReplies
    background: Background  # the scheduler thread: start it in the serving process, once it listens
    callbacks: CallbackDesk | None = None  # answers POST /callbacks/<provider> (HTTP mode)
