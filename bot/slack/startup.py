"""Starting the Slack adapters: check every setting at once, then build the app."""

from __future__ import annotations

import os
from collections.abc import Mapping

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.core import warm
from bot.errors import ConfigError
from bot.flow.services import Services, open_services
from bot.logs import configure_logging
from bot.slack.app import SlackBot, build_app
from bot.slack.settings import Mode, SlackSettings, slack_problems


def start_slack(mode: Mode, env: Mapping[str, str] | None = None) -> tuple[App, SlackBot, SlackSettings]:
    """Check the Slack settings, configuration, providers and store together (one :class:`ConfigError` listing
    every problem), then build the app, which checks the bot token with ``auth.test``."""
    env = os.environ if env is None else env
    configure_logging(env)
    warm()  # dateparser's language data, before any fork: nobody's first command waits for it
    settings, problems = slack_problems(env, mode)
    services = open_services(env, problems=problems)
    if settings is None:  # pragma: no cover - open_services raised already
        raise ConfigError(problems)
    try:
        app, bot = build_app(settings, services, socket_mode=mode == "socket")
    except (BoltError, SlackApiError) as exc:
        # Slack's error code (``invalid_auth``), never its raw answer: Bolt raises on auth.test's SlackApiError.
        api_error = exc if isinstance(exc, SlackApiError) else exc.__context__
        reason = api_error.response.get("error") if isinstance(api_error, SlackApiError) else type(exc).__name__
        raise ConfigError([f"SLACK_BOT_TOKEN: Slack did not accept it ({reason})"]) from exc
    bot.callbacks = bot.background.desk
    return app, bot, settings


def forget_connections(services: Services) -> None:
    """After a fork: drop database connections inherited from the parent (never share them across processes)."""
    engine = getattr(services.store, "engine", None)
    if engine is not None:
        engine.dispose(close=False)
