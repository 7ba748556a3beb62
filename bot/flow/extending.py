"""Extend: a scheduled or running window ends later (``+15 min``, ``/record extend rk4q2mz 45m``, ``延长 …``).

No provider can change a created recording's end, so an extension is a follow-on task on the same stream from the
current end to the new one (contiguous to the second, never overlapping), owned by the same request. Where the
provider holds one task per stream at a time (Volcengine) and the current task is recording, the provider would
refuse a second one now: the bot creates the follow-on when the current one ends (a durable ``extend.follow_on`` job,
a start the bot keeps, as for TRRO). A Volcengine relay
is changed in place (``UpdateRelaySourceV4``); a window the bot keeps itself (trro) only moves its stop job.

Two steps: :meth:`Extender.claim` (quick, on the caller's thread) checks the request and the provider's limits and
moves the stored window's end with one conditional update on the old end — so two people extending at once get two
extensions one after the other; :meth:`Extender.carry_out` (on the flow's worker pool) makes the provider call and
records the follow-on task with one :meth:`~bot.flow.life.RequestLife.move`. A refused call moves the end back.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.core.model import Note, TaskRequest, Window
from bot.errors import BotError, OutcomeUnknown, RequestStateError
from bot.flow.card import local_clock
from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event
from bot.flow.ports import JobQueue, ProviderLookup
from bot.lifecycle import (
    ACTIVE_STATES,
    AuditAction,
    AuditOutcome,
    NewTask,
    RequestStore,
    StoredRequest,
)
from bot.scheduler import Due, JobHandler
from providers.base import Provider, TaskResult

log = logging.getLogger(__name__)

#: A claim that loses to a concurrent extension (or a state change) reads the request again this often.
CLAIM_ATTEMPTS = 5
#: Jobs that fall due at the window's end, and jobs that may run until it (see :class:`bot.flow.windows.WindowJobs`).
END_JOBS = ("window.end", "window.stop")
UNTIL_END_JOBS = ("window.begin", "window.start")
#: The job that creates a follow-on at the current end (one task per stream at a time, the current one recording).
FOLLOW_ON_JOB = "extend.follow_on"
#: A window starting this soon counts as recording already: a follow-on created now might reach the provider after.
ABOUT_TO_START = timedelta(minutes=1)


class ExtendMode(enum.StrEnum):
    """How an extension is carried out."""

    FOLLOW_ON = "follow_on"  # a new provider task from the old end to the new
    IN_PLACE = "in_place"  # the provider changes the task's end (a Volcengine relay)
    BOT_KEPT = "bot_kept"  # the bot keeps the window (trro): only its stop job moves
    AT_END = "at_end"  # one task per stream at a time, the current one recording: the follow-on comes at its end


@dataclass(frozen=True)
class Extension:
    """A claimed extension: the stored window already ends at ``new_end``; the provider call is still to come."""

    request: StoredRequest
    old_end: datetime
    new_end: datetime
    mode: ExtendMode
    user: str


def follow_on(request: TaskRequest, old_end: datetime, new_end: datetime) -> TaskRequest:
    """The follow-on task's request: the same stream and options, from ``old_end`` to ``new_end``."""
    return replace(request, window=Window(start=old_end, end=new_end))


