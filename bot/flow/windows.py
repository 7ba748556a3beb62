"""A request's window, followed by the bot's scheduler: states that follow the clock, for every provider.

- Providers that keep the window themselves (volc, tencent, qcloud, relays): at the start the request becomes
  *running*, at the end *done* (jobs ``window.begin`` / ``window.end``).
- Providers that cannot (trro): the bot creates the task at the start and deletes it at the end (jobs
  ``window.start`` / ``window.stop``), reporting a window it missed entirely.

Every change goes through :class:`~bot.flow.life.RequestLife`, so the card is redrawn and the thread told, exactly as
after a click. Handlers are idempotent (a job may run twice after a lost lease): each acts only from the state it
expects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.core.model import Note
from bot.errors import BotError, OutcomeUnknown, ProviderError, Retry, StartInProgress
from bot.flow.card import late_minutes
from bot.flow.life import Move, RequestLife, error_changes
from bot.flow.outcome import Event
from bot.flow.ports import JobQueue, ProviderLookup
from bot.lifecycle import AuditAction, AuditOutcome, NewTask, RequestState, RequestStore, StoredRequest, TaskState
from bot.scheduler import Due, JobHandler
from providers.base import TaskStatus

log = logging.getLogger(__name__)
S = RequestState
SCHEDULER = "scheduler"


class WindowJobs:
    """The scheduler's handlers for request windows, and the flow's :class:`~bot.flow.requests.WindowKeeper`."""

    START = "window.start"
    STOP = "window.stop"
    BEGIN = "window.begin"
    END = "window.end"
    #: Kinds whose provider calls leave early when many share a due time: a recording that starts a second early
    #: loses nothing, one that starts late loses the show.
    EARLY = frozenset({START})

    def __init__(self, life: RequestLife, store: RequestStore, jobs: JobQueue, providers: ProviderLookup) -> None:
        self.life = life
        self.store = store
        self.jobs = jobs
        self.providers = providers
        #: Also called for every request whose window is planned (e.g. to follow its recording to its files).
        self.on_follow: list[Callable[[StoredRequest], None]] = []

    def handlers(self) -> dict[str, JobHandler]:
        """The job kinds this handles, for :class:`~bot.scheduler.Scheduler`."""
        return {self.START: self.start, self.STOP: self.stop, self.BEGIN: self.begin, self.END: self.end}

    # --- planning -------------------------------------------------------------------------------------------------

    def keep(self, stored: StoredRequest) -> StoredRequest | None:
        """For a request in ``submitting`` whose provider cannot keep the window: add its start and stop jobs and move
        it to ``scheduled``. Returns None if it was settled elsewhere meanwhile."""
        window = stored.request.window
        if window is None:
            raise ValueError(f"request {stored.id} has no window for the scheduler to keep")
        self.jobs.schedule(
            key=f"{stored.id}:start", kind=self.START, due_at=window.start, deadline_at=window.end, request_id=stored.id
        )
        self.jobs.schedule(key=f"{stored.id}:stop", kind=self.STOP, due_at=window.end, request_id=stored.id)
        why = Move(Event.SCHEDULED, AuditAction.CREATE, detail="scheduled by the bot")
        kept = self.life.move(stored.id, from_states={S.SUBMITTING}, to=S.SCHEDULED, why=why)
        if kept is not None:
            self._followed(kept)
        return kept

    def follow(self, stored: StoredRequest) -> None:
        """For a request the provider holds: move it to ``running`` at the window's start and ``done`` at its end."""
        window = stored.request.window
        if window is None:
            return  # permanent: it runs until someone cancels it
        self.jobs.schedule(
            key=f"{stored.id}:begin", kind=self.BEGIN, due_at=window.start, deadline_at=window.end, request_id=stored.id
        )
        self.jobs.schedule(key=f"{stored.id}:end", kind=self.END, due_at=window.end, request_id=stored.id)
        self._followed(stored)

    def _followed(self, stored: StoredRequest) -> None:
        for also in self.on_follow:
            try:
                also(stored)
            except Exception as exc:  # following files must never stop the window itself
                log.error("request %s: planning its follow-up failed: %s", stored.id, type(exc).__name__)

    def cancel_before_start(self, request_id: str, *, user: str) -> StoredRequest | None:
        """Cancel a bot-kept request whose task does not exist yet (``scheduled``, no TaskId): no provider call is
        needed. Returns None if it is no longer waiting (then its task is stopped through the provider)."""
        why = Move(Event.CANCELLED, AuditAction.CANCEL, actor=user, detail="before the window started")
        cancelled = self.life.move(request_id, from_states={S.SCHEDULED}, to=S.CANCELLED, why=why, settled_by=user)
        if cancelled is not None:
            self.jobs.cancel_for_request(request_id)
        return cancelled

    def cancel_jobs(self, request_id: str) -> int:
        """Drop the pending jobs of a request whose task a person stopped (the end must not stop it again)."""
        return self.jobs.cancel_for_request(request_id)

    # --- provider-kept windows ------------------------------------------------------------------------------------

    def begin(self, due: Due) -> None:
        """The window began: ``scheduled`` → ``running`` — unless the provider, asked, says the task was stopped
        or is gone (then it failed, and the thread says so). Missed entirely: the end job settles it."""
        stored = self._request(due)
        if stored is None or due.missed or stored.state is not S.SCHEDULED:
            return
        said = self._provider_says(stored)
        if said in (TaskStatus.STOPPED, TaskStatus.GONE):
            note = Note(f"life.provider_{said}", ())
            why = Move(Event.FAILED, AuditAction.START, AuditOutcome.FAILED, actor=SCHEDULER, note=note)
            self.life.move(
                stored.id, from_states={S.SCHEDULED}, to=S.FAILED, why=why, error_code=f"Provider{said.title()}",
                error_message=f"the provider says the task is {said}",
            )  # fmt: skip
            return
        why = Move(Event.STARTED, AuditAction.START, actor=SCHEDULER)
        self.life.move(stored.id, from_states={S.SCHEDULED}, to=S.RUNNING, why=why)

    def end(self, due: Due) -> None:
        """The window ended: ``running`` (or ``scheduled``, when the bot was down at the start) → ``done``; when the
        provider says the task was stopped or is gone, the thread says the recording may be short."""
        stored = self._request(due)
        if stored is None or stored.state not in (S.SCHEDULED, S.RUNNING):
            return
        said = self._provider_says(stored)
        early = Note("life.stopped_early", ()) if said in (TaskStatus.STOPPED, TaskStatus.GONE) else None
        why = Move(Event.FINISHED, AuditAction.FINISH, actor=SCHEDULER, note=early, detail=early.key if early else None)
        done = self.life.move(stored.id, from_states={S.SCHEDULED, S.RUNNING}, to=S.DONE, why=why)
        if done is not None:
            self._tasks_ended(done)

    def _provider_says(self, stored: StoredRequest) -> TaskStatus | None:
        """What the provider says of the request's task, where it can tell (None elsewhere, or when asking fails)."""
        if not stored.task_id:
            return None
        try:
            provider = self.providers.get(stored.request.provider)
            if not provider.can_report_status:
                return None
            return provider.status(stored.request, stored.task_id)
        except BotError as error:  # the code only: a provider's message is its own text
            log.warning("request %s: asking the provider for its status failed: %s", stored.id, type(error).__name__)
            return None

    # --- bot-kept windows -----------------------------------------------------------------------------------------

    def start(self, due: Due) -> None:
        """At the window's start: create the task (late if need be), or report a window missed entirely."""
        stored = self._request(due)
        if stored is None:
            return
        if due.missed:
            why = Move(Event.MISSED, AuditAction.MISSED, AuditOutcome.MISSED, actor=SCHEDULER)
            self.life.move(
                stored.id, from_states={S.SCHEDULED}, to=S.MISSED, why=why, error_code="Missed",
                error_message="bot was down",
            )  # fmt: skip
            return
        hop = Move(event=None, action=None, actor=SCHEDULER)
        starting = self.life.move(stored.id, from_states={S.SCHEDULED}, to=S.SUBMITTING, why=hop)
        if starting is None:
            return  # cancelled, or another attempt already started it
        provider_key = starting.request.provider
        try:
            result = self.providers.get(provider_key).create(starting.request)
        except BotError as error:
            self._start_failed(starting, error)
            return
        except Exception as exc:
            # Only the type: the text of an error raised inside a provider call may be the provider's, or its URL.
            log.error("starting request %s crashed: %s", stored.id, type(exc).__name__)
            crash = OutcomeUnknown.crashed(provider_key, exc)
            self._start_failed(starting, crash)
            return
        late = None
        if due.late_by is not None:
            late = Note("schedule.started_late", (("minutes", late_minutes(due.late_by)),))
        why = Move(Event.STARTED, AuditAction.START, actor=SCHEDULER, result=result, note=late)
        window = starting.request.window
        task = NewTask(
            result.task_id, result.request_id, window.start if window else None, window.end if window else None
        )
        running = self.life.move(
            stored.id,
            from_states={S.SUBMITTING, S.UNKNOWN},  # UNKNOWN: reconciled by a replica while we were slow
            to=S.RUNNING,
            why=why,
            task=task,
        )
        if running is None:
            log.error("request %s: task %s started but the request moved on", stored.id, result.task_id)

    def stop(self, due: Due) -> None:
        """At the window's end: delete the task the start created, if it is still running."""
        stored = self._request(due)
        if stored is None:
            return
        if stored.state is S.SUBMITTING and not due.final_attempt:
            raise StartInProgress(stored.id)
        if stored.state is not S.RUNNING or stored.task_id is None:
            return  # never started, missed, cancelled, being cancelled or failed: nothing to stop
        try:
            self.providers.get(stored.request.provider).cancel(stored.request, stored.task_id)
        except BotError as error:
            if isinstance(error, ProviderError) and error.retry is Retry.SAFE and not due.final_attempt:
                raise
            why = Move(
                Event.FAILED, AuditAction.STOP, AuditOutcome.FAILED, actor=SCHEDULER, error=error,
                note=Note("schedule.stop_failed", (("task_id", stored.task_id),))
            )  # fmt: skip
            self.life.move(stored.id, from_states={S.RUNNING}, to=S.FAILED, why=why, **error_changes(error))
            return
        why = Move(Event.FINISHED, AuditAction.STOP, actor=SCHEDULER)
        done = self.life.move(stored.id, from_states={S.RUNNING}, to=S.DONE, why=why)
        if done is not None:
            self._tasks_ended(done)

    def _start_failed(self, stored: StoredRequest, error: BotError) -> None:
        unknown = isinstance(error, OutcomeUnknown)
        why = Move(
            Event.UNKNOWN if unknown else Event.FAILED,
            AuditAction.START,
            AuditOutcome.UNKNOWN if unknown else AuditOutcome.FAILED,
            actor=SCHEDULER,
            error=error,
        )
        to = S.UNKNOWN if unknown else S.FAILED
        if self.life.move(stored.id, from_states={S.SUBMITTING}, to=to, why=why, **error_changes(error)) is not None:
            self.jobs.cancel_for_request(stored.id)

    def _tasks_ended(self, stored: StoredRequest) -> None:
        for task in self.store.tasks_of(stored.id):
            if task.state is TaskState.ACTIVE:
                self.store.set_task_state(stored.id, task.task_id, TaskState.ENDED)

    def _request(self, due: Due) -> StoredRequest | None:
        if due.job.request_id is None:
            log.error("window job %s has no request", due.job.key)
            return None
        return self.store.get(due.job.request_id)
