"""Starting the Slack adapters: check every setting at once, then build the app."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.core import warm
from bot.errors import ConfigError
from bot.flow.services import open_services
from bot.logs import configure_logging
from bot.metrics import Metrics
from bot.slack.app import build_app
from bot.slack.context import SlackBot
from bot.slack.routes import HealthCheck
from bot.slack.settings import Mode, SlackSettings, slack_problems
from bot.store.health import store_problem


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
        with _quiet(logging.getLogger("slack_sdk.web.base_client")):  # the failure is named once, below
            app, bot = build_app(settings, services, socket_mode=mode == "socket")
    except (BoltError, SlackApiError) as exc:
        # Slack's error code (``invalid_auth``), never its raw answer: Bolt raises on auth.test's SlackApiError.
        api_error = exc if isinstance(exc, SlackApiError) else exc.__context__
        reason = api_error.response.get("error") if isinstance(api_error, SlackApiError) else type(exc).__name__
        raise ConfigError([f"SLACK_BOT_TOKEN: Slack did not accept it ({reason})"]) from exc
    except OSError as exc:  # URLError and socket errors: Slack's API could not be reached at all
        reason = getattr(exc, "reason", None) or exc.strerror or type(exc).__name__
        where = env.get("SLACK_API_URL", "").strip() or "https://slack.com/api/"
        raise ConfigError([f"SLACK_API_URL: Slack's API at {where} could not be reached ({reason})"]) from None
    return app, bot, settings


@contextlib.contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def health_checks(bot: SlackBot) -> list[tuple[str, HealthCheck]]:
    """What ``/healthz`` checks, by name: the store answers, and the scheduler completed a pass within three of its
    intervals (a platform then restarts a process whose scheduler is stuck)."""
    engine = bot.services.store.engine
    return [("store", lambda: store_problem(engine)), ("scheduler", bot.background.heartbeat_problem)]


def metrics_for(bot: SlackBot) -> Metrics:
    """The process's metrics: provider calls (every call this process makes), requests by state (read from the
    store at each scrape), how late scheduler jobs ran, and Slack API errors."""
    metrics = Metrics(count_requests=bot.services.store.count_by_state)
    metrics.watch_providers()
    bot.background.scheduler.observe_lag = metrics.scheduler_lag_seconds.observe
    bot.replies.on_api_error = lambda method, error: metrics.slack_api_errors.labels(method, error).inc()
    return metrics
