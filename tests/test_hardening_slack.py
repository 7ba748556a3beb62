"""The adversarial review's breaks (issue 13), each through the real ``serve`` process with signed Slack requests:
dry runs pass the checks of a proposal and show no usable signature, Slack's escaping is undone once on input,
permission channels mean where the person acts, relay sources on private hosts and dot-only names are refused."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.store import SqlRequestStore, open_store
from tests.durable_support import dumps, press, request_id_of, server_env, slash, start_server, wait_thread
from tests.fakes.providers import FakeProviders
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import BotServer, app_mention_body
from tests.fixtures_slack import OTHER, REQUESTER, unique

CAROL = "UCAROL"  # may relay permanently
SETTINGS = """
[permissions]
relay_permanent = ["UCAROL"]
cancel_any = ["COPS"]

[permissions.trro]
record = ["CROBOTS"]

[relay]
allowed_source_hosts = ["10.0.0.5"]
"""
#: A real signature: the hex after ``Signature=`` (Authorization headers) or ``sign=`` (legacy query parameter).
REAL_SIGNATURE = re.compile(r"(?:Signature|sign)=[0-9a-f]{8,}")


@dataclass
class Bot:
    server: BotServer
    store: SqlRequestStore


@pytest.fixture(scope="module")
def bot(slack_api: FakeSlack, provider_fakes: FakeProviders, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    slack_api.set_user(CAROL)
    home: Path = tmp_path_factory.mktemp("harden")
    server = start_server(server_env(home, slack_api, provider_fakes, SETTINGS), home)
    store = open_store(f"sqlite:///{home / 'data' / 'bot.sqlite3'}", migrate=False)
    yield Bot(server, store)
    server.stop()
    store.engine.dispose()
    assert not [line for line in server.log if "Traceback" in line]


def audit_rows(bot: Bot, action: str, actor: str) -> list[str]:
    return [e.raw_text or "" for e in bot.store.audit.events() if e.action == action and e.actor == actor]


# --- 1. dry runs -------------------------------------------------------------------------------------------------


def test_a_dry_run_needs_the_permission_a_proposal_needs_and_is_audited(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream = unique("dryperm")
    typed = f"live/{stream} from rtmp://src.example.com/live/in?txSecret=tok3n permanent dry-run"
    refused = slash(bot.server, slack_api, typed, user=REQUESTER, channel="CGENERAL", command="/relay")
    assert refused["response_type"] == "ephemeral"
    assert "Authorization" not in dumps(refused) and "relay" in refused["text"].lower()
    assert any(stream in text for text in audit_rows(bot, "denied", REQUESTER))

    shown = slash(bot.server, slack_api, typed, user=CAROL, channel="CGENERAL", command="/relay")
    rendered = dumps(shown)
    assert "CreateRelaySourceV4" in rendered and "Signature=****" in rendered
    assert "tok3n" not in rendered and "rtmp://src.example.com/live/in?…" in rendered
    assert not REAL_SIGNATURE.search(rendered)
    assert any(stream in text for text in audit_rows(bot, "dry_run", CAROL))
    assert not [c for c in provider_fakes.volc.calls_to("CreateRelaySourceV4") if c.params.get("Stream") == stream]


def test_a_dry_run_obeys_channel_rules_and_masks_legacy_signatures(bot: Bot, slack_api: FakeSlack) -> None:
    typed = "dev9/0 tomorrow 15:00 to 16:00 on trro dry-run"
    outside = slash(bot.server, slack_api, typed, user=REQUESTER, channel="CGENERAL")
    assert "CreateCloudRecording" not in dumps(outside)
    inside = dumps(slash(bot.server, slack_api, typed, user=REQUESTER, channel="CROBOTS"))
    assert "CreateCloudRecording" in inside and "Signature=****" in inside

    legacy = dumps(slash(bot.server, slack_api, "8888_dry tomorrow 8pm-10pm on qcloud dry-run", user=REQUESTER,
                         channel="CGENERAL"))  # fmt: skip
    assert "sign=****" in legacy and not REAL_SIGNATURE.search(legacy)


# --- 2. Slack's escaping ------------------------------------------------------------------------------------------


def test_an_escaped_ampersand_reaches_the_provider_as_typed(
    bot: Bot, slack_api: FakeSlack, provider_fakes: FakeProviders
) -> None:
    stream, channel, ts = unique("amp"), unique("CAMP"), "1813000001.000100"
    typed = f"live/{stream} from rtmp://src.example.com/live/in?a=1&amp;b=2 tomorrow 9am to 11am"
    card = slash(bot.server, slack_api, typed, user=REQUESTER, channel=channel, command="/relay")
    press(bot.server, slack_api, "request_confirm", request_id_of(card), user=REQUESTER, channel=channel,
          message_ts=ts)  # fmt: skip
    wait_thread(slack_api, channel, ts, "TaskId")
    (call,) = [c for c in provider_fakes.volc.calls_to("CreateRelaySourceV4") if c.params.get("Stream") == stream]
    assert call.params["SrcAddrS"] == ["rtmp://src.example.com/live/in?a=1&b=2"]
    stored = bot.store.get(request_id_of(card))
    assert stored is not None and "a=1" not in stored.text  # the query is sent, never kept in the shown text
    audited = [e.request for e in bot.store.audit.events(request_id=stored.id) if e.request]
    assert audited and all(e["sources"] == ["rtmp://src.example.com/live/in?…"] for e in audited)


def test_a_link_slack_wrapped_in_a_mention_is_a_source(bot: Bot, slack_api: FakeSlack) -> None:
    stream, channel = unique("link"), unique("CLINK")
    source = "<http://src.example.com/live/in.flv?a=1&amp;b=2|src.example.com/live/in.flv>"
    body = app_mention_body(event_id=unique("Ev"), user=REQUESTER, channel=channel, ts="1813000002.000100",
                            text=f"<@UBOT> relay live/{stream} from {source} tomorrow 9am to 11am")  # fmt: skip
    assert bot.server.event(body).status_code == 200
    (card,) = slack_api.wait_for("chat.postMessage", channel=channel)
    assert request_id_of(card.params)


def test_an_ephemeral_answer_never_echoes_a_broadcast(bot: Bot, slack_api: FakeSlack) -> None:
    answer = slash(
        bot.server, slack_api, "live/x tomorrow 15:00 to 15:30 <!channel>", user=REQUESTER, channel="CGENERAL"
    )
    assert answer["response_type"] == "ephemeral"
    assert "<!channel>" not in dumps(answer)


# --- 3. permission channels ---------------------------------------------------------------------------------------


def test_cancel_any_counts_where_the_person_acts(bot: Bot, slack_api: FakeSlack) -> None:
    made_in_ops = request_id_of(slash(bot.server, slack_api, f"live/{unique('ops')} tomorrow 15:00 to 15:30",
                                      user=REQUESTER, channel="COPS"))  # fmt: skip
    refused = slash(bot.server, slack_api, f"cancel {made_in_ops}", user=OTHER, channel="CGENERAL")
    assert "Cancelled" not in refused["text"]
    assert bot.store.get(made_in_ops).state == "proposed"  # type: ignore[union-attr]

    made_elsewhere = request_id_of(slash(bot.server, slack_api, f"live/{unique('gen')} tomorrow 15:00 to 15:30",
                                         user=REQUESTER, channel="CGENERAL"))  # fmt: skip
    allowed = slash(bot.server, slack_api, f"cancel {made_elsewhere}", user=OTHER, channel="COPS")
    assert f"Cancelled {made_elsewhere}" in allowed["text"]


# --- 6. relay sources, 7. names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "http://169.254.169.254/latest",
        "rtmp://127.0.0.1:6379/x",
        "rtmp://localhost/live/x",
        "rtmp://[::1]/live/x",
        "rtmp://0x7f000001/live/x",
        "rtmp://2130706433/live/x",
        "rtmp://0177.0.0.1/live/x",
        "rtmp://127.1/live/x",
        "rtmp://[::ffff:127.0.0.1]/live/x",
        "rtmp://10.0.0.6/live/x",
        "rtmp://cam.local/live/x",
        "rtmp://encoder.internal/live/x",
    ],
)
def test_relay_sources_on_private_hosts_are_refused(bot: Bot, slack_api: FakeSlack, source: str) -> None:
    answer = slash(bot.server, slack_api, f"live/{unique('priv')} from {source} tomorrow 9am to 11am",
                   user=REQUESTER, channel="CGENERAL", command="/relay")  # fmt: skip
    assert answer["response_type"] == "ephemeral", answer
    assert "private" in answer["text"]


def test_an_allowed_private_host_and_credentials_in_a_source(bot: Bot, slack_api: FakeSlack) -> None:
    allowed = slash(bot.server, slack_api, f"live/{unique('lan')} from rtmp://10.0.0.5/live/x tomorrow 9am to 11am",
                    user=REQUESTER, channel="CGENERAL", command="/relay")  # fmt: skip
    assert allowed["response_type"] == "in_channel", allowed
    stream = unique("cred")
    refused = slash(bot.server, slack_api, f"live/{stream} from rtmp://user:hunter2@src.example.com/live/x tomorrow 9am "
                    "to 11am", user=REQUESTER, channel="CGENERAL", command="/relay")  # fmt: skip
    assert refused["response_type"] == "ephemeral" and "password" in refused["text"]
    assert "hunter2" not in dumps(refused)
    assert not any(stream in json.dumps(s.request.target.label()) for s in bot.store.list_requests(limit=1000))


@pytest.mark.parametrize("target", ["live/..", "../x", "./."])
def test_names_made_of_dots_are_refused_with_an_example(bot: Bot, slack_api: FakeSlack, target: str) -> None:
    answer = slash(bot.server, slack_api, f"{target} tomorrow 15:00 to 15:30 on volc", user=REQUESTER,
                   channel="CGENERAL")  # fmt: skip
    assert answer["response_type"] == "ephemeral"
    assert "live/stream001" in answer["text"]
