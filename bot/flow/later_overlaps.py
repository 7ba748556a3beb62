"""Overlaps read after the acknowledgement: a new card goes out at once, and a moment later one thread reads the
requests it overlaps on its stream and, when there are any, redraws the card with them (through
:class:`~bot.flow.life.RequestLife`, so the notifier draws it like every other change).

Reading overlaps is a database query per card; on the acknowledgement path it was a quarter of a card's CPU, and with
many cards at once that CPU is everybody's wait. Here the reads wait :data:`DELAY` (Slack has shown the card by then,
so a redraw through its ``response_url`` replaces it rather than racing it) and run one at a time, after a burst
rather than inside it. A card confirmed before its overlaps were read is not redrawn: the provider's own answer
(a refusal on a capped stream) then says it, in the thread.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event
from bot.flow.overlaps import find_overlaps
from bot.flow.ports import ProviderLookup
from bot.flow.series_jobs import series_of
from bot.lifecycle import RequestState, RequestStore, StoredRequest

log = logging.getLogger(__name__)

#: Seconds between a card's acknowledgement and the read of its overlaps.
DELAY = 1.0


class LaterOverlaps:
    """Reads new cards' overlaps on one thread, :data:`DELAY` after each card, and redraws the cards that have some."""

    def __init__(
        self,
        life: RequestLife,
        store: RequestStore,
        providers: ProviderLookup,
        *,
        delay: float = DELAY,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.life = life
        self.store = store
        self.providers = providers
        self.delay = delay
        self._monotonic = monotonic
        self._due: list[tuple[float, int, StoredRequest]] = []  # a heap: (when, order, card)
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, stored: StoredRequest) -> None:
        """Read ``stored``'s overlaps :attr:`delay` seconds from now (the thread starts with the first card)."""
        with self._changed:
            if self._closed:
                return
            heapq.heappush(self._due, (self._monotonic() + self.delay, next(self._order), stored))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="card-overlaps", daemon=True)
                self._thread.start()
            if len(self._due) == 1:  # else the thread already waits for an earlier card (every card waits as long)
                self._changed.notify()

    def check(self, stored: StoredRequest) -> StoredRequest | None:
        """Read the overlaps of a card still proposed; when there are any, keep them with it and redraw the card.
        Returns the redrawn request, or None (no overlap, or the card moved on meanwhile)."""
        provider = self.providers.get(stored.request.provider)
        cap = provider.tasks_per_stream(stored.request)
        overlaps = find_overlaps(self.store, stored.request, cap, series=series_of(stored))
        if not overlaps.found:
            return None
        extra = {**stored.extra, "overlaps": overlaps.to_json()}
        why = Move(Event.OVERLAPS_FOUND, None)  # the card's facts, not a decision: no audit row
        return self.life.move(stored.id, from_states={RequestState.PROPOSED}, to=RequestState.PROPOSED, why=why,
                              extra=extra)  # fmt: skip

    def close(self) -> None:
        """Stop taking cards; the thread ends after the read under way (cards still waiting are left unread)."""
        with self._changed:
            self._closed = True
            self._changed.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def _run(self) -> None:
        while (stored := self._next()) is not None:
            try:
                self.check(stored)
            except Exception as exc:  # one card's read must never stop the others'
                # Only the type: a database error's text carries the SQL and its parameters.
                log.error("request %s: reading its overlaps failed: %s", stored.id, type(exc).__name__)

    def _next(self) -> StoredRequest | None:
        with self._changed:
            while not self._closed:
                if self._due and (wait := self._due[0][0] - self._monotonic()) <= 0:
                    return heapq.heappop(self._due)[2]
                self._changed.wait(timeout=wait if self._due else None)
            return None
