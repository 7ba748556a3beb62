"""``python -m bot parse TEXT``: show how the bot understands a command (also for the support team's batch checks).

``--json`` prints exactly one object; ``--stdin`` reads one command per line and prints JSON Lines. Exit status 2
when a command (any line, with ``--stdin``) was not understood.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from bot.cli.base import Subcommand, bad_clock_json, read_clock
from bot.config import Config, load_config
from bot.core import help_text, parse_command
from bot.core.model import (
    CancelTask,
    Command,
    ExtendTask,
    Help,
    ListTasks,
    Schedule,
    options_to_dict,
    target_to_dict,
)
from bot.errors import ParseError

OCCURRENCES_SHOWN = 5


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="*", metavar="TEXT", help="the command, e.g. '/record live/s1 now for 45m'")
    parser.add_argument("--tz", help="the requester's time zone (default: [bot] timezone from the configuration)")
    parser.add_argument("--now", help="the clock to read times against, ISO 8601 (default: the real clock)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--stdin", action="store_true", help="read one command per line; print JSON Lines")
    parser.add_argument("--config", help="TOML file to read (default: $BOT_CONFIG or bot.toml)")


def command_to_json(command: Command) -> dict[str, Any]:
    """The ``--json`` form of an understood command."""
    if isinstance(command, Schedule):
        request = command.request
        window = request.window
        return {
            "ok": True,
            "command": request.kind,
            "provider": request.provider,
            "target": target_to_dict(request.target),
            "start": window.start.isoformat() if window else None,
            "end": window.end.isoformat() if window else None,
            "starts_now": window.starts_now if window else False,
            "timezone": command.timezone,
            "sources": list(request.sources),
            "options": options_to_dict(request.options),
            "notes": [note.render(command.lang) for note in command.notes],
            "lang": command.lang,
            **_series_json(command),
        }
    if isinstance(command, Help):
        return {"ok": True, "command": "help", "kind": command.kind, "lang": command.lang}
    if isinstance(command, ListTasks):
        return {"ok": True, "command": "list", "kind": command.kind, "mine": command.mine, "lang": command.lang}
    if isinstance(command, ExtendTask):
        minutes = int(command.by.total_seconds() // 60)
        return {"ok": True, "command": "extend", "kind": command.kind, "task": command.task, "minutes": minutes,
                "lang": command.lang}  # fmt: skip
    assert isinstance(command, CancelTask)
    return {"ok": True, "command": "cancel", "kind": command.kind, "task": command.task, "lang": command.lang}


def _series_json(command: Schedule) -> dict[str, Any]:
    """For a repeating schedule: its rule and zone, and its first five occurrences (nothing for a single window)."""
    series = command.series
    if series is None:
        return {}
    return {
        "repeat": {"rrule": series.rrule, "timezone": series.timezone},
        "occurrences": [
            {"start": occurrence.start.isoformat(), "end": occurrence.end.isoformat()}
            for occurrence in series.occurrences(limit=OCCURRENCES_SHOWN)
        ],
    }


def error_to_json(error: ParseError) -> dict[str, Any]:
    """The ``--json`` form of a command that was not understood (in the language it was written in)."""
    return {
        "ok": False,
        "error": {"kind": error.key, "message": error.message(error.lang), "hint": error.hint(error.lang)},
    }


def _human(command: Command) -> str:
    if isinstance(command, Help):
        return help_text(command.kind, command.lang)
    data = command_to_json(command)
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in data.items() if key != "ok"]
    return "\n".join(lines)


def _one(text: str, now: datetime, tz: str, config: Config) -> tuple[dict[str, Any], Command | None, ParseError | None]:
    try:
        command = parse_command(text, now=now, tz=tz, config=config, allow_series=True)
    except ParseError as error:
        return error_to_json(error), None, error
    return command_to_json(command), command, None


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    tz = args.tz or config.bot.timezone
    try:
        now = read_clock(args.now, tz)
    except ValueError as exc:
        failure = bad_clock_json(exc)
        if args.json or args.stdin:
            print(json.dumps(failure))
        else:
            print(failure["error"]["message"], file=sys.stderr)
        return 2
    if args.stdin:
        status = 0
        for line in sys.stdin:
            if not line.strip():
                continue
            data, _, error = _one(line.rstrip("\n"), now, tz, config)
            status = 2 if error else status
            print(json.dumps(data, ensure_ascii=False), flush=True)
        return status
    if not args.text:
        print("parse: give the command TEXT or --stdin", file=sys.stderr)
        return 2
    data, command, error = _one(" ".join(args.text), now, tz, config)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    elif error is not None:
        print(error.render(error.lang), file=sys.stderr)
    elif command is not None:
        print(_human(command))
    return 2 if error else 0


COMMAND = Subcommand(
    name="parse",
    help="show how a command is understood (--json for one object, --stdin for JSON Lines)",
    configure=_configure,
    run=_run,
)
