"""Series end to end: one request whose occurrences are provider tasks, each created ahead of its window by a durable
scheduler job (``series.create``), exactly once across replicas (a job is claimed by one worker; a task already
recorded for the occurrence is never created again).

How far ahead: Tencent accepts a start at most 6 days ahead and an end within 7 days; the others get a configurable
lead (``[bot] series_lead_hours``, default 24 h). Where the provider holds one task per stream at a time (Volcengine),
an occurrence is created no earlier than the previous one ends. The series' card thread hears of each occurrence
(scheduled with its TaskId, failed, missed, skipped); the requester is mentioned only on failures. A provider that
cannot hold a task ahead of its window (trro) gets each occurrence created at its start and deleted at its end by the
bot (:mod:`bot.flow.series_kept`).
"""

from __future__ import annotations

import logging
import time as time_module
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.core.model import Note, Window
from bot.core.series import Occurrence, Series
from bot.errors import BotError, RequestStateError
from bot.flow.card import format_window
from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event, Outcome
from bot.flow.ports import JobQueue, ProviderLookup
from bot.flow.series_kept import KeptOccurrences, interrupted, planned, say_trouble, say_unsure, skipped_days
from bot.lifecycle import (
    ACTIVE_STATES,
    AuditAction,
    NewTask,
    RequestState,
    RequestStore,
    StoredRequest,
    TaskState,
)
from bot.scheduler import Due, JobHandler
from providers.base import TaskResult

log = logging.getLogger(__name__)

CREATE = "series.create"
BEGIN = "series.begin"  # an occurrence's window began: said in the thread
FINISH = "series.finish"  # an occurrence's window ended: its task ended, said in the thread
END = "window.end"  # the last occurrence's end settles the series (handled by WindowJobs.end)
SCHEDULER = "scheduler"
DEFAULT_LEAD = timedelta(hours=24)
#: Tencent: a start at most 6 days ahead, an end within 7 days (a minute's margin for clocks).
TENCENT_START_AHEAD = timedelta(days=6)
TENCENT_END_AHEAD = timedelta(days=7)
MARGIN = timedelta(minutes=1)


def series_to_json(series: Series) -> dict[str, Any]:
    """For ``extra["series"]``."""
    return {"rrule": series.rrule, "first_day": series.first_day.isoformat(), "start": series.start.isoformat(),
            "end": series.end.isoformat(), "end_days": series.end_days, "timezone": series.timezone}  # fmt: skip


def series_of(stored: StoredRequest) -> Series | None:
    """The request's series, or None for a single window."""
    data = stored.extra.get("series")
    if not isinstance(data, dict):
        return None
    return Series(
        rrule=str(data["rrule"]), first_day=date.fromisoformat(data["first_day"]), start=time.fromisoformat(data["start"]),
        end=time.fromisoformat(data["end"]), end_days=int(data["end_days"]), timezone=str(data["timezone"]),
    )  # fmt: skip


def upcoming(stored: StoredRequest, now: datetime) -> list[Occurrence]:
    """The occurrences still to come (or running), without the skipped ones."""
    series = series_of(stored)
    if series is None:
        return []
    skipped = skipped_days(stored)
    return [o for o in series.occurrences() if o.end > now and o.start.date().isoformat() not in skipped]


