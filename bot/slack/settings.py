"""Slack settings from the environment, checked at startup with every problem reported at once.

| variable | used by | meaning |
|---|---|---|
| ``SLACK_BOT_TOKEN`` | serve, socket | bot token ``xoxb-…`` |
| ``SLACK_SIGNING_SECRET`` | serve | verifies that HTTP requests come from Slack |
| ``SLACK_APP_TOKEN`` | socket | app-level token ``xapp-…`` with ``connections:write`` |
| ``SLACK_API_URL`` | serve, socket | Web API base URL (default ``https://slack.com/api/``; tests and proxies) |
| ``PORT`` / ``HOST`` | serve | where to listen (default ``3000`` on ``0.0.0.0``) |
| ``BOT_PROVIDER_WORKERS`` | all | size of the provider-call worker pool (default 16) |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.secret import Secret

Mode = Literal["serve", "socket", "console"]
DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000


@dataclass(frozen=True)
class SlackSettings:
    """What the Slack adapters need. Tokens are :class:`~bot.secret.Secret` values."""

    bot_token: Secret
    signing_secret: Secret | None = None
    app_token: Secret | None = None
    api_url: str = DEFAULT_API_URL
    host: str = "0.0.0.0"
    port: int = DEFAULT_PORT
    provider_workers: int = 16
    channel_pace: float = 1.0  # messages per second Slack takes in one channel (SLACK_CHANNEL_PACE)


def choose_mode(env: Mapping[str, str]) -> Mode:
    """``python -m bot`` without a subcommand: Socket Mode, else HTTP, else the console."""
    if env.get("SLACK_BOT_TOKEN") and env.get("SLACK_APP_TOKEN"):
        return "socket"
    if env.get("SLACK_BOT_TOKEN") and env.get("SLACK_SIGNING_SECRET"):
        return "serve"
    return "console"


def provider_workers(env: Mapping[str, str], problems: list[str]) -> int:
    raw = env.get("BOT_PROVIDER_WORKERS", "16")
    if not raw.isdigit() or not 1 <= int(raw) <= 256:
        problems.append(f"BOT_PROVIDER_WORKERS: {raw!r} must be a whole number from 1 to 256")
        return 8
    return int(raw)


def channel_pace(env: Mapping[str, str], problems: list[str]) -> float:
    raw = env.get("SLACK_CHANNEL_PACE", "1")
    try:
        pace = float(raw)
    except ValueError:
        pace = -1.0
    if not 0 < pace <= 50:
        problems.append(f"SLACK_CHANNEL_PACE: {raw!r} must be messages per second in one channel, such as 1")
        return 1.0
    return pace


def slack_problems(env: Mapping[str, str], mode: Mode) -> tuple[SlackSettings | None, list[str]]:
    """Read the Slack settings for ``mode`` (``serve`` or ``socket``); returns them and every problem found."""
    problems: list[str] = []
    bot_token = env.get("SLACK_BOT_TOKEN", "")
    if not bot_token:
        problems.append("SLACK_BOT_TOKEN: not set (the bot token, xoxb-…, from the app's OAuth & Permissions page)")
    elif not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN: must be a bot token starting with xoxb-")
    signing_secret = env.get("SLACK_SIGNING_SECRET", "")
    if mode == "serve" and not signing_secret:
        problems.append("SLACK_SIGNING_SECRET: not set (from the app's Basic Information page); needed to serve HTTP")
    app_token = env.get("SLACK_APP_TOKEN", "")
    if mode == "socket" and not app_token.startswith("xapp-"):
        problems.append(
            "SLACK_APP_TOKEN: "
            + ("must be an app-level token starting with xapp-" if app_token else "not set")
            + " (Basic Information → App-Level Tokens, scope connections:write); needed for Socket Mode"
        )
    api_url = env.get("SLACK_API_URL") or DEFAULT_API_URL
    parts = urlsplit(api_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        problems.append(f"SLACK_API_URL: {api_url!r} is not an http(s) URL such as {DEFAULT_API_URL}")
    if not api_url.endswith("/"):
        api_url += "/"
    port_text = env.get("PORT", str(DEFAULT_PORT))
    port = int(port_text) if port_text.isdigit() else -1
    if not 0 <= port <= 65535:
        problems.append(f"PORT: {port_text!r} must be a port number such as 3000")
    workers = provider_workers(env, problems)
    pace = channel_pace(env, problems)
    if problems or not bot_token:
        return None, problems
    settings = SlackSettings(
        bot_token=Secret(bot_token),
        signing_secret=Secret(signing_secret) if signing_secret else None,
        app_token=Secret(app_token) if app_token else None,
        api_url=api_url,
        host=env.get("HOST") or "0.0.0.0",
        port=port,
        provider_workers=workers,
        channel_pace=pace,
    )
    return settings, problems


def load_slack_settings(env: Mapping[str, str], mode: Mode) -> SlackSettings:
    """Like :func:`slack_problems` but raises one :class:`ConfigError` listing every problem."""
    settings, problems = slack_problems(env, mode)
    if problems or settings is None:
        raise ConfigError(problems)
    return settings
