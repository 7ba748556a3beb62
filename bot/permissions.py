"""Who may do what: rules by Slack ID from the ``[permissions]`` configuration, per action and per provider.

    [permissions]
    admins = ["U01ADMIN"]               # named as "who can help" when nobody else is listed (optional)
    record = ["*"]                      # default: everyone
    relay = ["*"]                       # default: everyone
    relay_permanent = ["U01ALICE", "S02OPS"]   # default: nobody
    cancel_any = ["S02OPS"]             # default: nobody (everyone may always cancel their own requests)

    [permissions.trro]                  # for one provider: replaces the rules above for the actions it names
    record = ["C03ROBOTS", "S04ROBOTEAM"]

An entry is a user (``U…``/``W…``), a channel (``C…``/``G…``: anyone acting in it), a user group (``S…``: its
members), or ``"*"`` (everyone). Anyone matching any entry is allowed. The channel is always the one where the person
acts (not where a request was made); outside any channel (the App Home tab, a DM with the bot) only user, user-group
and ``"*"`` entries apply.

The module is pure: user-group membership comes from a callable the Slack side supplies (``usergroups.users.list``,
cached), so the same rules work in the console and in tests.
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from bot.core.model import TaskRequest
from bot.errors import Mentions, PermissionDenied
from bot.provider_info import PROVIDER_KEYS

log = logging.getLogger(__name__)

EVERYONE = "*"
_ID = re.compile(r"^[UWCGS][A-Z0-9]{2,}$")


class Action(enum.StrEnum):
    RECORD = "record"
    RELAY = "relay"
    RELAY_PERMANENT = "relay_permanent"  # a relay without an end
    CANCEL_ANY = "cancel_any"  # cancel someone else's request


DEFAULT_RULES: Mapping[Action, tuple[str, ...]] = {
    Action.RECORD: (EVERYONE,),
    Action.RELAY: (EVERYONE,),
    Action.RELAY_PERMANENT: (),
    Action.CANCEL_ANY: (),
}

#: Given a user-group id (``S…``), the user ids in it. May raise; a failure counts as "not a member".
GroupMembers = Callable[[str], Collection[str]]


@dataclass(frozen=True)
class PermissionSettings:
    """The ``[permissions]`` table, checked."""

    rules: Mapping[Action, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_RULES))
    providers: Mapping[str, Mapping[Action, tuple[str, ...]]] = field(default_factory=dict)
    admins: tuple[str, ...] = ()


def action_for(request: TaskRequest) -> Action:
    """The permission a request needs: a relay without a window is permanent."""
    if request.kind == "relay":
        return Action.RELAY_PERMANENT if request.window is None else Action.RELAY
    return Action.RECORD


def acting_channel(channel: str | None) -> str | None:
    """``channel`` when it is a channel that rules can name (``C…``/``G…``); None for a DM with the bot (``D…``),
    the App Home tab, or anything else that is not a channel."""
    if channel and channel.startswith(("C", "G")):
        return channel
    return None


class Permissions:
    """Answers "may this person do this here?" from the configured rules."""

    def __init__(self, settings: PermissionSettings | None = None, *, group_members: GroupMembers | None = None):
        self.settings = settings or PermissionSettings()
        self.group_members = group_members

    def rule(self, action: Action, provider: str) -> tuple[str, ...]:
        """The entries allowed to do ``action`` on ``provider`` (the provider's own rule wins)."""
        own = self.settings.providers.get(provider, {})
        if action in own:
            return own[action]
        return self.settings.rules.get(action, DEFAULT_RULES[action])

    def allowed(self, actor: str, action: Action, provider: str, channel: str | None = None) -> bool:
        """Whether ``actor`` may do ``action`` on ``provider`` acting in ``channel``. Usable as the help filter."""
        here = acting_channel(channel)
        for entry in self.rule(action, provider):
            if entry in (EVERYONE, actor) or (here is not None and entry == here):
                return True
            if entry.startswith("S") and self._in_group(actor, entry):
                return True
        return False

    def check(self, actor: str, action: Action, provider: str, channel: str | None = None) -> None:
        """Return if allowed; otherwise raise :class:`~bot.errors.PermissionDenied` naming who can help."""
        if self.allowed(actor, action, provider, channel):
            return
        self._deny(action, provider)

    def _deny(self, action: Action, provider: str, first: Sequence[str] = ()) -> NoReturn:
        listed = [entry for entry in self.rule(action, provider) if entry != EVERYONE] or list(self.settings.admins)
        helpers = [*first, *(entry for entry in listed if entry not in first)]
        if helpers:
            raise PermissionDenied(
                f"permission.{action.value}.denied",
                provider=provider,
                helpers=Mentions.of(helpers),
            )
        raise PermissionDenied(f"permission.{action.value}.nobody", provider=provider)

    def check_request(self, actor: str, request: TaskRequest, channel: str | None = None) -> None:
        """:meth:`check` for creating ``request`` (record, relay, or permanent relay)."""
        self.check(actor, action_for(request), request.provider, channel)

    def check_cancel(self, actor: str, requester: str, provider: str, channel: str | None = None) -> None:
        """Everyone may cancel their own requests; someone else's needs ``cancel_any``. A refusal names the
        requester first among those who can help."""
        if actor != requester and not self.allowed(actor, Action.CANCEL_ANY, provider, channel):
            self._deny(Action.CANCEL_ANY, provider, first=(requester,))

    def actions(self, actor: str, provider: str, channel: str | None = None) -> frozenset[Action]:
        """Everything ``actor`` may do on ``provider`` here (what ``help`` should show)."""
        return frozenset(a for a in Action if self.allowed(actor, a, provider, channel))

    def _in_group(self, actor: str, group: str) -> bool:
        if self.group_members is None:
            return False
        try:
            return actor in self.group_members(group)
        except Exception:  # a lookup failure must refuse, never allow
            log.warning("could not list the members of user group %s; treating %s as not a member", group, actor)
            return False


# --- configuration ------------------------------------------------------------------------------------------------


def load_permission_settings(
    table: Mapping[str, Any], env: Mapping[str, str], problems: list[str]
) -> PermissionSettings:
    """The ``[permissions]`` loader for :data:`bot.config.SECTION_LOADERS`; adds every problem to ``problems``."""
    rules: dict[Action, tuple[str, ...]] = dict(DEFAULT_RULES)
    providers: dict[str, dict[Action, tuple[str, ...]]] = {}
    admins: tuple[str, ...] = ()
    for key, value in table.items():
        if key == "admins":
            admins = tuple(e for e in _entries("[permissions] admins", value, problems) if e != EVERYONE)
        elif key in Action.__members__.values():
            rules[Action(key)] = _entries(f"[permissions] {key}", value, problems)
        elif key in PROVIDER_KEYS and isinstance(value, Mapping):
            providers[key] = _provider_rules(key, value, problems)
        else:
            problems.append(
                f"[permissions] {key}: unknown setting; use admins, {', '.join(Action)} "
                f"or a provider table such as [permissions.trro]"
            )
    return PermissionSettings(rules=rules, providers=providers, admins=admins)


def _provider_rules(provider: str, table: Mapping[str, Any], problems: list[str]) -> dict[Action, tuple[str, ...]]:
    rules: dict[Action, tuple[str, ...]] = {}
    for key, value in table.items():
        if key in Action.__members__.values():
            rules[Action(key)] = _entries(f"[permissions.{provider}] {key}", value, problems)
        else:
            problems.append(f"[permissions.{provider}] {key}: unknown action; use one of {', '.join(Action)}")
    return rules


def _entries(where: str, value: Any, problems: list[str]) -> tuple[str, ...]:
    example = '["U01ALICE", "S02OPS", "C03ROBOTS"] or ["*"]'
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: must be a list of Slack IDs such as {example}")
        return ()
    entries = tuple(v.strip() for v in value)
    bad = [v for v in entries if v != EVERYONE and not _ID.match(v)]
    if bad:
        problems.append(
            f"{where}: {', '.join(repr(b) for b in bad)} not a Slack ID (users U…, channels C…/G…, "
            f'user groups S…, or "*"), e.g. {example}'
        )
    return tuple(v for v in entries if v not in bad)
