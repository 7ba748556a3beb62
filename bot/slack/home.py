"""The App Home tab: a person's running, upcoming and recent (7 days) requests in their own time zone, with the same
buttons as the cards (Cancel task / Stop now, +15 min / +30 min / +1 h) — and, for people with ``cancel_any``, the
whole workspace's running and upcoming ones too.

Drawn on ``app_home_opened`` (``views.publish``) and redrawn when something it shows changes state: when and for whom
is :mod:`bot.slack.home_tab`'s. At most :data:`MAX_BLOCKS` blocks; the rest is behind "show more" in ``/record list``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.catalogue import text
from bot.flow.card import provider_name
from bot.lifecycle import ACTIVE_STATES, RequestState, RequestStore, StoredRequest
from bot.recordings import RecordedFile
from bot.slack import mrkdwn
from bot.slack.cards import Block, when_text, with_files
from bot.slack.mrkdwn import Mrkdwn, code, element, escape, section
from bot.slack.outcomes import card_buttons
from bot.slack.users import Person

MAX_BLOCKS = 100  # Slack's limit for a Home tab
RECENT = timedelta(days=7)
#: Requests read per part of the tab (more are counted and left to ``/record list``).
PER_PART = 20
UPCOMING = frozenset({RequestState.CONFIRMED, RequestState.SUBMITTING, RequestState.SCHEDULED})
RECENT_STATES = frozenset(
    {RequestState.DONE, RequestState.FAILED, RequestState.UNKNOWN, RequestState.MISSED, RequestState.CANCELLED}
)
_Part = tuple[str, list[StoredRequest], int, bool]  # heading key, requests, how many there are, with buttons
#: The files of each of some requests (``store.files.files_of_many``).
FilesOf = Callable[[list[str]], Mapping[str, Sequence[RecordedFile]]]


def home_view(
    store: RequestStore,
    person: Person,
    *,
    now: datetime,
    everyone: bool = False,
    files_of: FilesOf | None = None,
) -> dict[str, Any]:
    """The Home tab of ``person`` (times in their zone); with ``everyone``, the workspace's active requests too;
    recent recordings with their files' links (``files_of``)."""
    lang, user = person.lang, person.id
    parts: list[_Part] = [
        ("home.running", *_read(store, {RequestState.RUNNING}, user), True),
        ("home.upcoming", *_read(store, UPCOMING, user), True),
        ("home.recent", *_read(store, RECENT_STATES, user, since=now - RECENT), False),
    ]
    if everyone:
        parts.append(("home.everyone", *_read(store, {*ACTIVE_STATES, *UPCOMING}, None), True))
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": text("home.title", lang)[:150]}},
        {"type": "context", "elements": [element(escape(text("home.zone", lang, timezone=person.timezone)))]},
    ]
    left_out = 0
    recent = parts[2][1]
    files = files_of([stored.id for stored in recent]) if files_of is not None and recent else {}
    for heading, found, total, actionable in parts:
        blocks.append(section(Mrkdwn(f"*{escape(text(heading, lang, count=total))}*")))
        if not found:
            blocks.append({"type": "context", "elements": [element(escape(text("home.nothing", lang)))]})
        shown = 0
        for stored in found:
            item = _item(stored, person, actionable, now, files.get(stored.id, ()) if not actionable else ())
            if len(blocks) + len(item) > MAX_BLOCKS - 1:  # keep one for "show more"
                break
            blocks.extend(item)
            shown += 1
        left_out += total - shown
    if left_out:
        more = text("home.more", lang, count=left_out)
        blocks.append({"type": "context", "elements": [element(escape(more))]})
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def _read(
    store: RequestStore, states: set[RequestState] | frozenset[RequestState], user: str | None, *,
    since: datetime | None = None,
) -> tuple[list[StoredRequest], int]:  # fmt: skip
    found = store.list_requests(states=states, requester=user, limit=PER_PART, since=since)
    return found, store.count_requests(states=states, requester=user, since=since)


def _item(
    stored: StoredRequest, person: Person, actionable: bool, now: datetime, files: Sequence[RecordedFile] = ()
) -> list[Block]:
    lang, request = person.lang, stored.request
    facts = [
        code(stored.id),
        escape(f"{request.kind} {request.target.label()} · {provider_name(request.provider, lang)}"),
        escape(when_text(stored, lang, now, person.timezone)),
        escape(text(f"flow.state.{stored.state}", lang)),
    ]
    if stored.requester != person.id:
        facts.append(mrkdwn.user(stored.requester))
    blocks: list[Block] = [section(with_files(Mrkdwn(" · ".join(facts)), files, lang))]
    buttons = card_buttons(stored, retry_is_safe=False) if actionable else []
    if buttons:
        blocks.append({"type": "actions", "block_id": f"home:{stored.id}", "elements": buttons})
    return blocks
