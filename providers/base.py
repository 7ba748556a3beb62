"""What every provider offers, and the values its calls return.

A provider is "build request / parse response" plus an ``httpx.Auth`` signer. The interface is deliberately small:

- :meth:`Provider.validate` — every problem with a request, before any network call;
- :meth:`Provider.plan` — the exact signed HTTP request(s) Confirm would send, rendered for a dry run (secrets masked);
- :meth:`Provider.create` / :meth:`Provider.cancel` — send, parse, return a :class:`TaskResult` or raise one
  :class:`~bot.errors.ProviderError`;
- :meth:`Provider.find` — look a task up (to avoid duplicates after an unclear outcome), where the provider can;
- :meth:`Provider.status` — what the provider says of a task it holds (at the window's start and end), where it can;
- :meth:`Provider.extend_in_place` — move a held task's end later, where the provider can change a task (a Volcengine
  relay); elsewhere an extension is a follow-on task from the old end to the new.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.model import TaskRequest


@dataclass(frozen=True)
class TaskResult:
    """A provider accepted a call. ``task_id`` is what the user cancels by; ``request_id`` is for support."""

    provider: str
    action: str
    task_id: str
    request_id: str | None


class TaskStatus(enum.StrEnum):
    """What a provider says of one of its tasks."""

    WAITING = "waiting"  # created, not started yet
    RUNNING = "running"  # recording or relaying now
    ENDED = "ended"  # its window ended
    STOPPED = "stopped"  # someone stopped it (the bot, or a person in the provider's console)
    GONE = "gone"  # the provider has no such task (deleted, or never created)


@dataclass(frozen=True)
class PlannedCall:
    """One HTTP request as it would be sent (headers signed, secrets masked). ``send_at`` None means at once."""

    provider: str
    action: str
    method: str
    url: str
    headers: Mapping[str, str]
    body: str
    send_at: datetime | None = None


class Provider(Protocol):
    """One provider family (``volc``, ``tencent``, ``qcloud``, ``trro``)."""

    key: str
    #: True when the provider keeps the window itself; False (trro) when the bot must create at the start of the
    #: window and cancel at its end.
    keeps_window: bool
    #: True when :meth:`find` can look a task up.
    can_look_up: bool
    #: True when :meth:`status` can tell what the provider says of a task.
    can_report_status: bool

    def validate(self, request: TaskRequest, now: datetime) -> None:
        """Raise :class:`~bot.errors.ValidationError` listing every problem, or return."""
        ...

    def plan(self, request: TaskRequest, now: datetime) -> list[PlannedCall]:
        """The requests Confirm would send at ``now``, signed with the configured credentials, secrets masked."""
        ...

    def create(self, request: TaskRequest) -> TaskResult:
        """Create the task (validates first). Raises :class:`~bot.errors.ProviderError`."""
        ...

    def cancel(self, request: TaskRequest, task_id: str) -> TaskResult:
        """Stop or delete the task created for ``request``."""
        ...

    def find(self, request: TaskRequest) -> str | None:
        """The TaskId of an existing task matching ``request``, or None when the provider certainly has none (the
        answer is trusted: the request then fails as safe to retry). Raises :class:`~bot.errors.ProviderError` when
        the look-up cannot tell. Only when :attr:`can_look_up`."""
        ...

    def tasks_per_stream(self, request: TaskRequest) -> int | None:
        """How many tasks like ``request`` the provider holds on one stream at a time (None: no documented cap)."""
        ...

    def can_extend_in_place(self, request: TaskRequest) -> bool:
        """True when :meth:`extend_in_place` can move the end of ``request``'s task (no follow-on task needed)."""
        ...

    def extend_in_place(self, request: TaskRequest, task_id: str) -> TaskResult:
        """Change task ``task_id`` so it ends at ``request.window.end`` (``request`` is the extended request).
        Only when :meth:`can_extend_in_place`. Raises :class:`~bot.errors.ProviderError`."""
        ...

    def status(self, request: TaskRequest, task_id: str) -> TaskStatus:
        """What the provider says of task ``task_id`` of ``request``. Raises :class:`~bot.errors.ProviderError`
        when the look-up cannot tell. Only when :attr:`can_report_status`."""
        ...
