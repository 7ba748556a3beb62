"""The floor for the acknowledgement benchmark: a Bolt app that only acks ``/record``, on the bot's own server stack.

Same server (uvicorn in front of :data:`bot.slack.server.HTTP_THREADS` worker threads), same routing and checks,
same listener pool size, same signature check; no parsing, no store, no ``users.info``. Whatever the bot's ack costs
beyond this is the bot's own work. Reads ``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET``, ``SLACK_API_URL``, ``PORT``.
"""

from __future__ import annotations

import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack.app import LISTENER_THREADS
from bot.slack.server import serve


def build() -> App:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        listener_executor=ThreadPoolExecutor(max_workers=LISTENER_THREADS),
    )

    @app.command("/record")
    def only_ack(ack: Ack, command: dict[str, Any]) -> None:
        ack(response_type="ephemeral", text="ok")

    return app


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    serve(
        build(),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "0")),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )
