"""``python -m bot serve``: answer Slack over HTTP (gunicorn) on ``$PORT`` at ``/slack/events``."""

from __future__ import annotations

import argparse

from bot.cli.base import Subcommand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


def _run(args: argparse.Namespace) -> int:
    from bot.slack.server import serve
    from bot.slack.startup import forget_connections, start_slack

    app, bot, settings = start_slack("serve")

    def in_worker() -> None:
        forget_connections(bot.services)
        bot.background.start()

    try:
        serve(app, host=settings.host, port=settings.port, after_fork=in_worker)
    finally:
        bot.background.stop()
        bot.flow.close()
    return 0


COMMAND = Subcommand(
    name="serve",
    help="serve Slack over HTTP on $PORT (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)",
    configure=_configure,
    run=_run,
)
