"""``python -m bot socket``: answer Slack over Socket Mode (no public URL; needs SLACK_APP_TOKEN)."""

from __future__ import annotations

import argparse

from bot.cli.base import Subcommand, no_arguments

#: slack_sdk's built-in client notices a cut connection only when its pings fail (five in a row) or go unanswered
#: (four intervals): with Bolt's default of 10 s that is 40-60 s without events; at 2 s it reconnects within ~10 s.
PING_SECONDS = 2.0


def _run(args: argparse.Namespace) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from bot.errors import ConfigError
    from bot.slack.startup import start_slack

    app, bot, settings = start_slack("socket")
    assert settings.app_token is not None
    bot.background.start()
    try:
        handler = SocketModeHandler(app, settings.app_token.reveal(), web_client=app.client, ping_interval=PING_SECONDS)
        handler.start()  # type: ignore[no-untyped-call]
    except SlackApiError as exc:
        error = exc.response.get("error", "error")
        raise ConfigError([f"SLACK_APP_TOKEN: Slack refused to open a Socket Mode connection ({error})"]) from None
    finally:
        bot.background.stop()
        bot.flow.close()
        bot.replies.queue.close()  # send what the outcomes queued
    return 0


COMMAND = Subcommand(
    name="socket",
    help="connect to Slack over Socket Mode (needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN)",
    configure=no_arguments,
    run=_run,
)
