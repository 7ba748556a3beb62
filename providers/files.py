"""Looking up the files a recording produced, where a provider can tell (Volcengine, the legacy LVB)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.core.model import TaskRequest


@dataclass(frozen=True)
class FoundFile:
    """A file a look-up found. ``url`` when the provider gives a link; ``bucket``/``path`` when it names a stored
    object instead (a link is then built from the configured storage template)."""

    key: str
    url: str | None = None
    bucket: str | None = None
    path: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: float | None = None
    size_bytes: int | None = None
    format: str | None = None


@runtime_checkable
class FileLookup(Protocol):
    """A provider that can list the files recorded for a request."""

    def recorded_files(self, request: TaskRequest, since: datetime, until: datetime) -> list[FoundFile]:
        """Files of ``request``'s stream recorded between ``since`` and ``until``. Raises
        :class:`~bot.errors.ProviderError` when the look-up fails."""
        ...


def seconds(value: object) -> float | None:
    """A duration the provider gave as a number or a numeric string."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if number >= 0 else None
