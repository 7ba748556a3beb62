"""``python -m bot serve``: answer Slack over HTTP (uvicorn) on ``$PORT`` at ``/slack/events``."""

from __future__ import annotations

import argparse
import os

from bot.cli.base import Subcommand, no_arguments


def _run(args: argparse.Namespace) -> int:
    from bot.slack.server import serve
    from bot.slack.startup import health_checks, metrics_for, start_slack

    app, bot, settings = start_slack("serve")

    def worker_stopping() -> None:  # finish the provider calls already queued, so no outcome is lost
        bot.background.stop()
        bot.flow.close()
        bot.replies.queue.close()  # send what the outcomes queued

    serve(
        app,
        host=settings.host,
        port=settings.port,
        signing_secret=settings.signing_secret.reveal() if settings.signing_secret else "",
        health_checks=health_checks(bot),
        metrics=metrics_for(bot),
        metrics_token=os.environ.get("METRICS_TOKEN") or None,
        callbacks=bot.callbacks,
        after_start=bot.background.start,
        before_exit=worker_stopping,
    )
    return 0


COMMAND = Subcommand(
    name="serve",
    help="serve Slack over HTTP on $PORT (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)",
    configure=no_arguments,
    run=_run,
)
