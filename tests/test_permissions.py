"""Permission rules: defaults, allowed, denied with who can help, user groups, per provider, configuration."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import load_config
from bot.core.model import StreamTarget, TaskRequest, Window
from bot.errors import ConfigError, PermissionDenied
from bot.permissions import Action, Permissions, PermissionSettings, action_for, load_permission_settings
from bot.slack.mrkdwn import explain

START = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def settings(table: dict[str, object]) -> PermissionSettings:
    problems: list[str] = []
    loaded = load_permission_settings(table, {}, problems)
    assert problems == []
    return loaded


def relay(window: bool) -> TaskRequest:
    return TaskRequest(
        "relay",
        "volc",
        StreamTarget("live", "s"),
        Window(START, START + timedelta(hours=1)) if window else None,
        sources=("rtmp://origin/live/s",),
    )


def test_defaults_let_anyone_record_and_relay_but_not_relay_forever_or_cancel_others() -> None:
    rules = Permissions()
    assert rules.allowed("U1", Action.RECORD, "volc", "C1")
    assert rules.allowed("U1", Action.RELAY, "tencent")
    assert not rules.allowed("U1", Action.RELAY_PERMANENT, "volc", "C1")
    assert not rules.allowed("U1", Action.CANCEL_ANY, "volc", "C1")
    rules.check_cancel("U1", requester="U1", provider="volc", channel="C1")  # their own: fine
    with pytest.raises(PermissionDenied) as denied:
        rules.check_cancel("U2", requester="U1", provider="volc", channel="C1")
    assert explain(denied.value, "en") == "You may only cancel your own requests. <@U1> can cancel this one."


def test_someone_with_cancel_any_may_cancel_others_and_is_named_after_the_requester() -> None:
    rules = Permissions(settings({"cancel_any": ["S0OPS"]}), group_members=lambda group: {"U0CAROL"})
    rules.check_cancel("U0CAROL", requester="U1", provider="volc", channel="C1")
    with pytest.raises(PermissionDenied) as denied:
        rules.check_cancel("U2", requester="U1", provider="volc", channel="C1")
    assert explain(denied.value, "en").endswith("<@U1>, <!subteam^S0OPS> can cancel this one.")


def test_a_permanent_relay_is_its_own_action() -> None:
    assert action_for(relay(window=False)) is Action.RELAY_PERMANENT
    assert action_for(relay(window=True)) is Action.RELAY
    with pytest.raises(PermissionDenied) as denied:
        Permissions().check_request("U1", relay(window=False), "C1")
    assert denied.value.key == "permission.relay_permanent.nobody"
    assert "until 18:00" in denied.value.render("en") and "到 18:00" in denied.value.render("zh-CN")
    Permissions().check_request("U1", relay(window=True), "C1")


def test_listed_users_channels_and_groups_are_allowed_and_the_denial_names_them() -> None:
    members = {"S0OPS": {"U0CAROL"}}
    rules = Permissions(
        settings({"relay_permanent": ["U0ALICE", "C0LIVE", "S0OPS"]}), group_members=lambda g: members[g]
    )
    assert rules.allowed("U0ALICE", Action.RELAY_PERMANENT, "volc", "C0ELSE")
    assert rules.allowed("U0BOB", Action.RELAY_PERMANENT, "volc", "C0LIVE")  # anyone acting in that channel
    assert rules.allowed("U0CAROL", Action.RELAY_PERMANENT, "volc", "C0ELSE")  # through the group
    with pytest.raises(PermissionDenied) as denied:
        rules.check("U0BOB", Action.RELAY_PERMANENT, "volc", "C0ELSE")
    assert denied.value.key == "permission.relay_permanent.denied"
    assert denied.value.params["helpers"].ids() == ["U0ALICE", "C0LIVE", "S0OPS"]
    assert "<@U0ALICE>, <#C0LIVE>, <!subteam^S0OPS>" in explain(denied.value, "en")
    assert "<@U0ALICE>" in explain(denied.value, "zh-CN")


def test_group_membership_is_asked_of_the_resolver_and_a_failing_resolver_refuses() -> None:
    asked: list[str] = []

    def members(group: str) -> Collection[str]:
        asked.append(group)
        raise TimeoutError("slack did not answer")

    rules = Permissions(settings({"cancel_any": ["S0OPS"]}), group_members=members)
    assert not rules.allowed("U0CAROL", Action.CANCEL_ANY, "volc", "C1")
    assert asked == ["S0OPS"]
    assert not Permissions(settings({"cancel_any": ["S0OPS"]})).allowed("U0CAROL", Action.CANCEL_ANY, "volc")


def test_a_provider_rule_replaces_the_general_one_for_that_provider_only() -> None:
    rules = Permissions(settings({"trro": {"record": ["C0ROBOTS"]}, "admins": ["U0ADMIN"]}))
    assert rules.allowed("U1", Action.RECORD, "volc", "C1")
    assert rules.allowed("U1", Action.RECORD, "trro", "C0ROBOTS")
    assert not rules.allowed("U1", Action.RECORD, "trro", "C1")
    assert rules.allowed("U1", Action.RELAY, "trro", "C1")  # not named in [permissions.trro]: general rule
    with pytest.raises(PermissionDenied, match="C0ROBOTS can help"):
        rules.check("U1", Action.RECORD, "trro", "C1")


def test_admins_are_named_when_nobody_is_listed_for_an_action() -> None:
    rules = Permissions(settings({"admins": ["U0ADMIN", "S0OPS"]}))
    with pytest.raises(PermissionDenied) as denied:
        rules.check("U1", Action.CANCEL_ANY, "volc")
    assert "<@U0ADMIN>, <!subteam^S0OPS>" in explain(denied.value, "en")


def test_actions_lists_what_help_should_show() -> None:
    rules = Permissions(settings({"relay": ["U0ALICE"], "cancel_any": ["U0ALICE"]}))
    assert rules.actions("U0BOB", "volc", "C1") == {Action.RECORD}
    assert rules.actions("U0ALICE", "volc", "C1") == {Action.RECORD, Action.RELAY, Action.CANCEL_ANY}


def test_configuration_mistakes_are_all_reported_with_an_example(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text(
        """
[permissions]
record = "U0ALICE"
relay = ["U0ALICE", "alice", "#general"]
cancel_everything = ["*"]

[permissions.trro]
stop = ["U0BOB"]
"""
    )
    with pytest.raises(ConfigError) as error:
        load_config(path, env={})
    problems = "\n".join(error.value.problems)
    assert "[permissions] record: must be a list of Slack IDs" in problems
    assert "'alice', '#general' not a Slack ID" in problems
    assert "[permissions] cancel_everything: unknown setting" in problems
    assert "[permissions.trro] stop: unknown action" in problems
    assert '["U01ALICE", "S02OPS", "C03ROBOTS"]' in problems


def test_configuration_is_read_into_config(tmp_path: Path) -> None:
    path = tmp_path / "bot.toml"
    path.write_text('[permissions]\nrelay_permanent = ["S0OPS"]\n\n[permissions.trro]\nrecord = ["C0ROBOTS"]\n')
    loaded = load_config(path, env={}).permissions
    assert loaded.rules[Action.RELAY_PERMANENT] == ("S0OPS",)
    assert loaded.rules[Action.RECORD] == ("*",)
    assert loaded.providers == {"trro": {Action.RECORD: ("C0ROBOTS",)}}