class Extender:
    """Claims and carries out extensions of scheduled and running windows."""

    def __init__(
        self,
        life: RequestLife,
        store: RequestStore,
        providers: ProviderLookup,
        *,
        clock: Callable[[], datetime],
        jobs: JobQueue | None,
    ) -> None:
        self.life = life
        self.store = store
        self.providers = providers
        self.clock = clock
        self.jobs = jobs

    def claim(self, stored: StoredRequest, by: timedelta, *, user: str) -> Extension:
        """Check the request and the provider's limits, then move the stored end by ``by`` (one conditional update on
        the old end). Raises :class:`~bot.errors.RequestStateError` or :class:`~bot.errors.ValidationError`."""
        for _ in range(CLAIM_ATTEMPTS):
            window = self._extendable(stored)
            old_end, new_end = window.end, window.end + by
            provider = self.providers.get(stored.request.provider)
            mode = self._mode(provider, stored, self.clock())
            extended = replace(stored.request, window=replace(window, end=new_end))
            new_task = mode in (ExtendMode.FOLLOW_ON, ExtendMode.AT_END)
            checked = follow_on(stored.request, old_end, new_end) if new_task else extended
            provider.validate(checked, self.clock())
            hop = Move(event=None, action=None, actor=user)  # audited by the move that records the outcome
            claimed = self.life.move(
                stored.id, from_states={stored.state}, to=stored.state, why=hop, request=extended,
                window_end_was=old_end,
            )  # fmt: skip
            if claimed is not None:
                self._follow_end(stored.id)
                return Extension(claimed, old_end, new_end, mode, user)
            again = self.store.get(stored.id)
            if again is None:
                raise RequestStateError("flow.unknown_request", request=stored.id)
            stored = again
        raise RequestStateError("extend.busy", request=stored.id)

    def carry_out(self, extension: Extension) -> None:
        """Make the provider call the claimed extension needs and tell people (run off the caller's thread)."""
        stored = extension.request
        provider = self.providers.get(stored.request.provider)
        result: TaskResult | None = None
        task: NewTask | None = None
        try:
            if extension.mode is ExtendMode.FOLLOW_ON:
                result = provider.create(follow_on(stored.request, extension.old_end, extension.new_end))
                task = NewTask(result.task_id, result.request_id, extension.old_end, extension.new_end)
            elif extension.mode is ExtendMode.IN_PLACE:
                result = self._update_in_place(provider, stored)
            elif extension.mode is ExtendMode.AT_END:
                self._follow_on_at_end(extension)
        except BotError as error:
            self._failed(extension, error)
            return
        except Exception as exc:  # a bug after (possibly) sending: the follow-on may or may not exist
            log.error("extending request %s crashed: %s", stored.id, type(exc).__name__)
            self._failed(extension, OutcomeUnknown.crashed(stored.request.provider, exc))
            return
        self._record(extension, provider, result, task)

    # --- steps ----------------------------------------------------------------------------------------------------

    def _extendable(self, stored: StoredRequest) -> Window:
        if stored.state not in ACTIVE_STATES:
            raise RequestStateError("extend.not_active", request=stored.id, state=stored.state.value)
        window = stored.request.window
        if "series" in stored.extra:
            raise RequestStateError("series.cannot_extend", request=stored.id)
        if window is None:
            raise RequestStateError("extend.permanent", request=stored.id)
        if window.end <= self.clock():
            raise RequestStateError("extend.ended", request=stored.id, end=local_clock(window.end, stored.timezone))
        return window

    @staticmethod
    def _mode(provider: Provider, stored: StoredRequest, now: datetime) -> ExtendMode:
        if stored.task_id and provider.can_extend_in_place(stored.request):
            return ExtendMode.IN_PLACE
        if not provider.keeps_window:
            return ExtendMode.BOT_KEPT
        window = stored.request.window
        recording = window is not None and window.start <= now + ABOUT_TO_START
        if recording and provider.tasks_per_stream(stored.request) == 1:
            return ExtendMode.AT_END
        return ExtendMode.FOLLOW_ON

    def _follow_on_at_end(self, extension: Extension) -> None:
        """Plan the follow-on's creation at the current end (the provider refuses a second task until then)."""
        if self.jobs is None:
            raise RuntimeError("extending at the end needs the scheduler's job queue")
        stored = extension.request
        self.jobs.schedule(
            key=f"{stored.id}:follow_on:{extension.old_end.isoformat()}", kind=FOLLOW_ON_JOB, request_id=stored.id,
            due_at=extension.old_end, deadline_at=extension.new_end,
            payload={"start": extension.old_end.isoformat(), "end": extension.new_end.isoformat(),
                     "user": extension.user},
        )  # fmt: skip

    def handlers(self) -> dict[str, JobHandler]:
        """The job kinds this handles, for :class:`~bot.scheduler.Scheduler`."""
        return {FOLLOW_ON_JOB: self.follow_on_due}

    def follow_on_due(self, due: Due) -> None:
        """The current task ended: create the follow-on a person asked for (once), or say why there is none."""
        stored = self.store.get(due.job.request_id) if due.job.request_id else None
        if stored is None or stored.state not in ACTIVE_STATES:
            return  # cancelled or settled meanwhile
        start = datetime.fromisoformat(str(due.job.payload["start"]))
        end = datetime.fromisoformat(str(due.job.payload["end"]))
        if any(t.window_start == start for t in self.store.tasks_of(stored.id)):
            return  # created already (a job run twice after a lost lease)
        extension = Extension(stored, start, end, ExtendMode.AT_END, str(due.job.payload["user"]))
        provider = self.providers.get(stored.request.provider)
        if due.missed:
            missed = BotError("extend.follow_on_missed", provider=provider.key)
            self._failed(extension, missed)
            return
        try:
            result = provider.create(follow_on(stored.request, start, end))
        except BotError as error:
            self._failed(extension, error)
            return
        except Exception as exc:  # a bug after (possibly) sending: the follow-on may or may not exist
            log.error("creating the follow-on of request %s crashed: %s", stored.id, type(exc).__name__)
            self._failed(extension, OutcomeUnknown.crashed(stored.request.provider, exc))
            return
        self._record(extension, provider, result, NewTask(result.task_id, result.request_id, start, end),
                     note_key="thread.follow_on_created")  # fmt: skip

    def _update_in_place(self, provider: Provider, stored: StoredRequest) -> TaskResult:
        """Send the latest stored end until it no longer changes meanwhile (two extensions at once: the last
        update sent carries the later end)."""
        sent: datetime | None = None
        result: TaskResult | None = None
        for _ in range(CLAIM_ATTEMPTS):
            current = self.store.get(stored.id) or stored
            window = current.request.window
            if window is None or window.end == sent:
                break
            result = provider.extend_in_place(current.request, current.task_id or "")
            sent = window.end
        assert result is not None
        return result

    def _record(
        self, extension: Extension, provider: Provider, result: TaskResult | None, task: NewTask | None,
        *, note_key: str | None = None,
    ) -> None:  # fmt: skip
        stored = extension.request
        note = self._note(extension, result, note_key)
        why = Move(Event.EXTENDED, AuditAction.EXTEND, actor=extension.user, result=result, note=note,
                   detail=f"{extension.mode}: to {extension.new_end.isoformat()}")  # fmt: skip
        changes: dict[str, Any] = {"task": task} if task is not None else {}
        moved = self.life.move_in_place(stored.id, why, extra_of=lambda s: {**s.extra, "extended_by": extension.user},
                                    **changes)  # fmt: skip
        if moved is None and task is not None:
            # Cancelled or ended while the follow-on was being created: it must not record on its own.
            log.warning("request %s moved on while its follow-on %s was created: stopping it", stored.id, task.task_id)
            try:
                provider.cancel(follow_on(stored.request, extension.old_end, extension.new_end), task.task_id)
            except BotError as error:
                log.error("request %s: stopping the orphan follow-on failed: %s", stored.id, type(error).__name__)

    def _failed(self, extension: Extension, error: BotError) -> None:
        stored = extension.request
        unclear = isinstance(error, OutcomeUnknown)
        if not unclear:  # the provider refused: the window ends where it did (unless extended again meanwhile)
            window = stored.request.window
            assert window is not None
            back = replace(stored.request, window=replace(window, end=extension.old_end))
            hop = Move(event=None, action=None, actor=extension.user)
            restored = self.life.move_in_place(stored.id, hop, request=back, window_end_was=extension.new_end)
            if restored is not None:
                self._follow_end(stored.id)
                stored = restored
        key = "thread.extend_unclear" if unclear else "thread.extend_failed"
        note = Note(key, (("end", local_clock(extension.new_end, stored.timezone)),
                          ("old_end", local_clock(extension.old_end, stored.timezone))))  # fmt: skip
        outcome = AuditOutcome.UNKNOWN if unclear else AuditOutcome.FAILED
        code = getattr(error, "code", type(error).__name__)
        why = Move(Event.EXTEND_FAILED, AuditAction.EXTEND, outcome, actor=extension.user, error=error, note=note,
                   detail=str(code))  # fmt: skip
        self.life.say(stored, why)

    def _note(self, extension: Extension, result: TaskResult | None, key: str | None = None) -> Note:
        zone = extension.request.timezone
        params: tuple[tuple[str, str], ...] = (
            ("end", local_clock(extension.new_end, zone)),
            ("start", local_clock(extension.old_end, zone)),
        )
        if result is not None and result.task_id:
            params += (("task_id", result.task_id),)
        return Note(key or f"thread.extended.{extension.mode}", params)

    def _follow_end(self, request_id: str) -> None:
        if self.jobs is not None:
            self.jobs.follow_window_end(request_id, due=END_JOBS, deadline=UNTIL_END_JOBS)
