"""``python -m bot config``: check the configuration and show what was understood (secrets masked)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from bot.cli.base import Subcommand
from bot.config import load_config


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="TOML file to read (default: $BOT_CONFIG or bot.toml)")


def _jsonable(value: Any) -> Any:
    return str(value)


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print(json.dumps(asdict(config), indent=2, ensure_ascii=False, default=_jsonable))
    print("Configuration OK.")
    return 0


COMMAND = Subcommand(
    name="config",
    help="check the configuration and print what was understood (secrets masked)",
    configure=_configure,
    run=_run,
)
