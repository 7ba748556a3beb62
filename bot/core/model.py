"""The request model every layer speaks: what to record or relay, on which provider, and when.

The command language produces these; providers turn a :class:`TaskRequest` into HTTP calls; the store keeps them
as JSON (:func:`request_to_dict` / :func:`request_from_dict`). All are frozen: they cross boundaries.
Datetimes are always timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from bot.catalogue import text
from bot.core.series import Series

Kind = Literal["record", "relay"]
KINDS: tuple[Kind, ...] = ("record", "relay")


@dataclass(frozen=True)
class StreamTarget:
    """An ``app/stream`` pair (volc, tencent)."""

    app: str
    stream: str

    def label(self) -> str:
        return f"{self.app}/{self.stream}"


@dataclass(frozen=True)
class DeviceTarget:
    """A TRRO device and one of its video streams (``<device>/<video_stream_id>``)."""

    device: str
    video_stream_id: int

    def label(self) -> str:
        return f"{self.device}/{self.video_stream_id}"


@dataclass(frozen=True)
class ChannelTarget:
    """A legacy LVB channel id such as ``8888_test123`` (qcloud)."""

    channel_id: str

    def label(self) -> str:
        return self.channel_id


Target = StreamTarget | DeviceTarget | ChannelTarget


@dataclass(frozen=True)
class Window:
    """An absolute time window. ``starts_now`` is true when the start is "now" (said, or the given start passed)."""

    start: datetime
    end: datetime
    starts_now: bool = False

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Window datetimes must be timezone-aware")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Options:
    """Optional settings from the command text; ``None`` means "the provider's or configuration's default"."""

    format: str | None = None  # flv | hls | mp4 | aac
    audio_only: bool = False  # qcloud record_type=audio
    template_id: int | None = None  # tencent TemplateId
    region: str | None = None  # tencent region override
    split: timedelta | None = None  # trro MaxMediaFileDuration
    idle: timedelta | None = None  # trro MaxIdleTime
    dry_run: bool = False


@dataclass(frozen=True)
class TaskRequest:
    """One thing to ask a provider for. ``window`` is ``None`` only for a permanent relay."""

    kind: Kind
    provider: str
    target: Target
    window: Window | None
    sources: tuple[str, ...] = ()
    options: Options = field(default_factory=Options)


@dataclass(frozen=True)
class Note:
    """Something the person should notice on the card ("starts now", "tomorrow"): a catalogue key and params."""

    key: str
    params: tuple[tuple[str, str], ...] = ()

    def render(self, lang: str = "en") -> str:
        return text(self.key, lang, **dict(self.params))


@dataclass(frozen=True)
class Schedule:
    """``/record …`` or ``/relay …`` with a target and a window: ask for confirmation, then call the provider."""

    request: TaskRequest
    timezone: str  # IANA zone the times were read in
    notes: tuple[Note, ...] = ()
    lang: str = "en"  # language the person wrote in
    series: Series | None = None  # a repeating schedule; ``request.window`` is then its first occurrence


@dataclass(frozen=True)
class Help:
    """``/record help``."""

    kind: Kind
    lang: str = "en"


@dataclass(frozen=True)
class ListTasks:
    """``/record list [mine]``."""

    kind: Kind
    mine: bool = False
    lang: str = "en"


@dataclass(frozen=True)
class CancelTask:
    """``/record cancel <id or TaskId>``; ``/record cancel <series id> 2026-12-08`` cancels one occurrence."""

    kind: Kind
    task: str
    lang: str = "en"
    day: date | None = None


@dataclass(frozen=True)
class ExtendTask:
    """``/record extend <id or TaskId> 45m``, ``延长 <id> 30分钟``: move a scheduled or running window's end later."""

    kind: Kind
    task: str
    by: timedelta
    lang: str = "en"


Command = Schedule | Help | ListTasks | CancelTask | ExtendTask


# --- JSON form (store, CLI, dry runs) ---------------------------------------------------------------------------


def target_to_dict(target: Target) -> dict[str, Any]:
    if isinstance(target, StreamTarget):
        return {"app": target.app, "stream": target.stream}
    if isinstance(target, DeviceTarget):
        return {"device": target.device, "video_stream_id": target.video_stream_id}
    return {"channel_id": target.channel_id}


def target_from_dict(data: dict[str, Any]) -> Target:
    if "app" in data:
        return StreamTarget(app=str(data["app"]), stream=str(data["stream"]))
    if "device" in data:
        return DeviceTarget(device=str(data["device"]), video_stream_id=int(data["video_stream_id"]))
    return ChannelTarget(channel_id=str(data["channel_id"]))


def options_to_dict(options: Options) -> dict[str, Any]:
    """Only the options that were set, with durations in seconds."""
    out: dict[str, Any] = {}
    if options.format is not None:
        out["format"] = options.format
    if options.audio_only:
        out["audio_only"] = True
    if options.template_id is not None:
        out["template_id"] = options.template_id
    if options.region is not None:
        out["region"] = options.region
    if options.split is not None:
        out["split_seconds"] = int(options.split.total_seconds())
    if options.idle is not None:
        out["idle_seconds"] = int(options.idle.total_seconds())
    if options.dry_run:
        out["dry_run"] = True
    return out


def options_from_dict(data: dict[str, Any]) -> Options:
    return Options(
        format=data.get("format"),
        audio_only=bool(data.get("audio_only", False)),
        template_id=data.get("template_id"),
        region=data.get("region"),
        split=timedelta(seconds=data["split_seconds"]) if "split_seconds" in data else None,
        idle=timedelta(seconds=data["idle_seconds"]) if "idle_seconds" in data else None,
        dry_run=bool(data.get("dry_run", False)),
    )


def request_to_dict(request: TaskRequest) -> dict[str, Any]:
    """A JSON-safe dict; times as RFC 3339 with their offset."""
    window = request.window
    return {
        "kind": request.kind,
        "provider": request.provider,
        "target": target_to_dict(request.target),
        "start": window.start.isoformat() if window else None,
        "end": window.end.isoformat() if window else None,
        "starts_now": window.starts_now if window else False,
        "sources": list(request.sources),
        "options": options_to_dict(request.options),
    }


def request_from_dict(data: dict[str, Any]) -> TaskRequest:
    """Inverse of :func:`request_to_dict`."""
    window = None
    if data.get("start") and data.get("end"):
        window = Window(
            start=datetime.fromisoformat(data["start"]),
            end=datetime.fromisoformat(data["end"]),
            starts_now=bool(data.get("starts_now", False)),
        )
    kind = data["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return TaskRequest(
        kind=kind,
        provider=str(data["provider"]),
        target=target_from_dict(data["target"]),
        window=window,
        sources=tuple(data.get("sources", ())),
        options=options_from_dict(data.get("options", {})),
    )
