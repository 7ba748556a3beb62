"""Everything an adapter stands on, opened together at startup: configuration, providers, store, command reader.

:func:`open_services` reports every configuration problem at once, together with the adapter's own (``problems``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import Config, load_config
from bot.core.commands import help_text
from bot.core.model import Command, Kind
from bot.core.parser import parse_command
from bot.errors import ConfigError
from bot.flow.admission import Admission
from bot.flow.outcome import Notifier
from bot.flow.ports import AuditTrail, ProviderLookup
from bot.flow.requests import RequestFlow
from bot.permissions import Action, GroupMembers, Permissions
from bot.provider_info import PROVIDER_KEYS
from bot.store import SqlRequestStore, open_store
from bot.store.health import remember_database_password, store_file_present
from bot.timekeeping import Clock, utc_now
from providers.ratelimit import RateLimits
from providers.registry import build_registry


@dataclass
class Services:
    """The core pieces every adapter shares."""

    config: Config
    store: SqlRequestStore
    providers: ProviderLookup
    clock: Clock = field(default=utc_now)
    group_members: GroupMembers | None = None  # user-group membership for permission rules (Slack supplies it)

    def permissions(self) -> Permissions:
        """The configured permission rules."""
        return Permissions(self.config.permissions, group_members=self.group_members)

    def parse(self, text: str, *, timezone: str, kind: Kind | None = None) -> Command:
        """Read a command typed by a person in ``timezone`` (raises :class:`~bot.errors.ParseError`)."""
        return parse_command(text, now=self.clock(), tz=timezone, config=self.config, kind=kind, allow_series=True)

    def help(self, kind: Kind, lang: str, *, user: str | None = None, channel: str | None = None) -> str:
        """Help with examples, generated from the same command table the parser uses; with ``user``, only what
        that person may do here (on at least one provider)."""
        if user is None:
            return help_text(kind, lang)
        permissions = self.permissions()
        guarded = {action.value: action for action in Action}

        def allowed(name: str) -> bool:
            action = guarded.get(name)
            return action is None or any(permissions.allowed(user, action, key, channel) for key in PROVIDER_KEYS)

        return help_text(kind, lang, allowed)

    def flow(self, notifier: Notifier, *, workers: int = 16, overlaps_after_ack: bool = False) -> RequestFlow:
        """A request flow over these services, reporting to ``notifier``, its windows kept by the store's jobs; with
        ``overlaps_after_ack`` a new card's overlaps are read just after it is shown (Slack's acknowledgements)."""
        audit: AuditTrail = self.store.audit
        permissions = self.permissions()
        engine = self.store.engine
        admission = Admission(
            permissions=permissions,
            providers=self.providers,
            audit=audit,
            allowed_source_hosts=self.config.relay.allowed_source_hosts,
            store_probe=lambda: store_file_present(engine),
        )
        return RequestFlow(
            store=self.store,
            providers=self.providers,
            notifier=notifier,
            clock=self.clock,
            workers=workers,
            permissions=permissions,
            jobs=self.store.jobs,
            audit=audit,
            card_lifetime=timedelta(hours=self.config.bot.card_lifetime_hours),
            stale_after=timedelta(seconds=self.config.bot.reconcile_after_seconds),
            admission=admission,
            series_lead=timedelta(hours=self.config.bot.series_lead_hours),
            overlaps_after_ack=overlaps_after_ack,
        )


def open_services(
    env: Mapping[str, str] | None = None, *, problems: Sequence[str] = (), clock: Clock = utc_now
) -> Services:
    """Load the configuration, build the provider registry and open the store.

    ``problems`` are the adapter's own configuration problems; they are reported in the same
    :class:`~bot.errors.ConfigError` as everything found here.
    """

    env = os.environ if env is None else env
    found = list(problems)
    config: Config | None = None
    try:
        config = load_config(env=env)
    except ConfigError as exc:
        found.extend(exc.problems)
    store = None
    remember_database_password(env)
    try:
        store = open_store(env=env, clock=clock)
    except ConfigError as exc:  # also an unreachable or garbage DATABASE_URL, named without a traceback
        found.extend(exc.problems)
    registry = None
    if config is not None:
        # Provider calls are paced through the database, so every replica together stays under each limit.
        limits = RateLimits(book=store.departures) if store is not None else None
        try:
            registry = build_registry(config.providers, clock=clock, limits=limits)
        except ConfigError as exc:
            found.extend(exc.problems)
    if found or config is None or registry is None or store is None:
        raise ConfigError(found)
    return Services(config=config, store=store, providers=registry, clock=clock)
