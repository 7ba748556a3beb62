"""Recorded files: what a provider says it produced for a request (by callback or look-up), as the bot keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RecordedFile:
    """One file a recording produced. Every field but ``key`` is whatever the provider gave (None: not reported)."""

    key: str  # the provider's identity of the file (file id, path): the same file is kept once
    provider: str
    url: str | None  # a link people may open; None when it is not one the configuration allows
    task_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: float | None = None
    size_bytes: int | None = None
    format: str | None = None
    needs_login: bool = False  # opening the link needs a console login (a bucket the bot built a link into)
