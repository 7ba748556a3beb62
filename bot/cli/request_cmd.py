"""``python -m bot request TEXT``: the exact HTTP request(s) Confirm would send, signed, without sending them.

Signed with the configured credentials and the ``--now`` clock; secrets (TRRO storage keys) are masked. With
``--json`` exactly one object: ``{"ok": true, "requests": [{"provider", "action", "method", "url", "headers", "body",
"send_at"}]}`` or ``{"ok": false, "error": {"kind", "message", "hint"}}`` with exit status 2 (not understood,
provider not configured, or a provider would refuse the request).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from bot.cli.base import Subcommand, bad_clock_json, read_clock
from bot.cli.parse_cmd import error_to_json
from bot.config import Config, load_config
from bot.core import parse_command
from bot.core.model import Schedule
from bot.errors import BotError, ParseError, ValidationError
from providers.base import PlannedCall
from providers.registry import build_registry


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", metavar="TEXT", help="the command, e.g. '/record live/s1 now for 45m'")
    parser.add_argument("--tz", help="the requester's time zone (default: [bot] timezone from the configuration)")
    parser.add_argument("--now", help="the clock to read times and sign with, ISO 8601 (default: the real clock)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--config", help="TOML file to read (default: $BOT_CONFIG or bot.toml)")


def call_to_json(call: PlannedCall) -> dict[str, Any]:
    """One planned call in the ``--json`` form (``send_at`` RFC 3339, or null for "at once")."""
    return {
        "provider": call.provider,
        "action": call.action,
        "method": call.method,
        "url": call.url,
        "headers": dict(call.headers),
        "body": call.body,
        "send_at": call.send_at.isoformat() if call.send_at else None,
    }


def _failure(kind: str, error: BotError, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {"ok": False, "error": {"kind": kind, "message": error.render(lang), "hint": None}}
    if isinstance(error, ValidationError):
        data["error"]["problems"] = [problem.render(lang) for problem in error.problems]
    return data


def plan_text(text: str, *, now: datetime, tz: str, config_path: str | None = None) -> dict[str, Any]:
    """The ``--json`` object for ``text`` with the configuration at ``config_path`` (see :func:`plan`)."""
    return plan(text, now=now, tz=tz, config=load_config(config_path))


def plan(text: str, *, now: datetime, tz: str, config: Config) -> dict[str, Any]:
    """The ``--json`` object for ``text`` (never raises a :class:`BotError`; errors become ``ok: false``)."""
    lang = "en"
    try:
        command = parse_command(text, now=now, tz=tz, config=config)
        if not isinstance(command, Schedule):
            raise BotError("cli.request_needs_schedule")
        lang = command.lang
        registry = build_registry(config.providers, clock=lambda: now)
        try:
            calls = registry.get(command.request.provider).plan(command.request, now)
        finally:
            registry.close()
    except ParseError as error:
        return error_to_json(error)
    except ValidationError as error:
        return _failure("validation", error, lang)
    except BotError as error:
        return _failure(error.key, error, lang)
    return {"ok": True, "requests": [call_to_json(call) for call in calls]}


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    tz = args.tz or config.bot.timezone
    try:
        now = read_clock(args.now, tz)
    except ValueError as exc:
        data = bad_clock_json(exc)
    else:
        data = plan(" ".join(args.text), now=now, tz=tz, config=config)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    elif data["ok"]:
        for call in data["requests"]:
            print(_human_from_json(call))
    else:
        print(data["error"]["message"], file=sys.stderr)
    return 0 if data["ok"] else 2


def _human_from_json(call: dict[str, Any]) -> str:
    when = f"at {call['send_at']}" if call["send_at"] else "at once"
    headers = "\n".join(f"{name}: {value}" for name, value in call["headers"].items())
    return f"# {call['provider']} {call['action']}, sent {when}\n{call['method']} {call['url']}\n{headers}\n\n{call['body']}\n"


COMMAND = Subcommand(
    name="request",
    help="print the signed HTTP request(s) Confirm would send, without sending (--json for one object)",
    configure=_configure,
    run=_run,
)
