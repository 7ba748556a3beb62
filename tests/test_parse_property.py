"""Whatever people type, the parser answers with a command or a ParseError — never anything else, never a window
that starts in the past or ends before it starts."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config
from bot.core import parse_command
from bot.core.model import Schedule
from bot.errors import ParseError

NOW = datetime.fromisoformat("2026-11-21T10:00:00+08:00")
CONFIG = Config(aliases={"main-stage": "live/stream001 on volc"})
WORDS = [
    "/record", "/relay", "live/s1", "8888_test123", "dev/0", "main-stage", "from", "to", "until", "for", "now",
    "tomorrow", "tonight", "noon", "midnight", "monday", "next", "on", "volc", "tencent", "qcloud", "trro", "as",
    "mp4", "audio", "split", "idle", "30m", "1h", "permanent", "15:00", "16:00", "3pm", "4", "11/25", "2026-11-25",
    "nov", "25", "UTC", "+08:00", "EST", "CST", "Asia/Shanghai", "明天", "下午3点", "到", "4点", "持续", "半小时", "周一",
    "下周一", "凌晨", "点", "半", "永久", "北京时间", "-", "~", "rtmp://a.example.com/l/s", ",", "help", "list", "cancel",
]  # fmt: skip


def _check(text: str) -> None:
    try:
        command = parse_command(text, now=NOW, tz="Asia/Shanghai", config=CONFIG)
    except ParseError as error:
        assert error.render(error.lang)
        assert error.lang in ("en", "zh-CN")
        return
    if isinstance(command, Schedule) and command.request.window is not None:
        window = command.request.window
        assert window.start >= NOW
        assert window.end > window.start


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600))
def test_arbitrary_text_is_a_command_or_a_parse_error(text: str) -> None:
    _check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_arbitrary_time_part_is_a_command_or_a_parse_error(text: str) -> None:
    _check("/record live/s1 " + text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=10))
def test_any_mix_of_command_words_is_a_command_or_a_parse_error(words: list[str]) -> None:
    _check(" ".join(words))
