"""``python -m bot console``: the bot in a terminal (reads commands from stdin)."""

from __future__ import annotations

import argparse
import sys

from bot.cli.base import Subcommand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tz", help="IANA time zone to read times in (default: [bot] timezone from the config)")


def _run(args: argparse.Namespace) -> int:
    import logging

    from bot.console import Console
    from bot.flow.services import open_services
    from bot.logs import configure_logging

    configure_logging(level=logging.WARNING)  # only problems, scrubbed like the server's
    services = open_services()
    return Console(services, stdin=sys.stdin, stdout=sys.stdout, timezone=args.tz).run()


COMMAND = Subcommand(
    name="console",
    help="try the bot in a terminal: type a command, see the card, confirm with y",
    configure=_configure,
    run=_run,
)
