"""Following a recording to its files without (or besides) callbacks, and saying so when none came.

For each recording the provider keeps, two jobs are planned when it is scheduled:

- ``files.lookup`` shortly after the window ends, where the provider can list files (Volcengine
  ``DescribeRecordTaskFileHistory``, legacy ``Live_Tape_GetFilelist``): found files are attached like a callback's.
  Nothing found: tried again, backing off (×4), at most :data:`LOOKUP_ATTEMPTS` times — the legacy API asks for few
  calls. Calls go through the provider's client, paced by the shared limiter.
- ``files.grace`` when the grace period after the end has passed, where a callback or a look-up could have told:
  no file by then is said in the thread ("No file"), the failure producers fear most. Where neither could tell, the bot
  says nothing rather than guess.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from datetime import timedelta

from bot.callbacks.intake import FileIntake
from bot.callbacks.settings import CallbackSettings
from bot.core.model import Note
from bot.errors import BotError
from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event, Outcome
from bot.flow.ports import JobQueue, ProviderLookup
from bot.lifecycle import AuditAction, AuditOutcome, RequestState, RequestStore, StoredRequest
from bot.recordings import RecordedFile
from bot.scheduler import Due, JobHandler
from providers.files import FileLookup, FoundFile

log = logging.getLogger(__name__)
S = RequestState
LOOKUP_ATTEMPTS = 3
#: Files starting this far outside the window are another recording's.
MARGIN = timedelta(minutes=2)
#: States after which files may be looked for.
ENDED = frozenset({S.DONE, S.CANCELLED})


class FileWatch:
    """The ``files.lookup`` and ``files.grace`` jobs. ``told_by_callbacks``: providers whose callback key is set."""

    LOOKUP = "files.lookup"
    GRACE = "files.grace"

    def __init__(
        self,
        *,
        life: RequestLife,
        store: RequestStore,
        files: FileIntake,
        jobs: JobQueue,
        providers: ProviderLookup,
        settings: CallbackSettings,
        told_by_callbacks: Collection[str],
    ) -> None:
        self.life = life
        self.store = store
        self.files = files
        self.jobs = jobs
        self.providers = providers
        self.settings = settings
        self.told_by_callbacks = frozenset(told_by_callbacks)

    def handlers(self) -> dict[str, JobHandler]:
        """The job kinds this handles, for :class:`~bot.scheduler.Scheduler`."""
        return {self.LOOKUP: self.lookup, self.GRACE: self.grace}

    def _can_look_up(self, provider_key: str) -> bool:
        try:
            return isinstance(self.providers.get(provider_key), FileLookup)
        except BotError:
            return False

    def plan(self, stored: StoredRequest) -> None:
        """Plan the look-up and the grace check of a recording that has just been scheduled."""
        window, provider = stored.request.window, stored.request.provider
        if window is None or stored.request.kind != "record":
            return
        lookup = self._can_look_up(provider)
        if lookup:
            due = window.end + timedelta(minutes=self.settings.lookup_after_minutes)
            self.jobs.schedule(key=f"{stored.id}:files.lookup:1", kind=self.LOOKUP, due_at=due, request_id=stored.id,
                               payload={"attempt": 1})  # fmt: skip
        if lookup or provider in self.told_by_callbacks:
            due = window.end + timedelta(minutes=self.settings.grace_minutes)
            self.jobs.schedule(key=f"{stored.id}:files.grace", kind=self.GRACE, due_at=due, request_id=stored.id)

    def lookup(self, due: Due) -> None:
        """Look the ended recording's files up; attach what is new; back off and try again when none is there."""
        stored = self._ended(due)
        window = stored.request.window if stored is not None else None
        if stored is None or window is None:
            return
        provider = self.providers.get(stored.request.provider)
        if not isinstance(provider, FileLookup):
            return
        try:
            found = provider.recorded_files(stored.request, window.start - MARGIN, max(due.now, window.end + MARGIN))
        except BotError as error:
            if not due.final_attempt:
                raise
            log.warning("request %s: the file look-up failed: %s", stored.id, type(error).__name__)
            return
        inside = [
            f for f in found if f.started_at is None or window.start - MARGIN <= f.started_at <= window.end + MARGIN
        ]
        source = f"lookup:{stored.request.provider}"
        for item in inside:
            storage = (item.bucket or "", item.path) if item.path and not item.url else None
            self.files.take_file(stored, _recorded(stored.request.provider, item), raw=_raw(item), source=source,
                                 storage=storage)  # fmt: skip
        attempt = int(due.job.payload.get("attempt", 1))
        if not inside and attempt < LOOKUP_ATTEMPTS:
            wait = timedelta(minutes=self.settings.lookup_after_minutes * 4**attempt)
            self.jobs.schedule(key=f"{stored.id}:files.lookup:{attempt + 1}", kind=self.LOOKUP,
                               due_at=due.now + wait, request_id=stored.id, payload={"attempt": attempt + 1})  # fmt: skip

    def grace(self, due: Due) -> None:
        """The grace period after the end passed: no file at all is said in the thread."""
        stored = self._ended(due)
        if stored is None or stored.state is not S.DONE:
            return
        if self.files.files.files_of(stored.id):
            return
        minutes = f"{self.settings.grace_minutes:g}"
        self.life.record(stored, Move(None, AuditAction.NO_FILE, AuditOutcome.FAILED, actor="scheduler"))
        self.life.tell(Outcome(Event.NO_FILE, stored, note=Note("files.none", (("minutes", minutes),))))

    def _ended(self, due: Due) -> StoredRequest | None:
        if due.job.request_id is None or due.missed:
            return None
        stored = self.store.get(due.job.request_id)
        return stored if stored is not None and stored.state in ENDED else None


def _recorded(provider: str, item: FoundFile) -> RecordedFile:
    return RecordedFile(
        key=item.key, provider=provider, url=item.url, started_at=item.started_at, ended_at=item.ended_at,
        duration_seconds=item.duration_seconds, size_bytes=item.size_bytes, format=item.format,
    )  # fmt: skip


def _raw(item: FoundFile) -> str:
    """What the look-up said, for the audit log."""
    fields = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(item).items() if v is not None}
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)
