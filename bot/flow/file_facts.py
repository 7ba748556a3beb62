"""A recorded file's facts in words, for every adapter: its name, duration, size and format ("size not reported"
rather than a guess)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from bot.catalogue import normalize_lang, text
from bot.recordings import RecordedFile

_UNITS = ("B", "KB", "MB", "GB", "TB")


def file_name(file: RecordedFile) -> str:
    """The last part of the file's link or key (``0001.mp4``), else its key."""
    path = urlsplit(file.url).path if file.url else file.key
    name = unquote(path.rstrip("/").rsplit("/", 1)[-1])
    return name or file.key


def duration_text(file: RecordedFile, lang: str) -> str:
    """``1 h 02 min 05 s`` / ``1 小时 02 分 05 秒``, or "duration not reported"."""
    if file.duration_seconds is None or file.duration_seconds < 0:
        return text("files.duration_unknown", lang)
    total = round(file.duration_seconds)
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if normalize_lang(lang) == "zh-CN":
        return f"{hours} 小时 {minutes:02d} 分 {seconds:02d} 秒" if hours else f"{minutes} 分 {seconds:02d} 秒"
    return f"{hours} h {minutes:02d} min {seconds:02d} s" if hours else f"{minutes} min {seconds:02d} s"


def size_text(file: RecordedFile, lang: str) -> str:
    """``12.3 MB`` (decimal units), or "size not reported"."""
    if file.size_bytes is None:
        return text("files.size_unknown", lang)
    value, unit = float(file.size_bytes), 0
    while value >= 1000 and unit < len(_UNITS) - 1:
        value, unit = value / 1000, unit + 1
    return f"{value:.0f} {_UNITS[unit]}" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


def format_text(file: RecordedFile, lang: str) -> str:
    return file.format.lower() if file.format else text("files.format_unknown", lang)