class SeriesJobs:
    """Plans a confirmed series' jobs and creates each occurrence's provider task when its job falls due."""

    #: Kinds whose provider calls leave early when many share a due time (the bot-kept starts).
    EARLY = KeptOccurrences.EARLY

    def __init__(
        self,
        life: RequestLife,
        store: RequestStore,
        jobs: JobQueue,
        providers: ProviderLookup,
        *,
        clock: Callable[[], datetime],
        lead: timedelta = DEFAULT_LEAD,
        sleep: Callable[[float], None] = time_module.sleep,
    ) -> None:
        self.life = life
        self.store = store
        self.jobs = jobs
        self.providers = providers
        self.clock = clock
        self.lead = lead
        self.sleep = sleep
        #: The occurrences of series on providers that cannot keep a window (trro): started and stopped by the bot.
        self.kept = KeptOccurrences(life, store, jobs, providers, sleep=sleep)

    def handlers(self) -> dict[str, JobHandler]:
        """The job kinds this handles, for :class:`~bot.scheduler.Scheduler`."""
        return {CREATE: self.create, BEGIN: self.begin, FINISH: self.finish, **self.kept.handlers()}

    def create_at(self, provider: str, occurrence: Occurrence, previous_end: datetime | None) -> datetime:
        """When the occurrence's task is created: as late as the provider needs, after ``previous_end`` if given."""
        # In UTC: across a change of clocks a local day is 23 or 25 hours, and the providers count real time.
        start, end = occurrence.start.astimezone(UTC), occurrence.end.astimezone(UTC)
        if provider == "tencent":
            due = max(start - TENCENT_START_AHEAD, end - TENCENT_END_AHEAD) + MARGIN
        else:
            due = start - self.lead
        return max(due, previous_end) if previous_end is not None else due

    def plan(self, stored: StoredRequest) -> StoredRequest | None:
        """For a series in ``submitting``: one create job per occurrence and one end job, then ``scheduled``."""
        series = series_of(stored)
        assert series is not None
        occurrences = series.occurrences()
        provider = self.providers.get(stored.request.provider)
        if not provider.keeps_window:  # the bot starts and stops each occurrence itself
            self.kept.plan(stored, occurrences)
            note = Note("series.thread.planned_by_bot", (("count", str(len(occurrences))),))
            why = Move(Event.SCHEDULED, AuditAction.CREATE, detail=f"series of {len(occurrences)}, kept by the bot",
                       note=note)  # fmt: skip
            return self.life.move(stored.id, from_states={RequestState.SUBMITTING}, to=RequestState.SCHEDULED, why=why)
        one_at_a_time = provider.tasks_per_stream(stored.request) == 1
        previous: datetime | None = None
        for occurrence in occurrences:
            self.jobs.schedule(
                key=f"{stored.id}:occ:{occurrence.start.date().isoformat()}", kind=CREATE, request_id=stored.id,
                due_at=self.create_at(provider.key, occurrence, previous if one_at_a_time else None),
                deadline_at=occurrence.end,
                payload={"start": occurrence.start.isoformat(), "end": occurrence.end.isoformat()},
            )  # fmt: skip
            previous = occurrence.end
        self.jobs.schedule(key=f"{stored.id}:end", kind=END, due_at=occurrences[-1].end, request_id=stored.id)
        note = Note("series.thread.planned", (("count", str(len(occurrences))),))
        why = Move(Event.SCHEDULED, AuditAction.CREATE, detail=f"series of {len(occurrences)}", note=note)
        return self.life.move(stored.id, from_states={RequestState.SUBMITTING}, to=RequestState.SCHEDULED, why=why)

    def create(self, due: Due) -> None:
        """An occurrence's time to exist at the provider: create its task (once), or say it was missed."""
        stored = planned(self.store, due.job.request_id, self.sleep) if due.job.request_id else None
        if stored is None or stored.state not in ACTIVE_STATES:
            return  # cancelled, or settled
        start = datetime.fromisoformat(str(due.job.payload["start"]))
        end = datetime.fromisoformat(str(due.job.payload["end"]))
        if start.date().isoformat() in skipped_days(stored):
            return
        if any(t.window_start == start for t in self.store.tasks_of(stored.id)):
            return  # created already (a job run twice after a lost lease)
        when = format_window(Window(start, end), stored.timezone, stored.lang)
        if due.missed:
            self._trouble(stored, Event.OCCURRENCE_MISSED, Note("series.thread.missed", (("when", when),)), None)
            return
        occurrence = replace(stored.request, window=Window(start, end))
        provider = self.providers.get(stored.request.provider)
        if interrupted(due) and not provider.can_look_up:  # the task may exist already: say so, then create it
            say_unsure(self.life, stored, when)
        try:
            # A second attempt may follow a worker that died during the call: the task may exist already.
            found = provider.find(occurrence) if due.job.attempts > 1 and provider.can_look_up else None
            result = TaskResult(provider.key, "find", found, None) if found else provider.create(occurrence)
        except BotError as error:
            self._trouble(stored, Event.OCCURRENCE_FAILED, Note("series.thread.failed", (("when", when),)), error)
            return
        note = Note("series.thread.scheduled", (("when", when), ("task_id", result.task_id)))
        why = Move(Event.OCCURRENCE_SCHEDULED, AuditAction.CREATE, actor=SCHEDULER, result=result, note=note,
                   detail=f"occurrence {start.isoformat()}")  # fmt: skip
        task = NewTask(result.task_id, result.request_id, start, end)
        if self.life.move(stored.id, from_states={stored.state}, to=stored.state, why=why, task=task) is None:
            log.error(
                "series %s moved on while occurrence %s was created (TaskId %s)", stored.id, start, result.task_id
            )
            return
        day, payload = start.date().isoformat(), {**due.job.payload, "task_id": result.task_id}
        self.jobs.schedule(key=f"{stored.id}:begin:{day}", kind=BEGIN, due_at=start, deadline_at=end,
                           request_id=stored.id, payload=payload)  # fmt: skip
        self.jobs.schedule(key=f"{stored.id}:finish:{day}", kind=FINISH, due_at=end, request_id=stored.id,
                           payload=payload)  # fmt: skip

    def begin(self, due: Due) -> None:
        """An occurrence's window began (its task still active): said in the thread, no mention."""
        self._window_passed(due, Event.OCCURRENCE_STARTED, "series.thread.started")

    def finish(self, due: Due) -> None:
        """An occurrence's window ended: its task ended, said in the thread, no mention."""
        self._window_passed(due, Event.OCCURRENCE_FINISHED, "series.thread.finished")

    def _window_passed(self, due: Due, event: Event, key: str) -> None:
        request_id, task_id = due.job.request_id, str(due.job.payload.get("task_id", ""))
        stored = self.store.get(request_id) if request_id else None
        if stored is None or due.missed:
            return
        task = next((t for t in self.store.tasks_of(stored.id) if t.task_id == task_id), None)
        if task is None or task.state is not TaskState.ACTIVE:
            return  # skipped or cancelled meanwhile: already said
        if event is Event.OCCURRENCE_FINISHED:
            self.store.set_task_state(stored.id, task_id, TaskState.ENDED)
        start = datetime.fromisoformat(str(due.job.payload["start"]))
        end = datetime.fromisoformat(str(due.job.payload["end"]))
        when = format_window(Window(start, end), stored.timezone, stored.lang)
        note = Note(key, (("when", when), ("task_id", task_id)))
        self.life.tell(Outcome(event, stored, note=note, actor=SCHEDULER))

    def skip(self, stored: StoredRequest, day: date, *, user: str) -> tuple[StoredRequest, Occurrence, int]:
        """Cancel the occurrence on ``day`` alone (the series goes on): the request, the occurrence and how many are
        left. Its task, if created already, is stopped by :meth:`stop_occurrence`."""
        if series_of(stored) is None:
            raise RequestStateError("series.not_series", request=stored.id)
        todo = upcoming(stored, self.clock())
        occurrence = next((o for o in todo if o.start.date() == day), None)
        if occurrence is None or stored.state not in ACTIVE_STATES:
            raise RequestStateError("series.no_occurrence", request=stored.id, day=day.isoformat())
        when = format_window(Window(occurrence.start, occurrence.end), stored.timezone, stored.lang)
        note = Note("series.thread.skipped", (("when", when), ("left", str(len(todo) - 1))))
        why = Move(Event.OCCURRENCE_SKIPPED, AuditAction.CANCEL, actor=user, note=note, detail=f"occurrence {day}")
        skipping = day.isoformat()
        moved = self.life.move_in_place(  # another change may come first (an occurrence created meanwhile)
            stored.id,
            why,
            extra_of=lambda current: {**current.extra, "skipped": sorted({*skipped_days(current), skipping})},
        )
        if moved is None:
            raise RequestStateError("series.no_occurrence", request=stored.id, day=skipping)
        return moved, occurrence, len(todo) - 1

    def stop_occurrence(self, stored: StoredRequest, start: datetime, user: str) -> None:
        """Stop the provider task of one skipped occurrence, if it was created already (runs on the worker pool)."""
        for task in self.store.tasks_of(stored.id):
            if task.window_start == start and task.state is TaskState.ACTIVE:
                try:
                    self.providers.get(stored.request.provider).cancel(stored.request, task.task_id)
                except BotError as error:
                    when = format_window(Window(start, task.window_end or start), stored.timezone, stored.lang)
                    self._trouble(
                        stored, Event.OCCURRENCE_FAILED, Note("series.thread.stop_failed", (("when", when),)), error
                    )
                    return
                self.store.set_task_state(stored.id, task.task_id, TaskState.STOPPED)

    def _trouble(self, stored: StoredRequest, event: Event, note: Note, error: BotError | None) -> None:
        say_trouble(self.life, stored, event, note, error)
