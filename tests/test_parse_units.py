"""The pieces of the command language: durations, zones, clock words, the command table and help, the shape of
Schedule/ListTasks/CancelTask, notes, and what a ParseError says (quote + corrected example, in the right language)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import BotSettings, Config
from bot.core import MAX_LENGTH, detect_lang, help_text, parse_command
from bot.core.commands import COMMANDS, examples
from bot.core.durations import parse_duration
from bot.core.model import (
    CancelTask,
    ChannelTarget,
    DeviceTarget,
    Help,
    ListTasks,
    Options,
    Schedule,
    StreamTarget,
    request_from_dict,
    request_to_dict,
)
from bot.core.zones import take_zone, zone_for_name
from bot.errors import ParseError

NOW = datetime.fromisoformat("2026-11-21T10:00:00+08:00")
CONFIG = Config(aliases={"main-stage": "live/stream001 on volc"})


def parse(text: str, config: Config = CONFIG, tz: str = "Asia/Shanghai") -> object:
    return parse_command(text, now=NOW, tz=tz, config=config)


def schedule(text: str, config: Config = CONFIG) -> Schedule:
    command = parse(text, config)
    assert isinstance(command, Schedule)
    return command


def refused(text: str, config: Config = CONFIG) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(text, config)
    return caught.value


# --- durations -----------------------------------------------------------------------------------------------------

DURATIONS = [
    ("45m", 45), ("45 min", 45), ("45mins", 45), ("90 minutes", 90), ("1h", 60), ("2 hours", 120), ("1h30m", 90),
    ("1h 30m", 90), ("1.5h", 90), ("an hour", 60), ("half an hour", 30), ("1 hour 30 minutes", 90), ("半小时", 30),
    ("半个小时", 30), ("30分钟", 30), ("1小时", 60), ("两小时", 120), ("两个小时", 120), ("一个半小时", 90),
    ("1小时30分", 90), ("1小时30分钟", 90), ("1小时30", 90), ("一刻钟", 15), ("十分钟", 10), ("1d", 1440),
]  # fmt: skip


@pytest.mark.parametrize(("text", "minutes"), DURATIONS)
def test_durations_in_both_languages(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "3", "m", "h30", "1m1m", "15:00", "abc", "1小时1小时", "half"])
def test_not_durations(text: str) -> None:
    assert parse_duration(text) is None


# --- zones ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("15:00 utc", "UTC"), ("15:00 GMT", "UTC"), ("15:00Z", "UTC"), ("15:00 +08:00", "UTC+08:00"),
        ("15:00 +0800", "UTC+08:00"), ("UTC+8 15:00", "UTC+08:00"), ("GMT-5 9am", "UTC-05:00"),
        ("Asia/Shanghai 15:00", "Asia/Shanghai"), ("europe/london 9am", "Europe/London"),
        ("3pm beijing time", "Asia/Shanghai"), ("北京时间下午3点", "Asia/Shanghai"), ("3pm CST", "Asia/Shanghai"),
        ("3pm EST", "UTC-05:00"), ("3pm EDT", "UTC-04:00"), ("3pm PST", "UTC-08:00"), ("3pm PDT", "UTC-07:00"),
        ("3pm JST", "Asia/Tokyo"), ("3pm KST", "Asia/Seoul"), ("3pm SGT", "Asia/Singapore"),
        ("3pm HKT", "Asia/Hong_Kong"),
    ],
)  # fmt: skip
def test_zone_words(text: str, name: str) -> None:
    rest, zone = take_zone(text)
    assert zone is not None
    assert zone.name == name
    assert zone.said.lower() not in rest.lower()


def test_a_dash_between_times_is_a_range_not_an_offset() -> None:
    assert take_zone("15:00-16:00") == ("15:00-16:00", None)


def test_cst_can_mean_us_central() -> None:
    _, zone = take_zone("3pm CST", cst_means="US-Central")
    assert zone is not None
    assert zone.name == "UTC-06:00"


def test_zone_names_load_back_to_tzinfo() -> None:
    assert zone_for_name("UTC+05:30").utcoffset(None) == timedelta(hours=5, minutes=30)
    assert zone_for_name("Asia/Shanghai") == ZoneInfo("Asia/Shanghai")
    with pytest.raises(ValueError, match="unknown time zone"):
        zone_for_name("Mars/Olympus")


def test_named_zone_becomes_the_schedules_timezone_when_it_is_iana_loadable() -> None:
    assert schedule("/record live/s1 15:00 to 16:00 UTC+9").timezone == "Etc/GMT-9"
    assert schedule("/record live/s1 15:00 to 16:00 Asia/Tokyo").timezone == "Asia/Tokyo"
    # a half-hour offset has no IANA key: the card shows the requester's zone, the instants stay exact
    half = schedule("/record live/s1 15:00 to 16:00 +05:30")
    assert half.timezone == "Asia/Shanghai"
    assert half.request.window is not None
    assert half.request.window.start.utcoffset() == timedelta(hours=5, minutes=30)
    ZoneInfo(schedule("/record live/s1 3pm EST to 4pm").timezone)  # loadable by the card


# --- commands, targets, options --------------------------------------------------------------------------------------


def test_targets_per_provider() -> None:
    assert schedule("/record live/s1 now for 1h").request.target == StreamTarget("live", "s1")
    assert schedule("/record dev-1/2 now for 1h on trro").request.target == DeviceTarget("dev-1", 2)
    assert schedule("/record 8888_test123 now for 1h on qcloud").request.target == ChannelTarget("8888_test123")


def test_alias_stands_for_target_and_provider() -> None:
    request = schedule("/record main-stage now for 1h").request
    assert (request.provider, request.target) == ("volc", StreamTarget("live", "stream001"))


def test_provider_aliases() -> None:
    for word, key in [("ve", "volc"), ("火山", "volc"), ("tx", "tencent"), ("css", "tencent"), ("腾讯", "tencent"),
                      ("lvb", "qcloud"), ("tencent-legacy", "qcloud"), ("trro", "trro")]:  # fmt: skip
        target = "d/0" if key == "trro" else "8888_x" if key == "qcloud" else "live/s1"
        assert schedule(f"/record {target} now for 1h on {word}").request.provider == key


def test_default_provider_comes_from_configuration_and_is_noted() -> None:
    command = schedule("/record live/s1 now for 1h", Config(bot=BotSettings(default_provider="tencent")))
    assert command.request.provider == "tencent"
    assert "note.default_provider" in [note.key for note in command.notes]
    assert "note.default_provider" not in [note.key for note in schedule("/record live/s1 now for 1h on volc").notes]


def test_options_are_read() -> None:
    options = schedule("/record d/1 now for 2h on trro split 30 min idle 60s as mp4 dry-run").request.options
    assert options == Options(format="mp4", split=timedelta(minutes=30), idle=timedelta(seconds=60), dry_run=True)
    tencent = schedule("/record live/s1 now for 1h on tencent template 7 region ap-guangzhou").request.options
    assert (tencent.template_id, tencent.region) == (7, "ap-guangzhou")
    assert schedule("/record 8888_x now for 1h on qcloud audio as aac").request.options.audio_only


def test_relay_sources_and_permanent() -> None:
    request = schedule("/relay live/s1 from rtmp://a.example.com/l/s,srt://b.example.com:9000/x permanent").request
    assert request.kind == "relay"
    assert request.sources == ("rtmp://a.example.com/l/s", "srt://b.example.com:9000/x")
    assert request.window is None
    assert request_from_dict(request_to_dict(request)) == request


def test_relay_goes_to_volc_even_when_the_default_provider_cannot_relay() -> None:
    config = Config(bot=BotSettings(default_provider="tencent"))
    assert schedule("/relay live/s1 from rtmp://a.example.com/l/s now for 1h", config).request.provider == "volc"


def test_subcommands() -> None:
    assert parse("/record help") == Help(kind="record", lang="en")
    assert parse("/relay") == Help(kind="relay", lang="en")
    assert parse("/record 帮助") == Help(kind="record", lang="zh-CN")
    assert parse("/record list") == ListTasks(kind="record", mine=False, lang="en")
    assert parse("/relay list mine") == ListTasks(kind="relay", mine=True, lang="en")
    assert parse("/record 列表 我的") == ListTasks(kind="record", mine=True, lang="zh-CN")
    assert parse("/record cancel 42") == CancelTask(kind="record", task="42", lang="en")
    assert parse("record cancel task-9f3a") == CancelTask(kind="record", task="task-9f3a", lang="en")


def test_adapter_may_pass_the_kind_instead_of_the_word() -> None:
    command = parse_command("live/s1 now for 1h", now=NOW, tz="Asia/Shanghai", config=CONFIG, kind="record")
    assert isinstance(command, Schedule)
    assert command.request.kind == "record"


# --- notes -------------------------------------------------------------------------------------------------------------


def _notes(text: str) -> dict[str, dict[str, str]]:
    return {note.key: dict(note.params) for note in schedule(text).notes}


def test_notes_tell_today_tomorrow_in_progress_and_zone() -> None:
    assert _notes("/record live/s1 15:00 to 16:00 on volc") == {"note.today": {"date": "2026-11-21"}}
    assert _notes("/record live/s1 3 to 4 on volc") == {"note.tomorrow": {"date": "2026-11-22"}}
    assert _notes("/record live/s1 09:30 to 11:00 on volc") == {"note.in_progress": {"start": "09:30"}}
    assert _notes("/record live/s1 now for 1h on volc") == {"note.starts_now": {}}
    assert "note.zone" in _notes("/record live/s1 15:00 utc to 16:00 on volc")
    assert _notes("/record live/s1 22:00 to 01:00 on volc")["note.ends_later_day"] == {"date": "2026-11-22"}
    assert _notes("/record live/s1 jan 5 3pm to 4pm on volc") == {"note.next_year": {"date": "2027-01-05"}}


def test_in_progress_window_is_marked_starts_now() -> None:
    window = schedule("/record live/s1 09:30 to 11:00").request.window
    assert window is not None
    assert window.starts_now
    assert window.start == NOW


def test_every_note_renders_in_both_languages() -> None:
    for text in ["/record live/s1 15:00 to 16:00", "/record live/s1 09:30 to 11:00", "/record live/s1 now for 1h UTC"]:
        for note in schedule(text).notes:
            assert note.render("en") != note.render("zh-CN")


# --- errors ------------------------------------------------------------------------------------------------------------


def test_chinese_text_gets_a_chinese_error_with_a_chinese_example() -> None:
    error = refused("/record live/s1 昨天下午3点到4点")
    assert error.lang == "zh-CN"
    assert "昨天下午3点" in error.render("zh-CN")
    hint = error.hint("zh-CN")
    assert hint is not None
    assert hint.startswith("试试")
    assert "live/s1" in hint
    assert "明天下午3点到4点" in hint


def test_english_error_quotes_the_part_and_shows_an_example() -> None:
    error = refused("/record live/s1 blah to 16:00")
    assert error.lang == "en"
    assert "blah" in error.message("en")
    assert error.render("en").endswith("`/record live/s1 from 15:00 to 15:30 on volc`")


@pytest.mark.parametrize(
    ("text", "suggestion", "corrected"),
    [
        ("/record live/s1 15:00-16:00 on volcc", "volc", "/record live/s1 15:00-16:00 on volc"),
        ("/recrod live/s1 now for 1h", "record", "/record live/s1 now for 1h"),
        ("/record lsit", "list", "/record list"),
        ("/record live/s1 now for 1h as mp5", "mp4", "/record live/s1 now for 1h as mp4"),
        ("/record live/s1 tomorrw 3pm to 4pm", "tomorrow", "/record live/s1 tomorrow 3pm to 4pm"),
    ],
)
def test_typos_get_did_you_mean_and_the_corrected_command(text: str, suggestion: str, corrected: str) -> None:
    error = refused(text)
    assert f"{suggestion}?" in error.message("en")
    assert error.params["example"] == corrected


def test_input_over_500_characters_is_refused_politely() -> None:
    just_fits = "/record live/s1 now for 1h" + " " * (MAX_LENGTH - 26)
    assert len(just_fits) == MAX_LENGTH
    assert isinstance(parse(just_fits), Schedule)
    error = refused(just_fits + "x")
    assert error.key == "parse.too_long"
    assert "501" in error.render("en")
    assert refused("/record 明天" + "啊" * 600).lang == "zh-CN"


def test_detect_lang() -> None:
    assert detect_lang("/record live/s1 明天") == "zh-CN"
    assert detect_lang("/record live/s1 15：00") == "zh-CN"
    assert detect_lang("/record live/s1 tomorrow") == "en"


# --- help --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["record", "relay"])
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_help_example_parses(kind: str, lang: str) -> None:
    found = examples(kind, lang)  # type: ignore[arg-type]
    assert found
    for example in found:
        command = parse_command(example, now=NOW, tz="Asia/Shanghai", config=CONFIG)
        assert getattr(command, "kind", None) == kind or command.request.kind == kind  # type: ignore[union-attr]


def test_help_shows_usage_and_examples_in_the_language() -> None:
    english = help_text("record", "en")
    chinese = help_text("record", "zh-CN")
    assert "/record <target> <when>" in english
    assert "/record live/stream001 now for 45m" in english
    assert "明天下午3点到4点" in chinese
    assert "/relay" not in english


def test_help_hides_what_is_not_allowed() -> None:
    only_list = help_text("relay", "en", allowed=lambda action: action == "list")
    assert "/relay list" in only_list
    assert "from <url>" not in only_list
    no_permanent = help_text("relay", "en", allowed=lambda action: action != "relay_permanent")
    assert "permanent" not in no_permanent
    assert "/relay <app>/<stream> from" in no_permanent
    assert "may not" in help_text("record", "en", allowed=lambda action: False)


def test_command_table_actions_are_unique_and_bilingual() -> None:
    actions = [entry.action for entry in COMMANDS]
    assert len(actions) == len(set(actions))
    for entry in COMMANDS:
        assert set(entry.usage) == set(entry.summary) == set(entry.examples) == {"en", "zh-CN"}


def test_chinese_command_words() -> None:
    recorded = schedule("录制 live/s1 明天下午3点到4点")
    assert (recorded.request.kind, recorded.lang) == ("record", "zh-CN")
    relayed = schedule("转推 live/s1 from rtmp://a.example.com/l/s 永久")
    assert (relayed.request.kind, relayed.request.window) == ("relay", None)


def test_dateparser_reads_only_what_our_grammar_does_not_and_only_when_it_keeps_what_was_written() -> None:
    window = schedule("/record live/s1 december the 1st 3pm to 4pm").request.window
    assert window is not None
    assert window.start == datetime.fromisoformat("2026-12-01T15:00:00+08:00")
    assert refused("/record live/s1 the 1st at 3pm to 4pm").key == "parse.time_not_understood"
