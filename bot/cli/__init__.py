"""The command line: ``python -m bot [SUBCOMMAND] …`` (also installed as ``live-record-bot``).

Each subcommand is a :class:`Subcommand` in its own module; :data:`SUBCOMMANDS` is the explicit list.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import (
    audit_cmd,
    callbacks_cmd,
    config_cmd,
    console_cmd,
    docs_cmd,
    migrate_cmd,
    parse_cmd,
    prune_cmd,
    request_cmd,
    serve_cmd,
    socket_cmd,
)
from bot.cli.base import Subcommand
from bot.errors import BotError

SUBCOMMANDS: tuple[Subcommand, ...] = (
    config_cmd.COMMAND,
    parse_cmd.COMMAND,
    request_cmd.COMMAND,
    migrate_cmd.COMMAND,
    audit_cmd.COMMAND,
    prune_cmd.COMMAND,
    serve_cmd.COMMAND,
    socket_cmd.COMMAND,
    console_cmd.COMMAND,
    callbacks_cmd.COMMAND,
    docs_cmd.COMMAND,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="live-record-bot: schedule cloud recordings and relays of live streams from chat.",
    )
    parser.add_argument("--version", action="version", version=f"live-record-bot {__version__}")
    sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    for command in SUBCOMMANDS:
        sub_parser = sub.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub_parser)
        sub_parser.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:  # no subcommand: Socket Mode, HTTP or the console, by which Slack settings are present
        from bot.slack.settings import choose_mode

        args = parser.parse_args([choose_mode(os.environ), *(argv or [])])
        run = args.run
    try:
        status: int = run(args)
    except BotError as exc:
        print(exc.render("en"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status
