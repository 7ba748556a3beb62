"""After downtime, the callbacks the bot missed, where the provider keeps them: Volcengine lists failed deliveries
(``DescribeLiveCallbackData``). Each start plans one ``callbacks.catch_up`` job (one per minute across replicas) that
replays the last :data:`WINDOW` of failed record callbacks through the desk; what was handled already is skipped."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from bot.callbacks.desk import CallbackDesk
from bot.errors import BotError
from bot.flow.ports import JobQueue, ProviderLookup
from bot.scheduler import Due, JobHandler

log = logging.getLogger(__name__)

#: How far back a start looks. Shorter than the day ``seen_events`` are kept, so nothing is told twice.
WINDOW = timedelta(hours=6)


@runtime_checkable
class MissedCallbackSource(Protocol):
    """A provider that keeps the callbacks it failed to deliver (:class:`providers.volc.VolcProvider`)."""

    def missed_callbacks(self, since: datetime, until: datetime) -> list[bytes]: ...


class CatchUp:
    """The ``callbacks.catch_up`` job."""

    KIND = "callbacks.catch_up"

    def __init__(self, desk: CallbackDesk, jobs: JobQueue, providers: ProviderLookup) -> None:
        self.desk = desk
        self.jobs = jobs
        self.providers = providers

    def handlers(self) -> dict[str, JobHandler]:
        return {self.KIND: self.run}

    def plan(self, now: datetime) -> None:
        """Plan a catch-up now (replicas starting in the same minute share it)."""
        self.jobs.schedule(key=f"{self.KIND}:{now:%Y%m%dT%H%M}", kind=self.KIND, due_at=now)

    def run(self, due: Due) -> None:
        """Replay the missed Volcengine record callbacks of the last :data:`WINDOW`."""
        try:
            provider = self.providers.get("volc")
        except BotError:
            return  # not configured
        if not isinstance(provider, MissedCallbackSource):
            return
        try:
            bodies = provider.missed_callbacks(due.now - WINDOW, due.now)
        except BotError as error:
            if not due.final_attempt:
                raise
            log.warning("catching up on missed volc callbacks failed: %s", type(error).__name__)
            return
        replayed = sum(self.desk.replay(body) for body in bodies)
        log.info("caught up on %d missed volc callback(s) of %d listed", replayed, len(bodies))
