"""Repeating schedules and the round-two language rules, piece by piece: chat refuses a series kindly with its first
window, every refusal's example parses, a "did you mean" is only offered when it parses, punctuation is never taken
from a target or a URL, and ``[bot] max_series_weeks`` bounds a series."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.config import BotSettings, Config, load_config
from bot.core import parse_command
from bot.core.model import Schedule, StreamTarget
from bot.core.series import Series
from bot.errors import ConfigError, ParseError
from tests.parse_corpus import CORPUS
from tests.parse_corpus_round_two import ROUND_TWO
from tests.series_corpus import SERIES_CORPUS
from tests.test_parse_corpus import CONFIGS

NOW = datetime.fromisoformat("2026-12-07T10:00:00+08:00")  # Monday
SH = "Asia/Shanghai"


def _refusal(text: str, *, allow_series: bool = False, config: Config | None = None) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_command(text, now=NOW, tz=SH, config=config or Config(), allow_series=allow_series)
    return caught.value


@pytest.mark.parametrize(
    ("text", "lang"),
    [("/record live/s1 every mon, wed and fri 9:00 to 10:00 for 4 weeks", "en"), ("/record live/s1 每天 晚上8点到10点 共5次", "zh-CN")],
)  # fmt: skip
def test_chat_refuses_a_series_kindly_with_its_first_window_as_an_example_that_parses(text: str, lang: str) -> None:
    error = _refusal(text)
    assert error.key == "parse.series_not_yet"
    assert error.lang == lang
    first = parse_command(text, now=NOW, tz=SH, config=Config(), allow_series=True)
    assert isinstance(first, Schedule)
    example = parse_command(str(error.params["example"]), now=NOW, tz=SH, config=Config())
    assert isinstance(example, Schedule)
    assert example.series is None
    assert example.request.window == first.request.window
    assert example.request.target == first.request.target


def _errors_with_context() -> list[tuple[str, str, str, str, bool]]:
    out = [(c.text, c.now, c.zone, c.config, False) for c in [*CORPUS, *ROUND_TWO] if c.error]
    return out + [(c.text, c.now, c.zone, "default", True) for c in SERIES_CORPUS if c.error]


@pytest.mark.parametrize(("text", "now", "zone", "config", "allow"), _errors_with_context(), ids=lambda v: str(v)[:50])
def test_every_refusal_offers_an_example_that_parses(text: str, now: str, zone: str, config: str, allow: bool) -> None:
    clock = datetime.fromisoformat(now)
    with pytest.raises(ParseError) as caught:
        parse_command(text, now=clock, tz=zone, config=CONFIGS[config], allow_series=allow)
    example = str(caught.value.params["example"])
    parse_command(example, now=clock, tz=zone, config=CONFIGS[config], allow_series=allow)


def test_a_did_you_mean_is_dropped_when_the_suggested_command_would_fail_too() -> None:
    offered = _refusal("/record live/s1 15:00-16:00 on volcc")
    assert offered.key == "parse.unknown_provider_suggest"
    assert offered.params["example"] == "/record live/s1 15:00-16:00 on volc"
    dropped = _refusal("/record live/s1 15:00-16:00 on volcc as mp5")
    assert dropped.key == "parse.unknown_provider"
    assert "volc?" not in dropped.render("en")


def test_a_series_refused_for_a_clock_change_names_the_dates_and_suggests_an_end_before_them() -> None:
    now = datetime.fromisoformat("2026-10-26T12:00:00-04:00")
    text = "/record live/s1 every day 1:30 to 2:30 for 2 weeks"
    with pytest.raises(ParseError) as caught:
        parse_command(text, now=now, tz="America/New_York", config=Config(), allow_series=True)
    assert caught.value.params["dates"] == "2026-11-01"
    assert caught.value.params["example"] == "/record live/s1 every day 1:30 to 2:30 until 2026-10-31"
    later = "/record live/s1 every day 1:30 to 2:30 from nov 1 for 1 week"
    with pytest.raises(ParseError) as after:
        parse_command(later, now=now, tz="America/New_York", config=Config(), allow_series=True)
    assert after.value.params["example"] == "/record live/s1 every day 1:30 to 2:30 from 2026-11-02 for 1 week"


def test_punctuation_is_never_taken_from_a_target_or_a_url() -> None:
    record = parse_command("/record live/s1. now for 1h.", now=NOW, tz=SH, config=Config())
    assert isinstance(record, Schedule)
    assert record.request.target == StreamTarget("live", "s1.")
    relay = parse_command("/relay live/s1 from rtmp://a.example.com/l/s. now for 1h", now=NOW, tz=SH, config=Config())
    assert isinstance(relay, Schedule)
    assert relay.request.sources == ("rtmp://a.example.com/l/s.",)


def test_max_series_weeks_bounds_a_series() -> None:
    short = Config(bot=BotSettings(max_series_weeks=2))
    text = "/record live/s1 every day 9:00 to 10:00 for {} weeks"
    assert _refusal(text.format(3), allow_series=True, config=short).key == "parse.series_too_long"
    accepted = parse_command(text.format(2), now=NOW, tz=SH, config=short, allow_series=True)
    assert isinstance(accepted, Schedule)
    assert accepted.series is not None
    assert len(accepted.series.occurrences()) == 14


def test_max_series_weeks_is_read_from_the_configuration(tmp_path: Path) -> None:
    file = tmp_path / "bot.toml"
    file.write_text("[bot]\nmax_series_weeks = 4\n", encoding="utf-8")
    assert load_config(file, env={}).bot.max_series_weeks == 4
    file.write_text("[bot]\nmax_series_weeks = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(file, env={})
    assert "max_series_weeks" in "\n".join(info.value.problems)


def test_a_series_alone_reproduces_its_occurrences_from_its_rule() -> None:
    command = parse_command(
        "/record live/s1 每周一三五 晚上8点到10点 共6次", now=NOW, tz=SH, config=Config(), allow_series=True
    )
    assert isinstance(command, Schedule)
    series = command.series
    assert series is not None
    rebuilt = Series(series.rrule, series.first_day, series.start, series.end, series.end_days, series.timezone)
    assert rebuilt.occurrences() == series.occurrences()
    assert len(series.occurrences(limit=5)) == 5
    assert [o.start.day for o in series.occurrences()] == [7, 9, 11, 14, 16, 18]


@pytest.mark.parametrize(
    ("words", "weekdays"),
    [("every weekend", {5, 6}), ("每周末", {5, 6}), ("每周天", {6}), ("每周日", {6}), ("mondays and thursdays", {0, 3}),
     ("每周一、三、五", {0, 2, 4}), ("每周二到周四", {1, 2, 3}), ("every sat/sun", {5, 6}),
     ("on weekdays", {0, 1, 2, 3, 4}), ("on mondays", {0})],
)  # fmt: skip
def test_repeat_words_name_these_days(words: str, weekdays: set[int]) -> None:
    command = parse_command(f"/record live/s1 {words} 9:00 to 10:00 for 2 weeks", now=NOW, tz=SH, config=Config(),
                            allow_series=True)  # fmt: skip
    assert isinstance(command, Schedule)
    assert command.series is not None
    assert {o.start.weekday() for o in command.series.occurrences()} == weekdays
