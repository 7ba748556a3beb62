"""What a file or a trouble report does to its request, whether a callback or a look-up found it: kept once,
audited with the provider's raw body, and told through the request's life (after the provider has its answer)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Protocol

from bot.callbacks.links import allowed_link, storage_link
from bot.callbacks.settings import CallbackSettings
from bot.core.model import Note
from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event, Outcome
from bot.lifecycle import AuditAction, AuditOutcome, StoredRequest
from bot.recordings import RecordedFile

log = logging.getLogger(__name__)

#: Runs a job after the current answer went out (the flow's worker pool).
Later = Callable[[Callable[[], None]], None]


class FileBook(Protocol):
    """Where files are kept (:class:`bot.store.RecordedFiles` fits)."""

    def add(self, request_id: str, file: RecordedFile) -> bool: ...

    def files_of(self, request_id: str) -> list[RecordedFile]: ...


class FileIntake:
    """Attaches files and trouble to requests."""

    def __init__(self, life: RequestLife, files: FileBook, settings: CallbackSettings, *, later: Later) -> None:
        self.life = life
        self.files = files
        self.settings = settings
        self.later = later

    def linkable(self, file: RecordedFile, storage: tuple[str, str] | None) -> RecordedFile:
        """``file`` with a link people may open: the provider's own when its host is allowed, one the configured
        storage template builds for a bucket/path answer (opening it needs a console login), else none."""
        if file.url and allowed_link(file.url, self.settings.file_url_hosts.get(file.provider, ())):
            return file
        if file.url:
            log.warning("a %s file link on a host not in [callbacks] file_url_hosts was not posted", file.provider)
            return dataclasses.replace(file, url=None)
        if storage is not None:
            built = storage_link(self.settings.storage_url_template, *storage)
            return dataclasses.replace(file, url=built, needs_login=built is not None)
        return file

    def take_file(
        self, stored: StoredRequest, file: RecordedFile, *, raw: str, source: str, storage: tuple[str, str] | None
    ) -> bool:
        """Keep a file of ``stored`` and tell people (the message lists every file so far). False: known already."""
        kept = self.linkable(file, storage)
        if not self.files.add(stored.id, kept):
            return False
        self.life.record(stored, Move(None, AuditAction.FILE, actor=source, detail=raw))
        files = tuple(self.files.files_of(stored.id))
        self.later(lambda: self.life.tell(Outcome(Event.FILE_READY, stored, files=files, actor=source)))
        return True

    def take_trouble(self, stored: StoredRequest, trouble: str, *, raw: str, source: str) -> None:
        """Tell people at once that the provider reports trouble with the recording."""
        self.life.record(stored, Move(None, AuditAction.TROUBLE, AuditOutcome.FAILED, actor=source, detail=raw))
        note = Note(f"files.trouble.{trouble}", ())
        self.later(lambda: self.life.tell(Outcome(Event.RECORDING_TROUBLE, stored, note=note, actor=source)))
