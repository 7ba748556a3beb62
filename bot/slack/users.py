"""Who is asking: each Slack user's time zone and language (``users.info``), cached.

Looked up on the acknowledgement path, so the client given here should have a short timeout and no rate-limit
waits; when Slack does not answer, the configured zone is used and :attr:`Person.known` is False — the card then says
plainly which zone it used (never silently wrong).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.catalogue import Lang, normalize_lang

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    """A Slack user as the bot needs them."""

    id: str
    timezone: str
    lang: Lang
    known: bool = True  # False when Slack could not tell us and defaults were used


class UserDirectory:
    """``users.info`` with ``include_locale``, cached per user for ``ttl`` seconds."""

    def __init__(
        self,
        client: WebClient,
        *,
        default_timezone: str,
        ttl: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._default_timezone = default_timezone
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, Person]] = {}
        self._lock = threading.Lock()

    def lookup(self, user_id: str) -> Person:
        """The user's zone and language; defaults (not cached) when Slack cannot say."""
        now = self._clock()
        with self._lock:
            hit = self._cache.get(user_id)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        try:
            response = self._client.users_info(user=user_id, include_locale=True)
        except (SlackApiError, OSError) as exc:
            log.warning("users.info failed for %s: %s", user_id, type(exc).__name__)
            return Person(user_id, self._default_timezone, "en", known=False)
        data = response.get("user") or {}
        zone = _valid_zone(data.get("tz"), self._default_timezone)
        # a missing or unknown zone falls back to the default, which the card then names
        person = Person(user_id, zone, normalize_lang(data.get("locale")), known=zone == data.get("tz"))
        with self._lock:
            self._cache[user_id] = (now, person)
        return person


def _valid_zone(zone: object, default: str) -> str:
    if isinstance(zone, str) and zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            return default
        return zone
    return default


class GroupDirectory:
    """Members of a Slack user group (``usergroups.users.list``, scope ``usergroups:read``), cached for ``ttl``
    seconds. Used by the permission rules; a failure raises, which the rules treat as "not a member"."""

    def __init__(self, client: WebClient, *, ttl: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def members(self, group_id: str) -> frozenset[str]:
        now = self._clock()
        with self._lock:
            hit = self._cache.get(group_id)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        response = self._client.usergroups_users_list(usergroup=group_id)
        members = frozenset(str(user) for user in response.get("users") or ())
        with self._lock:
            self._cache[group_id] = (now, members)
        return members
