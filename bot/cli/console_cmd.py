"""``python -m bot console``: the bot in a terminal (reads commands from stdin)."""

from __future__ import annotations

import argparse
import os
import sys

from bot.cli.base import Subcommand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tz", help="IANA time zone to read times in (default: [bot] timezone from the config)")


def _run(args: argparse.Namespace) -> int:
    import logging

    from bot.console import Console
    from bot.flow.services import open_services
    from bot.logs import configure_logging
    from bot.store.engine import sqlite_path

    configure_logging(level=logging.WARNING)  # only problems, scrubbed like the server's
    sqlite_file = None if os.environ.get("DATABASE_URL", "").strip() else sqlite_path(os.environ)
    existed = sqlite_file is not None and sqlite_file.exists()
    services = open_services()
    created = sqlite_file is not None and not existed
    return Console(services, stdin=sys.stdin, stdout=sys.stdout, timezone=args.tz, data_created=created).run()


COMMAND = Subcommand(
    name="console",
    help="try the bot in a terminal: type a command, see the card, confirm with y",
    configure=_configure,
    run=_run,
)
