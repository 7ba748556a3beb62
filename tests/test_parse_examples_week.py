"""The commands people are shown — the manifest's slash-command usage hints and every example in help — parse on
every day of a week, at any hour, in chat (series not allowed) as the Slack adapter reads them."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.config import Config
from bot.core import parse_command
from bot.core.commands import examples
from bot.core.model import Schedule

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("Asia/Shanghai", "America/New_York")
MONDAY = datetime(2026, 12, 7)
CLOCKS = [MONDAY + timedelta(days=day, hours=hour, minutes=30) for day in range(7) for hour in (0, 8, 12, 17, 23)]


def _manifest_hints() -> list[str]:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    commands = []
    for slash in manifest["features"]["slash_commands"]:
        for hint in slash["usage_hint"].split(" | "):
            commands.append(f"{slash['command']} {hint.replace('<id>', 'rk4q2mz')}")
    return commands


def _help_examples() -> list[str]:
    return [example for kind in ("record", "relay") for lang in ("en", "zh-CN") for example in examples(kind, lang)]


SHOWN = [*_manifest_hints(), *_help_examples()]


def test_the_manifest_hints_and_help_examples_are_all_here() -> None:
    assert "/relay live/stream-123 from rtmp://src.example.com/live/x mon 09:00 to fri 18:00 on volc" in SHOWN
    assert "/record cancel rk4q2mz" in SHOWN
    assert len(SHOWN) >= 16


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("command", SHOWN)
def test_every_command_shown_to_people_parses_on_every_day_of_a_week(command: str, zone: str) -> None:
    for clock in CLOCKS:
        now = clock.replace(tzinfo=ZoneInfo(zone))
        parse_command(command, now=now, tz=zone, config=Config())  # raises ParseError if not understood


@pytest.mark.parametrize("clock", CLOCKS, ids=lambda c: c.strftime("%a %H:%M"))
def test_the_relay_week_is_always_a_monday_to_the_friday_after_it(clock: datetime) -> None:
    hint = next(c for c in SHOWN if "mon 09:00 to fri 18:00" in c)
    now = clock.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    command = parse_command(hint, now=now, tz="Asia/Shanghai", config=Config())
    assert isinstance(command, Schedule)
    window = command.request.window
    assert window is not None
    assert window.start.weekday() == 0
    assert (window.start.hour, window.start.minute) == (9, 0)
    assert window.end - window.start == timedelta(days=4, hours=9)
    assert now <= window.start < now + timedelta(days=7)
