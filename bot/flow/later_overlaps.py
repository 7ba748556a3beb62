"""Overlaps read after the acknowledgement: a new card goes out at once, and a moment later one thread reads the
requests it overlaps on its stream and, when there are any, redraws the card with them (through
:class:`~bot.flow.life.RequestLife`, so the notifier draws it like every other change).

Reading overlaps is a database query per card; on the acknowledgement path it was a quarter of a card's CPU, and with
many cards at once that CPU is everybody's wait. Here the reads wait :data:`DELAY` (Slack has shown the card by then,
so a redraw through its ``response_url`` replaces it rather than racing it), and every card due by then is read in
one query per provider and kind (:meth:`~bot.lifecycle.RequestStore.overlapping_many`): a burst of fifty cards costs
one read, not fifty. A card confirmed before its overlaps were read is not redrawn: the provider's own answer
(a refusal on a capped stream) then says it, in the thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

from bot.flow.life import Move, RequestLife
from bot.flow.outcome import Event
from bot.flow.overlaps import HOLDING_STATES, overlaps_among, series_end
from bot.flow.ports import ProviderLookup
from bot.flow.series_jobs import series_of
from bot.lifecycle import RequestState, RequestStore, StoredRequest

log = logging.getLogger(__name__)

#: Seconds between a card's acknowledgement and the read of its overlaps.
DELAY = 1.0
#: Cards read together at most.
BATCH = 200


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
        self._due: deque[tuple[float, StoredRequest]] = deque()  # (when, card): every card waits as long, so in order
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def add(self, stored: StoredRequest) -> None:
        """Read ``stored``'s overlaps :attr:`delay` seconds from now (the thread starts with the first card)."""
        with self._changed:
            if self._closed:
                return
            self._due.append((self._monotonic() + self.delay, stored))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="card-overlaps", daemon=True)
                self._thread.start()
            if len(self._due) == 1:  # else the thread already waits for an earlier card (every card waits as long)
                self._changed.notify()

    def check(self, cards: Sequence[StoredRequest]) -> list[StoredRequest]:
        """Read the overlaps of cards still proposed, in one read; keep them with each card that has some and redraw
        it. Returns the redrawn requests (a card without overlaps, or that moved on meanwhile, is not)."""
        wanted = [(c.request, series_end(s) if (s := series_of(c)) is not None else None) for c in cards]
        read = self.store.overlapping_many(wanted, HOLDING_STATES)
        redrawn = [self._redraw(card, read) for card in cards]
        return [card for card in redrawn if card is not None]

    def _redraw(self, stored: StoredRequest, read: Sequence[StoredRequest]) -> StoredRequest | None:
        cap = self.providers.get(stored.request.provider).tasks_per_stream(stored.request)
        overlaps = overlaps_among(read, stored.request, cap, series=series_of(stored))
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
        while cards := self._next():
            try:
                self.check(cards)
            except Exception as exc:  # one batch's read must never stop the next
                # Only the type: a database error's text carries the SQL and its parameters.
                log.error("reading the overlaps of %d card(s) failed: %s", len(cards), type(exc).__name__)

    def _next(self) -> list[StoredRequest]:
        """Every card due now (waiting for the first one), at most :data:`BATCH`; empty once closed."""
        with self._changed:
            while not self._closed:
                now = self._monotonic()
                if self._due and self._due[0][0] <= now:
                    due: list[StoredRequest] = []
                    while self._due and self._due[0][0] <= now and len(due) < BATCH:
                        due.append(self._due.popleft()[1])
                    return due
                self._changed.wait(timeout=self._due[0][0] - now if self._due else None)
            return []
