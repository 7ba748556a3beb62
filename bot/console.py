"""The bot in a terminal: type a command, read the card as text, answer y/n, see the TaskId or the explained error.

The same parser, flow and card content as Slack. A provider without credentials turns the command into a dry run
that says plainly that nothing was sent. Reads commands line by line from any text stream, so tests drive it
through stdin.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.catalogue import text
from bot.config import DEFAULT_CONFIG_PATH
from bot.core.model import CancelTask, ExtendTask, Help, ListTasks, Schedule, request_to_dict
from bot.errors import BotError, ConfigError, ParseError
from bot.flow import Event, Outcome, describe
from bot.flow.background import Background
from bot.flow.card import format_day, headline, local_clock, note_params, provider_name, render_call
from bot.flow.file_facts import duration_text, file_name, format_text, size_text
from bot.flow.overlaps import overlap_line, overlaps_of
from bot.flow.series_jobs import upcoming
from bot.flow.services import Services
from bot.lifecycle import StoredRequest
from bot.provider_info import PROVIDER_KEYS
from bot.recordings import RecordedFile
from bot.store.engine import describe as describe_database
from bot.store.engine import is_sqlite

USER = "console"
QUIT = {"quit", "exit", "q", ":q", "退出"}
YES = {"y", "yes", "是", "好", "确认"}


def card_text(schedule: Schedule, *, lang: str, request_id: str | None = None) -> str:
    """The confirmation card as plain text."""
    content = describe(schedule.request, timezone=schedule.timezone, lang=lang, requester=USER, notes=schedule.notes)
    rows = [
        (text("card.field.target", lang), content.target),
        (text("card.field.provider", lang), content.provider),
        (text("card.field.window", lang), content.window),
        (text("card.field.duration", lang), content.duration),
        (text("card.field.options", lang), content.options),
        (text("card.field.sources", lang), content.sources),
    ]
    width = max(len(label) for label, value in rows if value)
    lines = [content.title, *(f"  {label + ':':<{width + 1}} {value}" for label, value in rows if value)]
    lines += [f"  * {note}" for note in content.notes]
    if schedule.series is not None:  # a series: its next three dates
        zone = ZoneInfo(schedule.timezone)
        starts = [o.start.astimezone(zone) for o in schedule.series.occurrences(limit=3)]
        lines.append(
            "  " + text("series.next", lang, dates=" · ".join(f"{format_day(s, lang)} {s:%H:%M}" for s in starts))
        )
    if request_id:
        lines.append("  " + text("card.requested_by", lang, user=USER, request=request_id))
    return "\n".join(lines)


def overlap_text(stored: StoredRequest) -> list[str]:
    """What the card says the request overlaps (each request on the stream, a series' occurrence by its day), and
    whether the provider would refuse it, as plain lines."""
    said, lang, request = overlaps_of(stored), stored.lang, stored.request
    lines = []
    for found in said.found:
        line = overlap_line(found, stored)
        window = line.window or text("card.overlap.until_cancelled", lang)
        lines.append("  ! " + text(line.key, lang, user=found.requester, target=request.target.label(), window=window,
                                   request=found.request_id, more=line.more))  # fmt: skip
    if said.cap is not None:
        lines.append("  ! " + text("card.overlap.capped", lang, provider=provider_name(request.provider, lang),
                                   cap=said.cap))  # fmt: skip
    if said.extend_id and request.window is not None:
        end = local_clock(request.window.end, stored.timezone)
        lines.append("  ! " + text("card.overlap.extend_instead", lang, request=said.extend_id, end=end))
    return lines


def file_text(file: RecordedFile, lang: str) -> str:
    """One recorded file as plain text: link (or name), duration, size, format."""
    shown = file.url or f"{file_name(file)} {text('files.no_link', lang)}"
    line = text(
        "files.line", lang, link=shown, duration=duration_text(file, lang), size=size_text(file, lang),
        format=format_text(file, lang),
    )  # fmt: skip
    return f"{line} ({text('files.needs_login', lang)})" if file.url and file.needs_login else line


class ConsoleNotifier:
    """Prints outcomes as they arrive."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._lock = threading.Lock()

    def notify(self, outcome: Outcome) -> None:
        stored, lang = outcome.request, outcome.request.lang
        if outcome.event is Event.CONFIRMED:
            line = text("card.status.submitting", lang, user=USER)
        else:
            line = f"[{stored.id}] {headline(outcome, lang)}"
            if outcome.note is not None:
                line += "\n  " + text(outcome.note.key, lang, **note_params(outcome, lang))
            elif outcome.error is not None:
                line += "\n  " + outcome.error.render(lang)
            for file in outcome.files:
                line += "\n  " + file_text(file, lang)
        with self._lock:
            print(line, file=self._out, flush=True)


class Console:
    """A read–answer loop over ``stdin``/``stdout``."""

    def __init__(
        self,
        services: Services,
        *,
        stdin: TextIO,
        stdout: TextIO,
        timezone: str | None = None,
        data_created: bool = False,
    ) -> None:
        self.services = services
        self.data_created = data_created
        self.stdin = stdin
        self.out = stdout
        self.timezone = timezone or services.config.bot.timezone
        self.flow = services.flow(ConsoleNotifier(stdout))
        self.background = Background(services, self.flow)

    def say(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def ask(self, prompt: str) -> str | None:
        print(prompt, end="", file=self.out, flush=True)
        line = self.stdin.readline()
        return None if not line else line.strip()

    def configured_providers(self) -> list[str]:
        usable = []
        for key in PROVIDER_KEYS:
            try:
                self.services.providers.get(key)
            except (ConfigError, KeyError):
                continue
            usable.append(key)
        return usable

    def first_lines(self) -> list[str]:
        """What a person needs to know before typing: the config file, the zone, the providers (live or dry run)
        and where the data lives."""
        config = self.services.config
        if config.path:
            lines = [text("ops.start.config_read", "en", path=config.path)]
        else:
            lines = [text("ops.start.config_none", "en", path=DEFAULT_CONFIG_PATH)]
        lines.append(text("ops.start.timezone", "en", zone=self.timezone))
        live = self.configured_providers()
        dry = [key for key in PROVIDER_KEYS if key not in live]
        if not live:
            lines.append(text("ops.start.providers_none", "en", dry=", ".join(dry)))
        elif dry:
            lines.append(text("ops.start.providers_mixed", "en", live=", ".join(live), dry=", ".join(dry)))
        else:
            lines.append(text("ops.start.providers_live", "en", live=", ".join(live)))
        engine = self.services.store.engine
        where = str(Path(engine.url.database or "").resolve()) if is_sqlite(engine) else describe_database(engine)
        lines.append(text("ops.start.data_created" if self.data_created else "ops.start.data", "en", where=where))
        return lines

    def run(self) -> int:
        self.say(text("console.welcome", "en"))
        for first in self.first_lines():
            self.say(first)
        self.background.start()
        try:
            while (line := self.ask("> ")) is not None:
                if line.lower() in QUIT:
                    break
                if line:
                    self.handle(line)
        finally:
            self.background.stop()
            self.flow.close()
        return 0

    def handle(self, line: str) -> None:
        lang = "en"
        try:
            command = self.services.parse(line, timezone=self.timezone, kind="record")
            lang = command.lang
            if isinstance(command, Help):
                self.say(self.services.help(command.kind, lang))
            elif isinstance(command, ListTasks):
                self.list_requests(lang)
            elif isinstance(command, CancelTask):
                self.cancel(command)
            elif isinstance(command, ExtendTask):
                self.extend(command)
            else:
                self.schedule(command, line)
        except ParseError as error:
            self.say(text("slack.not_understood", error.lang, reason=error.render(error.lang)))
        except BotError as error:
            self.say(error.render(lang))

    def schedule(self, command: Schedule, line: str) -> None:
        lang = command.lang
        request = command.request
        try:
            self.services.providers.get(request.provider)
        except ConfigError as missing:  # no credentials: show the card, then what would be sent
            self.say(card_text(command, lang=lang))
            if self.confirmed(lang):
                self.dry_run(command, reason=missing.render(lang))
            return
        if request.options.dry_run:
            self.dry_run(command)
            return
        stored = self.flow.propose(command, requester=USER, text=line)
        self.say(card_text(command, lang=lang, request_id=stored.id))
        for said in overlap_text(stored):
            self.say(said)
        if not self.confirmed(lang):
            self.flow.cancel_proposal(stored.id, user=USER)
            return
        self.flow.confirm(stored.id, user=USER)
        self.flow.drain()

    def confirmed(self, lang: str) -> bool:
        if (self.ask(text("console.confirm_prompt", lang)) or "").lower() in YES:
            return True
        self.say(text("console.not_confirmed", lang))
        return False

    def dry_run(self, command: Schedule, reason: str | None = None) -> None:
        """Show what would be sent; send nothing."""
        lang = command.lang
        if reason is not None:
            self.say(text("console.dry_run_mode", lang))
            self.say(reason)
            self.say(text("console.understood", lang))
            self.say(json.dumps(request_to_dict(command.request), indent=2, ensure_ascii=False))
            return
        self.say(text("console.nothing_sent", lang))
        for call in self.flow.plan(command.request, requester=USER):
            self.say(render_call(call))

    def list_requests(self, lang: str) -> None:
        found = self.services.store.list_requests(requester=USER, limit=20)
        if not found:
            self.say(text("slack.list.empty", lang))
        now = self.services.clock()
        for stored in found:
            task = f" · TaskId {stored.task_id}" if stored.task_id else ""
            todo = upcoming(stored, now)  # a series is one line, with its next date
            nxt = (
                f" · next {todo[0].start.astimezone(ZoneInfo(stored.timezone)):%Y-%m-%d %H:%M} ({len(todo)})"
                if todo
                else ""
            )
            self.say(f"{stored.id} · {stored.request.kind} {stored.request.target.label()} · {stored.state}{nxt}{task}")

    def extend(self, command: ExtendTask) -> None:
        """``extend <id or TaskId> <duration>``: the outcome is printed by the notifier."""
        extension = self.flow.extend(command.task, command.by, user=USER)
        stored = extension.request
        self.say(
            text("extend.started", command.lang, request=stored.id, end=local_clock(extension.new_end, stored.timezone))
        )
        self.flow.drain()

    def cancel(self, command: CancelTask) -> None:
        """``cancel <id or TaskId> [<date>]``: the outcome is printed by the notifier."""
        if command.day is not None:
            self.flow.cancel_occurrence(command.task, command.day, user=USER)
        else:
            self.flow.cancel(command.task, user=USER)
        self.flow.drain()
