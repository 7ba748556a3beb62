"""The pure pieces of the hardening (issue 13): relay-source host policy and display, Slack input un-escaping, dry-run
masking, secret scrubbing, and permission channels outside any channel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config import Config
from bot.core.parser import parse_command
from bot.core.sources import display_source, host_address, redact_urls, source_refusal
from bot.errors import ParseError
from bot.flow.admission import masked_call
from bot.permissions import Action, Permissions, PermissionSettings
from bot.secret import Secret, scrub
from bot.slack.incoming import typed_text
from providers.base import PlannedCall


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("0", "0.0.0.0"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("src.example.com", None),
        ("08.1.2.3", None),  # 08 is not octal: a name, as URL parsers read it
    ],
)
def test_every_spelling_of_an_address_is_read(host: str, address: str | None) -> None:
    found = host_address(host)
    assert (str(found) if found is not None else None) == address


@pytest.mark.parametrize(
    "url",
    ["rtmp://100.64.0.1/a", "rtmp://[fe80::1]/a", "rtmp://224.0.0.1/a", "rtmp://[::]/a", "srt://LOCALHOST./a",
     "rtmp://[::ffff:10.0.0.1]/a", "rtmp://192.168.1.10/a", "rtmp://x.localhost/a"],
)  # fmt: skip
def test_private_hosts_are_refused(url: str) -> None:
    refusal = source_refusal(url)
    assert refusal is not None and refusal.key == "check.source_private_host"


def test_public_and_allowed_hosts_pass_and_credentials_never_do() -> None:
    assert source_refusal("rtmp://8.8.8.8/live/x") is None
    assert source_refusal("rtmp://[::ffff:8.8.8.8]/live/x") is None  # judged by the IPv4 address inside
    assert source_refusal("rtmp://src.example.com/live/x?txSecret=1") is None
    assert source_refusal("rtmp://10.0.0.5/live/x", ["10.0.0.5"]) is None
    assert source_refusal("rtmp://0x0a000005/live/x", ["10.0.0.5"]) is None  # the same address, spelled in hex
    refused = source_refusal("rtmp://user:hunter2@src.example.com/live/x", ["src.example.com"])
    assert refused is not None and refused.key == "check.source_credentials" and "hunter2" not in refused.shown


def test_a_source_is_shown_without_its_query_or_credentials() -> None:
    assert (
        display_source("rtmp://u:p@src.example.com:1935/live/x?txSecret=abc#f")
        == "rtmp://src.example.com:1935/live/x?…"
    )
    assert display_source("rtmp://[::1]/live/x") == "rtmp://[::1]/live/x"
    assert redact_urls("relay live/x from rtmp://a.example/x?t=1, rtmp://b.example/y now") == (
        "relay live/x from rtmp://a.example/x?…, rtmp://b.example/y now"
    )


@pytest.mark.parametrize(
    ("raw", "typed"),
    [
        ("from rtmp://s.example/x?a=1&amp;b=2", "from rtmp://s.example/x?a=1&b=2"),
        ("<http://s.example/x?a=1&amp;b=2|s.example/x>", "http://s.example/x?a=1&b=2"),
        ("<http://s.example/x>", "http://s.example/x"),
        ("<mailto:a@b.example|a@b.example>", "a@b.example"),
        ("<#C123|ops> <@U1> <!channel>", "#ops <@U1> <!channel>"),
        ("&amp;lt; &lt;b&gt;", "&lt; <b>"),  # un-escaped once, not twice
    ],
)
def test_slack_text_is_un_escaped_once(raw: str, typed: str) -> None:
    assert typed_text(raw) == typed


def test_a_dry_run_masks_every_signature_and_credential() -> None:
    call = PlannedCall(
        provider="volc",
        action="X",
        method="POST",
        url="https://api.example/?Action=X&sign=abcdef0123&t=99&X-Signature=ff",
        headers={"Authorization": "HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=0123abcd",
                 "X-Date": "20260101T000000Z", "X-Token": "t0k"},
        body='{"Name": "a", "Storage": {"SecretKey": "s3cr3t", "Bucket": "b"}}',
    )  # fmt: skip
    masked = masked_call(call)
    assert masked.headers["Authorization"].endswith("Signature=****") and masked.headers["X-Token"] == "****"
    assert masked.headers["X-Date"] == "20260101T000000Z"
    assert "sign=****" in masked.url and "X-Signature=****" in masked.url and "t=99" in masked.url
    assert "s3cr3t" not in masked.body and '"Bucket": "b"' in masked.body


def test_a_configured_secret_is_scrubbed_in_any_case_and_split() -> None:
    Secret("Wx9-qq7-Kp2-Zz4-unit")
    for echoed in (
        "Wx9-qq7-Kp2-Zz4-unit",
        "WX9-QQ7-KP2-ZZ4-UNIT",
        "wx9 qq7 kp2 zz4 unit",
        "w.x.9.q.q.7.k.p.2.z.z.4.u.n.i.t",
    ):
        assert scrub(f"code {echoed}!") == "code ****!"
    Secret("short")
    assert scrub("a short word") == "a short word"  # too short to be worth masking ordinary text


def test_outside_any_channel_only_people_and_groups_count() -> None:
    rules = Permissions(PermissionSettings(rules={**PermissionSettings().rules, Action.CANCEL_ANY: ("COPS", "UDAVE")}))
    assert rules.allowed("UBOB", Action.CANCEL_ANY, "volc", "COPS")
    assert not rules.allowed("UBOB", Action.CANCEL_ANY, "volc", None)  # App Home
    assert not rules.allowed("UBOB", Action.CANCEL_ANY, "volc", "DBOB")  # a DM with the bot
    assert not rules.allowed("UBOB", Action.CANCEL_ANY, "volc", "UBOB")  # a modal that fell back to the person's id
    assert rules.allowed("UDAVE", Action.CANCEL_ANY, "volc", None)
    assert not rules.allowed("UBOB", Action.CANCEL_ANY, "volc", "UDAVE")  # an id that is not a channel never counts


@pytest.mark.parametrize("target", ["live/..", "../x", "./.", "live/<!channel>", "../0"])
def test_a_refused_target_comes_with_an_example_that_parses(target: str) -> None:
    now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    provider = "trro" if target.endswith("/0") else "volc"
    with pytest.raises(ParseError) as refused:
        parse_command(f"/record {target} tomorrow 15:00 to 15:30 on {provider}", now=now, tz="Asia/Shanghai",
                      config=Config(), kind="record")  # fmt: skip
    example = str(refused.value.params["example"])
    assert target not in example
    assert parse_command(example, now=now, tz="Asia/Shanghai", config=Config(), kind="record")
