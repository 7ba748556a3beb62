"""Cancel task and Stop now, durably: ``cancelling`` is saved before the provider's stop or delete call, so a crash in
the middle never loses the person's cancel — restart reconciliation finishes it with :meth:`TaskStopper.finish`.

Stop calls are safe to repeat: a task already stopped answers "not found" (then it is gone, which is what was asked),
and anything else that cannot tell ends as "cancel unclear, check the console", never as a silent "scheduled".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.errors import BotError, OutcomeUnknown, ProviderError
from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event
from bot.flow.ports import ProviderLookup
from bot.lifecycle import AuditAction, AuditOutcome, RequestState, RequestStore, StoredRequest, TaskState
from providers.base import TaskResult

log = logging.getLogger(__name__)
S = RequestState

#: Provider codes that mean the task no longer exists (a repeated stop of a task stopped before).
TASK_GONE_CODES = frozenset({"ResourceNotFound"})
#: What a request whose stop could not be told ends with (state ``unknown``).
CANCEL_UNCLEAR = "CancelUnclear"


class JobCanceller(Protocol):
    """Drops the scheduler's pending jobs of a request (:class:`bot.flow.windows.WindowJobs` fits)."""

    def cancel_jobs(self, request_id: str) -> int: ...


class TaskStopper:
    """Moves a request through ``cancelling`` to ``cancelled`` while stopping every provider task it owns."""

    def __init__(
        self,
        life: RequestLife,
        store: RequestStore,
        providers: ProviderLookup,
        *,
        clock: Callable[[], datetime],
        jobs: JobCanceller | None = None,
    ) -> None:
        self.life = life
        self.clock = clock
        self.store = store
        self.providers = providers
        self.jobs = jobs

    def begin(self, stored: StoredRequest, *, user: str) -> StoredRequest | None:
        """Save ``cancelling`` (before any provider call). None when someone else moved it first."""
        why = Move(Event.CANCELLING, AuditAction.CANCEL, AuditOutcome.REQUESTED, actor=user)
        return self.life.move(
            stored.id, from_states={S.SCHEDULED, S.RUNNING}, to=S.CANCELLING, why=why, settled_by=user
        )

    def finish(self, cancelling: StoredRequest, *, repeated: bool = False) -> None:
        """Stop every active provider task of a request in ``cancelling`` and settle it. ``repeated``: this is
        reconciliation finishing a stop a dead process started (a refusal then cannot tell what happened)."""
        user = cancelling.settled_by or cancelling.requester
        last: TaskResult | None = None
        for task_id in self._active_tasks(cancelling):
            try:
                last = self.providers.get(cancelling.request.provider).cancel(cancelling.request, task_id)
            except ProviderError as error:
                if error.code not in TASK_GONE_CODES:
                    self._refused(cancelling, error, user=user, repeated=repeated)
                    return
            except BotError as error:
                self._refused(cancelling, error, user=user, repeated=repeated)
                return
            except Exception as exc:  # a bug after (possibly) sending: the stop may or may not have happened
                log.error("provider stop crashed for request %s: %s", cancelling.id, type(exc).__name__)
                unclear = OutcomeUnknown.crashed(cancelling.request.provider, exc)
                self._refused(cancelling, unclear, user=user, repeated=True)
                return
            self.store.set_task_state(cancelling.id, task_id, TaskState.STOPPED)
        why = Move(Event.CANCELLED, AuditAction.CANCEL, actor=user, result=last)
        cancelled = self.life.move(cancelling.id, from_states={S.CANCELLING}, to=S.CANCELLED, why=why)
        if cancelled is not None and self.jobs is not None:
            self.jobs.cancel_jobs(cancelling.id)  # a bot-kept window: the scheduler must not stop it again

    def _active_tasks(self, stored: StoredRequest) -> list[str]:
        kept = self.store.tasks_of(stored.id)
        if not kept and stored.task_id:  # stored before tasks were kept one by one
            return [stored.task_id]
        return [t.task_id for t in kept if t.state is TaskState.ACTIVE]  # (none: e.g. a series between occurrences)

    def _refused(self, stored: StoredRequest, error: BotError, *, user: str, repeated: bool) -> None:
        code = error.code
        if repeated or isinstance(error, OutcomeUnknown):
            why = Move(
                Event.CANCEL_UNCLEAR, AuditAction.CANCEL, AuditOutcome.UNKNOWN, actor=user, detail=code, error=error
            )
            self.life.move(
                stored.id, from_states={S.CANCELLING}, to=S.UNKNOWN, why=why, error_code=CANCEL_UNCLEAR,
                error_message=f"the stop's outcome is unclear ({code})",
            )  # fmt: skip
            return
        # The provider refused: the task goes on as before, and the card says so.
        window = stored.request.window
        started = window is None or window.start <= self.clock()
        back = S.RUNNING if started else S.SCHEDULED
        why = Move(Event.CANCEL_FAILED, AuditAction.CANCEL, AuditOutcome.FAILED, actor=user, detail=code, error=error)
        self.life.move(stored.id, from_states={S.CANCELLING}, to=back, why=why)
