"""Group commit for new requests: rows that arrive together share one transaction.

When fifty people press Enter at once, fifty ``INSERT``s each with its own ``BEGIN … COMMIT`` queue for the database
(SQLite has one writer) and for the interpreter lock. :class:`GroupInsert` lets them share: the first caller becomes
the *leader* and writes every row waiting at that moment in one transaction (one ``executemany``, one commit); rows
that arrive meanwhile wait, and one of their callers leads the next batch. Nobody returns before their own row is
committed, so the durability promise is unchanged: a card is only shown for a request already stored.

Failures stay per row: a duplicate key in a batch makes each of its rows be tried alone, so only the duplicate's
caller sees :class:`sqlalchemy.exc.IntegrityError` (it draws another id). Any other database error reaches every
caller of that batch: none of their rows was written.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa


class _Waiting:
    """One caller's row and, once its batch is written, how it went."""

    __slots__ = ("done", "error", "row")

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.row = row
        self.done = False
        self.error: BaseException | None = None


class GroupInsert:
    """Inserts rows into ``table``, batching callers that arrive together. Thread-safe; one per engine and table."""

    def __init__(self, engine: sa.Engine, table: sa.Table) -> None:
        self._engine = engine
        self._statement = table.insert()
        self._changed = threading.Condition()
        self._queue: list[_Waiting] = []
        self._leading = False

    def insert(self, row: Mapping[str, Any]) -> None:
        """Insert ``row``; returns once it is committed, raises what its transaction raised."""
        mine = _Waiting(row)
        with self._changed:
            self._queue.append(mine)
            while self._leading and not mine.done:
                self._changed.wait()
            if not mine.done:  # nobody is writing and my row is still queued: lead the next batch
                self._leading = True
                batch, self._queue = self._queue, []
        if not mine.done:
            try:
                errors = self._write(batch)
            except BaseException as exc:  # interrupted mid-write: nobody in this batch may think it was stored
                errors = dict.fromkeys(range(len(batch)), exc)
                raise
            finally:
                with self._changed:
                    for index, waiting in enumerate(batch):
                        waiting.error, waiting.done = errors.get(index), True
                    self._leading = False
                    self._changed.notify_all()
        if mine.error is not None:
            raise mine.error

    def _write(self, batch: list[_Waiting]) -> dict[int, BaseException]:
        """Write the batch in one transaction; on a duplicate key, row by row. Returns each failed row's error."""
        try:
            with self._engine.begin() as connection:
                connection.execute(self._statement, [waiting.row for waiting in batch])
            return {}
        except sa.exc.IntegrityError as exc:
            if len(batch) == 1:
                return {0: exc}
        except Exception as exc:
            return dict.fromkeys(range(len(batch)), exc)
        errors: dict[int, BaseException] = {}
        for index, waiting in enumerate(batch):
            try:
                with self._engine.begin() as connection:
                    connection.execute(self._statement, waiting.row)
            except Exception as exc:
                errors[index] = exc
        return errors
