"""Helpers shared by the fault tests (``tests/test_faults_*.py``): a bot server started with short provider timeouts,
and the steps every fault case takes — propose, confirm, then read the card's final state and the thread reply.

The fixtures of :mod:`tests.fixtures_slack` (fake Slack, fake providers) are reused; only the server differs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.providers import TEST_CREDENTIALS, FakeProviders
from tests.fakes.slack import Call, FakeSlack
from tests.fakes.slack_requests import BotServer
from tests.fixtures_slack import REQUESTER, SECRET, click, command, request_id_of, serve_env, unique

#: Provider client timeout of the fault servers: short, so a "provider hangs" case takes seconds, not minutes.
PROVIDER_TIMEOUT = 1.0


def server_env(home: Path, slack: FakeSlack, fakes: FakeProviders, toml: str = "", **extra: str) -> dict[str, str]:
    """The environment of a ``python -m bot serve`` process talking to the fakes, with short provider timeouts."""
    return serve_env(home, slack, fakes, toml, provider_timeout=PROVIDER_TIMEOUT, **extra)


def start_server(home: Path, slack: FakeSlack, fakes: FakeProviders, toml: str = "", **extra: str) -> BotServer:
    return BotServer(server_env(home, slack, fakes, toml, **extra), signing_secret=SECRET, cwd=str(home)).start()


#: The fakes' credentials that are secret (the qcloud appid, "1234", is an account number and too short to search for).
SECRETS = tuple(value for name, value in TEST_CREDENTIALS.items() if name != "QCLOUD_LIVE_APPID")


def leaked_lines(server: BotServer, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    """Lines of the server's log (stdout and stderr) that contain a secret."""
    return [line for line in server.log if any(secret in line for secret in secrets)]


#: How a Slack response_url shows in a log line (the fake's and the real one): anyone holding it can post as the bot
#: for 30 minutes, so it must never be logged.
RESPONSE_URL_MARKS = ("/response/", "hooks.slack.com")


def replayable_lines(server: BotServer) -> list[str]:
    """Lines of the server's log that contain a response_url."""
    return [line for line in server.log if any(mark in line for mark in RESPONSE_URL_MARKS)]


@dataclass
class Submission:
    """One card confirmed in its own channel: where to look for what happened to it."""

    request_id: str
    channel: str
    card_ts: str
    token: str  # the click's response_url token (card updates arrive there)
    stream: str

    def card_states(self, slack: FakeSlack) -> list[str]:
        """Every version of the card sent since the click (``replace_original`` posts and ``chat.update``), as text."""
        replaced = [c for c in slack.calls_to(f"response_url:{self.token}") if c.params.get("replace_original")]
        updated = slack.calls_to("chat.update", channel=self.channel, ts=self.card_ts)
        return [str(c.params.get("text", "")) for c in sorted(replaced + updated, key=lambda c: c.at)]

    def thread(self, slack: FakeSlack, count: int = 1, timeout: float = 30.0) -> list[Call]:
        """Replies in the card's thread (``chat.postMessage`` or, when the bot is not in the channel, the
        response_url with ``thread_ts``)."""
        deadline = time.monotonic() + timeout
        while True:
            posted = slack.calls_to("chat.postMessage", channel=self.channel, thread_ts=self.card_ts)
            relayed = [
                c for c in slack.calls_to(f"response_url:{self.token}") if c.params.get("thread_ts") == self.card_ts
            ]
            if len(posted) + len(relayed) >= count:
                return posted + relayed
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} thread repl(ies) for {self}, got {posted + relayed}")
            time.sleep(0.02)

    def final_state(self, slack: FakeSlack, timeout: float = 30.0) -> str:
        """The card's last version once it left "Submitting…"."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.card_states(slack)
            if states and "Submitting" not in states[-1]:
                return states[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"the card of {self} never left 'Submitting': {states}")
            time.sleep(0.02)


def submit(
    server: BotServer,
    slack: FakeSlack,
    text: str,
    *,
    stream: str,
    prefix: str = "CFAULT",
    user: str = REQUESTER,
    token: str | None = None,
) -> Submission:
    """``/record <text>`` (``{stream}`` is filled in), then Confirm on the card (its response_url ends in ``token``);
    returns where to look."""
    channel = unique(prefix)
    card = command(server, slack, text.format(stream=stream), user=user, channel=channel)
    assert card.get("response_type") == "in_channel", card
    request_id = request_id_of(card)
    token = token or unique("fault")
    card_ts = f"{1_800_000_000 + int(channel[len(prefix) :])}.000100"
    answer = click(
        server, slack, "request_confirm", request_id, user=user, channel=channel, card_ts=card_ts, response_token=token
    )
    assert answer.status_code == 200, answer.text
    return Submission(request_id, channel, card_ts, token, stream)


def text_of(call: Call) -> str:
    """A Slack message's text and blocks, as one searchable string."""
    params: dict[str, Any] = call.params
    return f"{params.get('text', '')} {params.get('blocks', '')}"
