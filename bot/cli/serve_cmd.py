"""``python -m bot serve``: answer Slack over HTTP (gunicorn) on ``$PORT`` at ``/slack/events``."""

from __future__ import annotations

import argparse

from bot.cli.base import Subcommand, no_arguments


def _run(args: argparse.Namespace) -> int:
    from bot.slack.server import serve
    from bot.slack.startup import forget_connections, start_slack

    app, bot, settings = start_slack("serve")

    def worker_started() -> None:
        forget_connections(bot.services)
        bot.background.start()

    def worker_stopping() -> None:  # finish the provider calls already queued, so no outcome is lost
        bot.background.stop()
        bot.flow.close()

    serve(
        app, host=settings.host, port=settings.port, after_fork=worker_started, before_exit=worker_stopping,
        callbacks=bot.callbacks,
    )  # fmt: skip
    return 0


COMMAND = Subcommand(
    name="serve",
    help="serve Slack over HTTP on $PORT (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)",
    configure=no_arguments,
    run=_run,
)
