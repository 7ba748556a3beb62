"""What a command-line subcommand is, and the ``--tz``/``--now`` reading that ``parse`` and ``request`` share."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.core.zones import zone_for_name


@dataclass(frozen=True)
class Subcommand:
    """One ``python -m bot NAME`` subcommand: how to set up its arguments and how to run it."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``configure`` of a subcommand that takes no arguments of its own."""


def read_clock(now: str | None, tz: str) -> datetime:
    """The ``--now`` instant (read in ``tz`` when it has no offset), else the real clock.

    Raises ``ValueError`` when ``tz`` is not a known zone or ``now`` is not ISO 8601.
    """
    zone = zone_for_name(tz)
    if not now:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(now)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def bad_clock_json(error: ValueError) -> dict[str, Any]:
    """The ``--json`` object for a ``--tz``/``--now`` that :func:`read_clock` refused."""
    return {"ok": False, "error": {"kind": "cli.bad_argument", "message": f"--tz/--now: {error}", "hint": None}}
