"""The adapter-neutral request flow (used by the Slack app and the console) and what a card says."""

from bot.flow.card import CardContent, describe
from bot.flow.outcome import Event, Notifier, Outcome
from bot.flow.ports import ProviderLookup
from bot.flow.requests import RequestFlow

__all__ = ["CardContent", "Event", "Notifier", "Outcome", "ProviderLookup", "RequestFlow", "describe"]
