"""Which request a callback (or a looked-up file) belongs to: by the provider's task id where it carries one,
otherwise by provider + domain/app/stream + a moment inside the request's window."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Protocol

from bot.callbacks.model import StreamRef
from bot.core.model import ChannelTarget, StreamTarget
from bot.lifecycle import RequestState, StoredRequest

S = RequestState
#: A file may start a little before the window (a clock apart) or be cut a little after it.
WINDOW_MARGIN = timedelta(minutes=2)
#: States in which a request may still gain a file or hear of trouble.
FOLLOWED_STATES = frozenset({S.SCHEDULED, S.RUNNING, S.DONE, S.CANCELLING, S.CANCELLED, S.UNKNOWN})


class RequestsByTaskAndWindow(Protocol):
    """What matching needs from the store (:class:`bot.store.SqlRequestStore` fits)."""

    def find_by_task_id(self, provider: str, task_id: str) -> StoredRequest | None: ...

    def windows_around(
        self, provider: str, moment: datetime, *, margin: timedelta, states: Collection[RequestState]
    ) -> list[StoredRequest]: ...


class Matcher:
    """Finds a callback's request. ``domains``: the push domains/vhosts configured per provider (a callback naming
    another domain is not ours)."""

    def __init__(self, store: RequestsByTaskAndWindow, domains: Mapping[str, Collection[str]]) -> None:
        self.store = store
        self.domains = domains

    def find(
        self, provider: str, *, task_id: str | None, stream: StreamRef | None, at: datetime | None
    ) -> StoredRequest | None:
        """The request, or None when nothing matches (the callback is then only audited)."""
        if task_id:
            owner = self.store.find_by_task_id(provider, task_id)
            return owner if owner is not None and owner.state in FOLLOWED_STATES else None
        if stream is None or at is None:
            return None
        known = self.domains.get(provider)
        if stream.domain and known and stream.domain not in known:
            return None
        for stored in self.store.windows_around(provider, at, margin=WINDOW_MARGIN, states=FOLLOWED_STATES):
            if _same_stream(stored, stream):
                return stored
        return None


def _same_stream(stored: StoredRequest, stream: StreamRef) -> bool:
    target = stored.request.target
    if isinstance(target, StreamTarget):
        return target.stream == stream.stream and (stream.app is None or target.app == stream.app)
    if isinstance(target, ChannelTarget):
        return target.channel_id == stream.stream
    return False
