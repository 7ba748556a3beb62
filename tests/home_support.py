"""Helpers for the Home tab's end-to-end tests (tests/test_home.py, tests/test_home_replicas.py): what the fake Slack
was asked to publish, checked with slack_sdk's View model, and moving a tab's last publication back in time."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.models.views import View

from bot.slack.home import MAX_BLOCKS
from bot.store import SqlRequestStore
from bot.store.tables import home_views
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer, app_home_opened_body


def open_home(server: BotServer, user: str) -> None:
    """``user`` opens the app's Home tab (a signed ``app_home_opened`` event)."""
    assert server.event(app_home_opened_body(event_id=f"Ev{secrets.token_hex(6)}", user=user)).status_code == 200


def published(slack_api: FakeSlack, user: str) -> list[dict[str, Any]]:
    """Every Home tab published for ``user``, in order, each checked with slack_sdk's View model (≤ 100 blocks)."""
    found = []
    for call in slack_api.calls_to("views.publish", user_id=user):
        view = call.params["view"]
        view = view if isinstance(view, dict) else json.loads(view)
        View(**view).validate_json()
        assert len(view["blocks"]) <= MAX_BLOCKS
        found.append(view)
    return found


def shows(view: dict[str, Any], request_id: str, state: str) -> bool:
    """Whether the tab lists the request in that state."""
    return any(f"`{request_id}`" in str(b) and f"· {state}" in str(b) for b in view["blocks"])


def as_if_published_long_ago(store: SqlRequestStore, user: str) -> None:
    """Move the tab's last publication an hour back: the next change is outside the quiet interval."""
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    with store.engine.begin() as connection:
        connection.execute(home_views.update().where(home_views.c.user_id == user).values(published_at=long_ago))
