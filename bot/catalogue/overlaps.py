"""Overlaps with a series, said on a card before Confirm (the single-window sentences are in :mod:`controls`)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "card.overlap.series.record": {
        "en": "{user} already records {target} {window} in a series ({request})",
        "zh-CN": "{user} 的系列录制已包含 {target} {window}（{request}）",
    },
    "card.overlap.series.relay": {
        "en": "{user} already relays to {target} {window} in a series ({request})",
        "zh-CN": "{user} 的系列转推已包含 {target} {window}（{request}）",
    },
    "card.overlap.series_more.record": {
        "en": "{user} already records {target} {window} and {more} more time(s) in a series ({request})",
        "zh-CN": "{user} 的系列录制已包含 {target} {window}，另有 {more} 次与此重叠（{request}）",
    },
    "card.overlap.series_more.relay": {
        "en": "{user} already relays to {target} {window} and {more} more time(s) in a series ({request})",
        "zh-CN": "{user} 的系列转推已包含 {target} {window}，另有 {more} 次与此重叠（{request}）",
    },
}
