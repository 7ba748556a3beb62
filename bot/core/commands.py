"""The one table of commands: the words the parser accepts, and the usage and examples help shows (en + zh-CN).

The parser takes its subcommand words from :data:`COMMANDS`; :func:`help_text` renders the same table, so help can
never describe a command the parser does not know. Every example here is parsed by the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.catalogue import normalize_lang, text
from bot.core.model import Kind


@dataclass(frozen=True)
class CommandEntry:
    """One line of help. ``action`` is what permissions filter on; ``words`` are the subcommand words (empty for the
    schedule forms, which start with a target)."""

    action: str
    kinds: tuple[Kind, ...]
    words: tuple[str, ...]
    usage: Mapping[str, str]
    summary: Mapping[str, str]
    examples: Mapping[str, tuple[str, ...]]


COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry(
        action="record",
        kinds=("record",),
        words=(),
        usage={
            "en": "/record <target> <when> [on <provider>] [options]",
            "zh-CN": "/record <目标> <时间> [on <云服务商>] [选项]",
        },
        summary={"en": "record a live stream in a time window", "zh-CN": "在一个时间段内录制直播流"},
        examples={
            "en": (
                "/record live/stream001 from 15:00 to 15:30 on volc",
                "/record live/stream001 now for 45m",
                "/record live/stream001 tomorrow 9am to 11am on tencent",
                "/record 8888_test123 tomorrow night 8pm-10pm on qcloud as mp4",
                "/record device01/0 until 18:00 on trro split 30m",
            ),
            "zh-CN": (
                "/record live/stream001 明天下午3点到4点 on tencent",
                "/record live/stream001 现在 持续2小时",
                "/record live/stream001 明晚8点到10点 on volc",
                "/record live/stream001 下周一 上午9点到11点",
            ),
        },
    ),
    CommandEntry(
        action="relay",
        kinds=("relay",),
        words=(),
        usage={
            "en": "/relay <app>/<stream> from <url>[,<url>...] <when> [on volc]",
            "zh-CN": "/relay <app>/<stream> from <源地址>[,<源地址>...] <时间> [on volc]",
        },
        summary={
            "en": "pull a source into a stream for a time window",
            "zh-CN": "在一个时间段内把源地址拉流转推到直播流",
        },
        examples={
            "en": (
                "/relay live/stream001 from rtmp://src.example.com/live/in tomorrow 9am to 11am",
                "/relay live/stream001 from rtmp://a.example.com/l/s,rtmp://b.example.com/l/s now for 2h",
            ),
            "zh-CN": ("/relay live/stream001 from rtmp://src.example.com/live/in 明天上午9点到11点",),
        },
    ),
    CommandEntry(
        action="relay_permanent",
        kinds=("relay",),
        words=(),
        usage={
            "en": "/relay <app>/<stream> from <url> permanent",
            "zh-CN": "/relay <app>/<stream> from <源地址> 永久",
        },
        summary={"en": "relay with no end (until cancelled)", "zh-CN": "永久转推（直到取消）"},
        examples={
            "en": ("/relay live/stream001 from rtmp://src.example.com/live/in permanent",),
            "zh-CN": ("/relay live/stream001 from rtmp://src.example.com/live/in 永久",),
        },
    ),
    CommandEntry(
        action="list",
        kinds=("record", "relay"),
        words=("list", "ls", "列表", "列出", "查看"),
        usage={"en": "/{kind} list [mine]", "zh-CN": "/{kind} list [mine]"},
        summary={
            "en": "show scheduled tasks (only yours with mine)",
            "zh-CN": "查看已安排的任务（加 mine 只看自己的）",
        },
        examples={"en": ("/{kind} list", "/{kind} list mine"), "zh-CN": ("/{kind} 列表", "/{kind} 列表 我的")},
    ),
    CommandEntry(
        action="cancel",
        kinds=("record", "relay"),
        words=("cancel", "取消", "stop", "停止"),
        usage={"en": "/{kind} cancel <id> [<date>]", "zh-CN": "/{kind} cancel <编号> [<日期>]"},
        summary={
            "en": "cancel a task by its id or TaskId (with a date: one recording of a series)",
            "zh-CN": "按编号或 TaskId 取消任务（加日期：只取消重复预约中的那一次）",
        },
        examples={
            "en": ("/{kind} cancel rk4q2mz", "/{kind} cancel rk4q2mz 2026-12-08"),
            "zh-CN": ("/{kind} 取消 rk4q2mz",),
        },
    ),
    CommandEntry(
        action="extend",
        kinds=("record", "relay"),
        words=("extend", "延长", "延时", "加时"),
        usage={"en": "/{kind} extend <id> <duration>", "zh-CN": "/{kind} 延长 <编号> <时长>"},
        summary={
            "en": "make a scheduled or running task end later (a follow-on task, no gap)",
            "zh-CN": "让已安排或进行中的任务晚些结束（无缝接续）",
        },
        examples={"en": ("/{kind} extend rk4q2mz 45m",), "zh-CN": ("/{kind} 延长 rk4q2mz 30分钟",)},
    ),
    CommandEntry(
        action="help",
        kinds=("record", "relay"),
        words=("help", "帮助", "?", "-h", "--help", "usage"),
        usage={"en": "/{kind} help", "zh-CN": "/{kind} help"},
        summary={"en": "this help", "zh-CN": "显示本帮助"},
        examples={"en": (), "zh-CN": ()},
    ),
)

#: The words that select a command (``record``/``relay``), in English and Chinese.
KIND_WORDS: dict[str, Kind] = {"record": "record", "relay": "relay", "录制": "record", "录像": "record",
                               "转推": "relay"}  # fmt: skip
MINE_WORDS = frozenset({"mine", "me", "my", "我的", "我"})


def subcommand_action(word: str) -> str | None:
    """The action (``help``/``list``/``cancel``/``extend``) a subcommand word selects, or ``None``."""
    low = word.lower()
    for entry in COMMANDS:
        if low in entry.words:
            return entry.action
    return None


def subcommand_words() -> list[str]:
    """Every ASCII subcommand word (for "did you mean …?")."""
    return [word for entry in COMMANDS for word in entry.words if word.isascii() and word.isalpha()]


def examples(kind: Kind, lang: str) -> list[str]:
    """Every example command for ``kind`` in ``lang`` (the tests parse them all)."""
    lang = normalize_lang(lang)
    return [ex.format(kind=kind) for entry in COMMANDS if kind in entry.kinds for ex in entry.examples[lang]]


def help_text(kind: Kind, lang: str, allowed: Callable[[str], bool] | None = None) -> str:
    """Help for ``/record`` or ``/relay`` in ``lang``; ``allowed(action)`` hides what the person may not do."""
    lang = normalize_lang(lang)
    entries = [e for e in COMMANDS if kind in e.kinds and (allowed is None or allowed(e.action))]
    lines = [text("help.title", lang, kind=kind)]
    if not entries:
        return lines[0] + "\n" + text("help.nothing_allowed", lang, kind=kind)
    for entry in entries:
        lines.append(f"• `{entry.usage[lang].format(kind=kind)}` — {entry.summary[lang]}")
        lines.extend(f"    `{ex.format(kind=kind)}`" for ex in entry.examples[lang])
    if any(e.action in ("record", "relay", "relay_permanent") for e in entries):
        lines.append(text("help.times", lang))
        if kind == "record":
            lines.append(text("help.options", lang))
    return "\n".join(lines)
