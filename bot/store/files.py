"""Recorded files of requests, and the one "Recording ready" message of each request. Reach it as ``store.files``."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from bot.recordings import RecordedFile
from bot.store.tables import file_notices, recorded_files
from bot.timekeeping import Clock, utc_now


class RecordedFiles:
    """Files kept once per provider file (whichever replica or retry brings it first), and notice message stamps."""

    def __init__(self, engine: sa.Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def add(self, request_id: str, file: RecordedFile) -> bool:
        """Keep ``file`` for the request; False when that provider file is known already."""
        values = {
            "request_id": request_id,
            "provider": file.provider,
            "file_key": file.key[:255],
            "task_id": file.task_id,
            "url": file.url,
            "started_at": file.started_at,
            "ended_at": file.ended_at,
            "duration_seconds": file.duration_seconds,
            "size_bytes": file.size_bytes,
            "format": (file.format or None) and file.format[:16],
            "needs_login": file.needs_login,
            "created_at": self.clock(),
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(recorded_files.insert().values(**values))
        except sa.exc.IntegrityError:
            return False
        return True

    def files_of(self, request_id: str) -> list[RecordedFile]:
        """Every file of the request (of all its provider tasks), in recording order."""
        return self.files_of_many([request_id]).get(request_id, [])

    def files_of_many(self, request_ids: Collection[str]) -> dict[str, list[RecordedFile]]:
        """The files of each of ``request_ids`` (for lists)."""
        if not request_ids:
            return {}
        query = (
            sa.select(recorded_files)
            .where(recorded_files.c.request_id.in_(list(request_ids)))
            .order_by(recorded_files.c.started_at, recorded_files.c.id)
        )
        found: dict[str, list[RecordedFile]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query).mappings():
                found.setdefault(row["request_id"], []).append(_file(row))
        return found

    def notice_ts(self, request_id: str) -> str | None:
        """The ts of the request's "Recording ready" message, once posted."""
        query = sa.select(file_notices.c.ts).where(file_notices.c.request_id == request_id)
        with self.engine.connect() as connection:
            value = connection.execute(query).scalar()
        return None if value is None else str(value)

    def claim_notice(self, request_id: str) -> bool:
        """True for the one caller (in any process) that is to post the request's first notice."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    file_notices.insert().values(request_id=request_id, ts=None, updated_at=self.clock())
                )
        except sa.exc.IntegrityError:
            return False
        return True

    def set_notice_ts(self, request_id: str, ts: str | None) -> None:
        """Remember where the notice was posted (None: posting failed, the next file may try again)."""
        with self.engine.begin() as connection:
            if ts is None:
                connection.execute(file_notices.delete().where(file_notices.c.request_id == request_id))
                return
            connection.execute(
                file_notices.update()
                .where(file_notices.c.request_id == request_id)
                .values(ts=ts, updated_at=self.clock())
            )

    def forget_older_than(self, moment: datetime) -> int:
        """Notices never needed again (their requests ended long ago) may go; files stay."""
        with self.engine.begin() as connection:
            return connection.execute(file_notices.delete().where(file_notices.c.updated_at < moment)).rowcount


def _file(row: sa.RowMapping) -> RecordedFile:
    return RecordedFile(
        key=row["file_key"],
        provider=row["provider"],
        url=row["url"],
        task_id=row["task_id"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
        duration_seconds=row["duration_seconds"],
        size_bytes=row["size_bytes"],
        format=row["format"],
        needs_login=bool(row["needs_login"]),
    )
