"""The one place where text becomes Slack mrkdwn: everything the bot posts (blocks and ``text``) is built here.

Any value from outside — what a person typed, a provider's code, message or TaskId, a stream name — is made inert:
``&``, ``<`` and ``>`` are escaped (so it can never become ``<!channel>``, a mention or a link) and backticks are
replaced by a look-alike (so it can never close a code span it is put in). The only ``<…>`` sequences the bot sends
are its own, made by :func:`user`, :func:`date` and :func:`link`, and they are passed around as :class:`Mrkdwn`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.catalogue import text
from bot.errors import BotError, Mentions

#: What stands in for a backtick inside a value (U+02CB MODIFIER LETTER GRAVE ACCENT): looks alike, closes nothing.
BACKTICK_STAND_IN = "\u02cb"
_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_GROUP_ID = re.compile(r"S[A-Z0-9]+")
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]+")


class Mrkdwn(str):
    """Text that is already safe mrkdwn (built by this module); never escaped again."""

    __slots__ = ()


def escape(value: object) -> Mrkdwn:
    """``value`` as inert mrkdwn (already-safe :class:`Mrkdwn` is kept as it is)."""
    if isinstance(value, Mrkdwn):
        return value
    raw = str(value)
    if "&" in raw or "<" in raw or ">" in raw or "`" in raw:  # most values have none: skip four copies
        raw = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", BACKTICK_STAND_IN)
    return Mrkdwn(raw)


def escape_sentence(sentence_text: str) -> Mrkdwn:
    """A sentence the bot composed (a catalogue template filled with values already made inert, help text): only
    ``&``, ``<`` and ``>`` are escaped, so its own code spans and emphasis still work."""
    return Mrkdwn(sentence_text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def code(value: object) -> Mrkdwn:
    """``value`` in a code span it cannot break out of."""
    return Mrkdwn(f"`{escape(value)}`")


def user(user_id: str) -> Mrkdwn:
    """A real mention of a Slack user (``<@U…>``); a name that is not a user id (``console``) is shown as text."""
    if _USER_ID.fullmatch(user_id):
        return Mrkdwn(f"<@{user_id}>")
    return escape(user_id)


def group(group_id: str) -> Mrkdwn:
    """A real mention of a Slack user group (``<!subteam^S…>``)."""
    if _GROUP_ID.fullmatch(group_id):
        return Mrkdwn(f"<!subteam^{group_id}>")
    return escape(group_id)


def date(moment: datetime, fallback: str) -> Mrkdwn:
    """``<!date^…>``: every viewer sees ``moment`` in their own zone (``fallback`` where Slack cannot)."""
    fallback_text = escape(fallback).replace("|", "/").replace("^", " ")
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback_text}>")


def link(url: str, label: str) -> Mrkdwn:
    """A link the bot means to send (a URL it built or checked), with a label."""
    safe_url = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return Mrkdwn(f"<{safe_url}|{escape(label).replace('|', '/')}>")


def reference(slack_id: str) -> Mrkdwn:
    """A real mention of a user (``<@U…>``), user group (``<!subteam^S…>``) or channel (``<#C…>``)."""
    if _GROUP_ID.fullmatch(slack_id):
        return group(slack_id)
    if _CHANNEL_ID.fullmatch(slack_id):
        return Mrkdwn(f"<#{slack_id}>")
    return user(slack_id)


def explain(error: BotError, lang: str) -> Mrkdwn:
    """An error's explanation, inert — except the people, groups and channels it means to name (:class:`Mentions`
    parameters), which become real mentions."""
    named = {name: value for name, value in error.params.items() if isinstance(value, Mentions)}
    clone = type(error).__new__(type(error))  # every value it carries (a provider's code or message, what was
    clone.__dict__.update(vars(error))  # typed) made inert; the error itself is left as it is
    for attribute, value in vars(error).items():
        if isinstance(value, str):
            setattr(clone, attribute, value.replace("`", BACKTICK_STAND_IN))
    tokens = {name: f"\x00{index}\x00" for index, name in enumerate(named)}
    clone.params = {
        name: tokens.get(name, value.replace("`", BACKTICK_STAND_IN) if isinstance(value, str) else value)
        for name, value in error.params.items()
    }
    rendered = str(escape_sentence(clone.render(lang)))
    for name, token in tokens.items():
        rendered = rendered.replace(token, ", ".join(reference(i) for i in named[name].ids()))
    return Mrkdwn(rendered)


def sentence(key: str, lang: str, /, **params: Any) -> Mrkdwn:
    """A catalogue sentence (trusted mrkdwn) with every parameter made inert unless it is :class:`Mrkdwn`."""
    return Mrkdwn(text(key, lang, **{name: escape(value) for name, value in params.items()}))


def join(parts: list[Mrkdwn], separator: str = " ") -> Mrkdwn:
    """Safe parts joined by a plain separator."""
    return Mrkdwn(str(escape(separator)).join(parts))


def section(value: Mrkdwn, limit: int = 3000) -> dict[str, Any]:
    """A section block with ``value`` (cut to Slack's limit without leaving half an escape)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(value, limit)}}


def element(value: Mrkdwn, limit: int = 2000) -> dict[str, Any]:
    """A mrkdwn text element (fields, context)."""
    return {"type": "mrkdwn", "text": _cut(value, limit)}


def _cut(value: Mrkdwn, limit: int) -> str:
    if len(value) <= limit:
        return str(value)
    cut = value[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # never leave "&am" behind
    return cut + "…"
