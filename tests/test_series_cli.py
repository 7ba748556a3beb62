"""``python -m bot parse --json`` shows a repeating schedule: the first occurrence in start/end, the rule and zone in
``repeat`` and the first five occurrences (all when fewer) — in a fresh process, as the support team runs it."""

from __future__ import annotations

import json

from tests.test_parse_cli import run_parse

NOW = "2027-03-08T12:00:00-05:00"  # Monday; New York springs forward on Sunday 2027-03-14


def test_a_series_shows_its_rule_zone_and_first_five_occurrences_across_a_dst_change() -> None:
    result = run_parse(
        "/record live/s1 every day 9:00 to 10:00 for 2 weeks on volc", "--json", "--now", NOW, "--tz",
        "America/New_York",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["start"] == "2027-03-09T09:00:00-05:00"
    assert data["end"] == "2027-03-09T10:00:00-05:00"
    assert data["repeat"] == {"rrule": "FREQ=DAILY;UNTIL=20270322T235959", "timezone": "America/New_York"}
    assert data["occurrences"] == [
        {"start": "2027-03-09T09:00:00-05:00", "end": "2027-03-09T10:00:00-05:00"},
        {"start": "2027-03-10T09:00:00-05:00", "end": "2027-03-10T10:00:00-05:00"},
        {"start": "2027-03-11T09:00:00-05:00", "end": "2027-03-11T10:00:00-05:00"},
        {"start": "2027-03-12T09:00:00-05:00", "end": "2027-03-12T10:00:00-05:00"},
        {"start": "2027-03-13T09:00:00-05:00", "end": "2027-03-13T10:00:00-05:00"},
    ]
    assert data["notes"][0] == "Repeats every day, 09:00–10:00 (America/New_York): 14 times, 2027-03-09 to 2027-03-22."


def test_a_short_series_lists_all_its_occurrences_and_a_single_window_has_no_repeat() -> None:
    lines = "/record live/s1 每周六 下午3点到5点 共2次\n/record live/s1 tomorrow 9am to 10am\n"
    result = run_parse("--stdin", "--json", "--now", NOW, "--tz", "America/New_York", stdin=lines)
    assert result.returncode == 0, result.stderr
    series, single = (json.loads(line) for line in result.stdout.splitlines())
    assert series["repeat"] == {"rrule": "FREQ=WEEKLY;COUNT=2;BYDAY=SA", "timezone": "America/New_York"}
    assert series["occurrences"] == [
        {"start": "2027-03-13T15:00:00-05:00", "end": "2027-03-13T17:00:00-05:00"},
        {"start": "2027-03-20T15:00:00-04:00", "end": "2027-03-20T17:00:00-04:00"},
    ]
    assert "repeat" not in single
    assert "occurrences" not in single


def test_a_series_without_an_end_is_refused_with_an_example_that_parses() -> None:
    result = run_parse("/record live/s1 每天 晚上8点到10点", "--json", "--now", NOW, "--tz", "America/New_York")
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "parse.series_no_end"
    example = error["hint"].split("`")[1]
    assert example == "/record live/s1 每天 晚上8点到10点 到2027年4月4日为止"
    again = run_parse(example, "--json", "--now", NOW, "--tz", "America/New_York")
    assert again.returncode == 0, again.stdout
    assert json.loads(again.stdout)["repeat"]["rrule"] == "FREQ=DAILY;UNTIL=20270404T235959"
