"""Series on a provider that cannot hold a task ahead of its window (trro): the bot keeps each occurrence's window
itself, as it does for a single bot-kept window (:class:`~bot.flow.windows.WindowJobs`).

Each occurrence has two durable jobs, planned at Confirm: ``series.start`` at its start creates the provider task
(punctually: it is an early kind, see :data:`bot.scheduler.EARLY_KINDS`), and ``series.stop`` at its end deletes it
and marks it ended — so a restart in the middle of an occurrence still stops it at its end. A start whose occurrence
already ended (the bot was down) is said as missed. The stop of the last occurrence settles the series. Every step is
said in the series card's thread; the requester is mentioned only on failures.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.core.model import Note, TaskRequest, Window
from bot.core.series import Occurrence
from bot.errors import BotError, OutcomeUnknown, ProviderError, RequestStateError, Retry
from bot.flow.card import format_window, late_minutes
from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event
from bot.flow.ports import JobQueue, ProviderLookup
from bot.flow.stopping import TASK_GONE_CODES
from bot.lifecycle import (
    ACTIVE_STATES,
    AuditAction,
    AuditOutcome,
    NewTask,
    ProviderTask,
    RequestState,
    RequestStore,
    StoredRequest,
    TaskState,
)
from bot.scheduler import Due, JobHandler

log = logging.getLogger(__name__)

START = "series.start"  # an occurrence's start: the bot creates its task
STOP = "series.stop"  # an occurrence's end: the bot deletes its task (the last one also settles the series)
SCHEDULER = "scheduler"
#: A move that keeps the series' state is tried again this often when another change comes first.
MOVE_ATTEMPTS = 3


def skipped_days(stored: StoredRequest) -> frozenset[str]:
    """The days (ISO dates) whose occurrence was cancelled on its own."""
    return frozenset(str(day) for day in stored.extra.get("skipped", ()))


def say_trouble(life: RequestLife, stored: StoredRequest, event: Event, note: Note, error: BotError | None) -> None:
    """Audit and tell an occurrence that was missed or failed (the series goes on)."""
    outcome = AuditOutcome.MISSED if event is Event.OCCURRENCE_MISSED else AuditOutcome.FAILED
    action = AuditAction.MISSED if event is Event.OCCURRENCE_MISSED else AuditAction.CREATE
    life.say(stored, Move(event, action, outcome, actor=SCHEDULER, error=error, note=note, detail=note.key))


#: How long an occurrence's job waits for its series' plan to be written (seconds per look, looks).
PLAN_WAIT_STEP, PLAN_WAIT_STEPS = 0.05, 100


def planned(store: RequestStore, request_id: str, sleep: Callable[[float], None]) -> StoredRequest | None:
    """The series once its plan is written: an occurrence's job due at once may be claimed (by any replica) while the
    plan is still being written, just before the series leaves ``submitting``. Raises (the job is retried) when it
    stays there."""
    for _ in range(PLAN_WAIT_STEPS):
        stored = store.get(request_id)
        if stored is None or stored.state is not RequestState.SUBMITTING:
            return stored
        sleep(PLAN_WAIT_STEP)
    raise RequestStateError("series.still_planning", request=request_id)


def interrupted(due: Due) -> bool:
    """Whether this job's previous run stopped half-way (its worker died: claimed again with no error of its own), so
    its provider call may have been made."""
    return due.job.attempts > 1 and due.job.last_error is None


def say_unsure(life: RequestLife, stored: StoredRequest, when: str) -> None:
    """Audit and tell (mentioning the requester) that an occurrence is started again after an interrupted start whose
    task the provider cannot be asked about: a second one may be running, and a person must check."""
    note = Note("series.thread.start_interrupted", (("when", when),))
    life.say(stored, Move(Event.OCCURRENCE_FAILED, AuditAction.CREATE, AuditOutcome.UNKNOWN, actor=SCHEDULER, note=note,
                          detail=note.key))  # fmt: skip


class KeptOccurrences:
    """Plans, starts and stops the occurrences of series whose provider does not keep windows."""

    #: Kinds whose provider calls leave early when many share a due time (a start must never be late).
    EARLY = frozenset({START})

    def __init__(
        self,
        life: RequestLife,
        store: RequestStore,
        jobs: JobQueue,
        providers: ProviderLookup,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.life = life
        self.store = store
        self.jobs = jobs
        self.providers = providers
        self.sleep = sleep

    def handlers(self) -> dict[str, JobHandler]:
        """The job kinds this handles, for :class:`~bot.scheduler.Scheduler`."""
        return {START: self.start, STOP: self.stop}

    def plan(self, stored: StoredRequest, occurrences: Sequence[Occurrence]) -> None:
        """A start job and a stop job per occurrence (the last stop also settles the series)."""
        last = occurrences[-1]
        for occurrence in occurrences:
            day = occurrence.start.date().isoformat()
            window = {"start": occurrence.start.isoformat(), "end": occurrence.end.isoformat()}
            self.jobs.schedule(key=f"{stored.id}:start:{day}", kind=START, due_at=occurrence.start,
                               deadline_at=occurrence.end, request_id=stored.id, payload=window)  # fmt: skip
            self.jobs.schedule(key=f"{stored.id}:stop:{day}", kind=STOP, due_at=occurrence.end, request_id=stored.id,
                               payload={**window, "last": occurrence is last})  # fmt: skip

    # --- at an occurrence's start ---------------------------------------------------------------------------------

    def start(self, due: Due) -> None:
        """Create the occurrence's task (late if need be, saying so), or say it was missed."""
        stored = planned(self.store, due.job.request_id, self.sleep) if due.job.request_id else None
        if stored is None or stored.state not in ACTIVE_STATES:
            return  # cancelled, or settled
        window = _window(due)
        if window.start.date().isoformat() in skipped_days(stored):
            return
        if any(t.window_start == window.start for t in self.store.tasks_of(stored.id)):
            return  # started already (a job run twice after a lost lease)
        when = format_window(window, stored.timezone, stored.lang)
        if due.missed:
            missed = Note("series.thread.missed_start", (("when", when),))
            say_trouble(self.life, stored, Event.OCCURRENCE_MISSED, missed, None)
            return
        occurrence = replace(stored.request, window=window)
        provider = self.providers.get(stored.request.provider)
        if interrupted(due) and not provider.can_look_up:  # the task may exist already and cannot be asked about
            say_unsure(self.life, stored, when)
        failed = Note("series.thread.start_failed", (("when", when),))
        try:
            result = provider.create(occurrence)
        except BotError as error:
            say_trouble(self.life, stored, Event.OCCURRENCE_FAILED, failed, error)
            return
        except Exception as exc:  # only the type: the text may be the provider's, or its URL
            log.error("starting an occurrence of series %s crashed: %s", stored.id, type(exc).__name__)
            crash = OutcomeUnknown.crashed(stored.request.provider, exc)
            say_trouble(self.life, stored, Event.OCCURRENCE_FAILED, failed, crash)
            return
        params: tuple[tuple[str, str], ...] = (("when", when), ("task_id", result.task_id))
        key = "series.thread.started"
        if due.late_by is not None:
            key, params = "series.thread.started_late", (*params, ("minutes", late_minutes(due.late_by)))
        why = Move(Event.OCCURRENCE_STARTED, AuditAction.START, actor=SCHEDULER, result=result, note=Note(key, params),
                   detail=f"occurrence {window.start.isoformat()}")  # fmt: skip
        task = NewTask(result.task_id, result.request_id, window.start, window.end)
        if self.life.move_in_place(stored.id, why, attempts=MOVE_ATTEMPTS, task=task) is None:
            # Cancelled while the task was being created: nobody else knows of it, so it must not run on.
            log.warning("series %s moved on while occurrence task %s started: deleting it", stored.id, result.task_id)
            try:
                provider.cancel(occurrence, result.task_id)
            except BotError as error:
                log.error("series %s: deleting the orphan task failed: %s", stored.id, type(error).__name__)

    # --- at an occurrence's end -----------------------------------------------------------------------------------

    def stop(self, due: Due) -> None:
        """Delete the occurrence's task if it still runs and mark it ended; the last occurrence settles the series.
        A refusal that is safe to repeat is retried (raised) until the last attempt."""
        stored = self._series(due)
        if stored is None:
            return
        window = _window(due)
        active = (t for t in self.store.tasks_of(stored.id) if t.state is TaskState.ACTIVE)
        task = next((t for t in active if t.window_start == window.start), None)
        if task is not None and stored.state in ACTIVE_STATES:  # (a cancel under way stops it itself)
            self._stop_task(stored, task, window, due)
        if due.job.payload.get("last") is True:
            why = Move(Event.FINISHED, AuditAction.FINISH, actor=SCHEDULER)
            self.life.move(stored.id, from_states={RequestState.SCHEDULED, RequestState.RUNNING},
                           to=RequestState.DONE, why=why)  # fmt: skip

    def _stop_task(self, stored: StoredRequest, task: ProviderTask, window: Window, due: Due) -> None:
        when = format_window(window, stored.timezone, stored.lang)
        occurrence: TaskRequest = replace(stored.request, window=window)
        result = None
        try:
            result = self.providers.get(stored.request.provider).cancel(occurrence, task.task_id)
        except ProviderError as error:
            if error.code not in TASK_GONE_CODES:  # gone: deleted already, which is what was wanted
                if error.retry is Retry.SAFE and not due.final_attempt:
                    raise
                self._stop_failed(stored, when, error)
                return
        except BotError as error:
            self._stop_failed(stored, when, error)
            return
        self.store.set_task_state(stored.id, task.task_id, TaskState.ENDED)
        note = Note("series.thread.finished", (("when", when), ("task_id", task.task_id)))
        why = Move(Event.OCCURRENCE_FINISHED, AuditAction.STOP, actor=SCHEDULER, result=result, note=note,
                   detail=f"occurrence {window.start.isoformat()}")  # fmt: skip
        self.life.say(stored, why)

    def _stop_failed(self, stored: StoredRequest, when: str, error: BotError) -> None:
        note = Note("series.thread.stop_failed", (("when", when),))
        why = Move(Event.OCCURRENCE_FAILED, AuditAction.STOP, AuditOutcome.FAILED, actor=SCHEDULER, error=error,
                   note=note, detail=note.key)  # fmt: skip
        self.life.say(stored, why)

    # --- plumbing -------------------------------------------------------------------------------------------------

    def _series(self, due: Due) -> StoredRequest | None:
        return self.store.get(due.job.request_id) if due.job.request_id else None


def _window(due: Due) -> Window:
    payload = due.job.payload
    return Window(datetime.fromisoformat(str(payload["start"])), datetime.fromisoformat(str(payload["end"])))
