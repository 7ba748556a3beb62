"""Provider settings: non-secret values from the ``[providers.*]`` TOML tables, secrets from the environment.

A provider whose table and secrets are all absent is simply *not configured*; so is one whose table is present but
none of its secrets are set (the shipped example file). Asking the registry for it then names what is missing.
Everything else that is missing or wrong is a startup problem naming its key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.secret import Secret, remember_secret

VOLC_ENDPOINT = "https://live.volcengineapi.com"
TENCENT_ENDPOINT = "https://live.tencentcloudapi.com"
TRRO_ENDPOINT = "https://trro.tencentcloudapi.com"
QCLOUD_ENDPOINT = "http://fcgi.video.qcloud.com/common_access"

QCLOUD_FORMATS = ("flv", "hls", "mp4", "aac")
#: Regions where Tencent Live CreateRecordTask is offered.
TENCENT_REGIONS = (
    *("ap-bangkok", "ap-guangzhou", "ap-hongkong", "ap-jakarta", "ap-mumbai", "ap-seoul", "ap-singapore", "ap-tokyo"),
    *("eu-frankfurt", "na-ashburn", "na-siliconvalley", "na-toronto", "sa-saopaulo"),
)
DEFAULT_TIMEOUT = 10.0
QCLOUD_MIN_TIMEOUT = 3.0  # the legacy API warns that shorter timeouts (and retries within 3 s) duplicate tasks


@dataclass(frozen=True)
class VolcSettings:
    """Volcengine Live (record and relay)."""

    access_key: Secret
    secret_key: Secret
    vhost: str
    domain: str
    pull_url: str  # StreamURL template with {app} and {stream}
    endpoint: str = VOLC_ENDPOINT
    timeout_seconds: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class TencentSettings:
    """Tencent Cloud Live (CSS)."""

    secret_id: Secret
    secret_key: Secret
    domain: str
    region: str
    template_id: int | None = None
    endpoint: str = TENCENT_ENDPOINT
    timeout_seconds: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class QcloudSettings:
    """Tencent legacy LVB (``common_access``)."""

    appid: str
    api_key: Secret
    file_format: str = "flv"
    endpoint: str = QCLOUD_ENDPOINT
    timeout_seconds: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class TrroStorage:
    """Where TRRO writes recordings (``CloudStorage``). The keys come from the environment."""

    vendor: int
    region: str
    bucket: str
    file_name_prefix: tuple[str, ...]
    access_key: Secret
    secret_key: Secret


@dataclass(frozen=True)
class TrroSettings:
    """Tencent TRRO cloud recording."""

    secret_id: Secret
    secret_key: Secret
    project_id: str
    storage: TrroStorage
    region: str | None = None
    endpoint: str = TRRO_ENDPOINT
    timeout_seconds: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class ProviderSettings:
    """Settings of every provider family; ``None`` when not configured.

    ``missing`` lists, for a provider whose table is present but whose secrets are not set, the variables to set;
    a provider with nothing configured needs :func:`requirements`.
    """

    volc: VolcSettings | None = None
    tencent: TencentSettings | None = None
    qcloud: QcloudSettings | None = None
    trro: TrroSettings | None = None
    missing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


# (TOML key, required) per provider; storage sub-keys are checked separately.
_KEYS: dict[str, dict[str, bool]] = {
    "volc": {"vhost": True, "domain": True, "pull_url": True, "timeout_seconds": False},
    "tencent": {"domain": True, "region": True, "template_id": False, "timeout_seconds": False},
    "qcloud": {"file_format": False, "timeout_seconds": False},
    "trro": {"project_id": True, "storage": True, "region": False, "timeout_seconds": False},
}
_SECRETS: dict[str, tuple[str, ...]] = {
    "volc": ("VOLCENGINE_ACCESS_KEY", "VOLCENGINE_SECRET_KEY"),
    "tencent": ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"),
    "qcloud": ("QCLOUD_LIVE_APPID", "QCLOUD_LIVE_API_KEY"),
    "trro": ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TRRO_STORAGE_ACCESS_KEY", "TRRO_STORAGE_SECRET_KEY"),
}
# Secrets that belong to one provider only: setting one of them means that provider is meant to be used.
_OWN_SECRETS: dict[str, tuple[str, ...]] = {
    "volc": _SECRETS["volc"],
    "tencent": (),  # shared with trro
    "qcloud": _SECRETS["qcloud"],
    "trro": ("TRRO_STORAGE_ACCESS_KEY", "TRRO_STORAGE_SECRET_KEY"),
}
_ENDPOINTS = {
    "volc": ("VOLC_LIVE_ENDPOINT", VOLC_ENDPOINT),
    "tencent": ("TENCENT_LIVE_ENDPOINT", TENCENT_ENDPOINT),
    "qcloud": ("QCLOUD_LIVE_ENDPOINT", QCLOUD_ENDPOINT),
    "trro": ("TENCENT_TRRO_ENDPOINT", TRRO_ENDPOINT),
}
#: Keys the providers sign their callbacks with: never used to call out, still masked in whatever they echo.
CALLBACK_KEYS = ("TENCENT_LIVE_CALLBACK_KEY", "VOLC_LIVE_CALLBACK_KEY", "TRRO_CALLBACK_KEY", "QCLOUD_LIVE_CALLBACK_KEY")
_STORAGE_KEYS = {"vendor", "region", "bucket", "file_name_prefix"}


def requirements(key: str) -> tuple[str, ...]:
    """Everything a provider needs: its required TOML keys and its secret environment variables."""
    keys = (f"[providers.{key}] {name}" for name, needed in _KEYS[key].items() if needed)
    return (*keys, *_SECRETS[key])


class _Reader:
    """Reads one ``[providers.<key>]`` table, appending a problem (naming the key) for each wrong value."""

    def __init__(self, key: str, table: Mapping[str, Any], problems: list[str], prefix: str = "") -> None:
        self.key = key
        self.table = table
        self.problems = problems
        self.prefix = prefix

    def problem(self, name: str, text: str) -> None:
        self.problems.append(f"[providers.{self.key}] {self.prefix}{name}: {text}")

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.table.get(name, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(name, f"must be a non-empty string, got {value!r}")
            return None
        return value.strip()

    def integer(self, name: str) -> int | None:
        value = self.table.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(name, f"must be a whole number ≥ 0, got {value!r}")
            return None
        return value

    def timeout(self, minimum: float = 0.0) -> float:
        value = self.table.get("timeout_seconds", DEFAULT_TIMEOUT)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= minimum or value > 120:
            self.problem(
                "timeout_seconds", f"must be a number of seconds above {minimum:g} and at most 120, got {value!r}"
            )
            return DEFAULT_TIMEOUT
        return float(value)


def _endpoint(key: str, env: Mapping[str, str], problems: list[str]) -> str:
    name, default = _ENDPOINTS[key]
    value = env.get(name, "").strip() or default
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        problems.append(f"{name}: {value!r} is not an http(s) URL such as {default!r}")
        return default
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(f"{name}: {value!r} is not an http(s) URL such as {default!r}")
        return default
    return value.rstrip("/") if key != "qcloud" else value


def _load_volc(r: _Reader, secrets: dict[str, Secret], endpoint: str) -> VolcSettings | None:
    vhost, domain, pull_url = r.text("vhost"), r.text("domain"), r.text("pull_url")
    timeout = r.timeout()
    if pull_url is not None:
        try:
            pull_url.format(app="live", stream="s1")
        except (KeyError, IndexError, ValueError):
            r.problem("pull_url", "may only use the placeholders {app} and {stream}")
            pull_url = None
        else:
            if "{stream}" not in pull_url or urlsplit(pull_url).scheme not in ("rtmp", "http", "https"):
                r.problem(
                    "pull_url",
                    'must be an rtmp/http(s) URL containing {stream}, e.g. "http://pull.example.com/{app}/{stream}.flv"',
                )
                pull_url = None
    if vhost is None or domain is None or pull_url is None:
        return None
    return VolcSettings(
        access_key=secrets["VOLCENGINE_ACCESS_KEY"],
        secret_key=secrets["VOLCENGINE_SECRET_KEY"],
        vhost=vhost,
        domain=domain,
        pull_url=pull_url,
        endpoint=endpoint,
        timeout_seconds=timeout,
    )


def _load_tencent(r: _Reader, secrets: dict[str, Secret], endpoint: str) -> TencentSettings | None:
    domain, region = r.text("domain"), r.text("region")
    if region is not None and region not in TENCENT_REGIONS:
        r.problem("region", f"{region!r} is not a Tencent Live region ({', '.join(TENCENT_REGIONS)})")
        region = None
    template_id, timeout = r.integer("template_id"), r.timeout()
    if domain is None or region is None:
        return None
    return TencentSettings(
        secret_id=secrets["TENCENTCLOUD_SECRET_ID"],
        secret_key=secrets["TENCENTCLOUD_SECRET_KEY"],
        domain=domain,
        region=region,
        template_id=template_id or None,
        endpoint=endpoint,
        timeout_seconds=timeout,
    )


def _load_qcloud(r: _Reader, secrets: dict[str, Secret], endpoint: str) -> QcloudSettings | None:
    file_format = r.text("file_format", "flv") or "flv"
    if file_format not in QCLOUD_FORMATS:
        r.problem("file_format", f"{file_format!r} must be one of {', '.join(QCLOUD_FORMATS)}")
    timeout = r.timeout(minimum=QCLOUD_MIN_TIMEOUT)
    appid = secrets["QCLOUD_LIVE_APPID"].reveal().strip()
    if appid and not appid.isdigit():
        r.problems.append("QCLOUD_LIVE_APPID: must be the numeric LVB APPID")
    return QcloudSettings(
        appid=appid,
        api_key=secrets["QCLOUD_LIVE_API_KEY"],
        file_format=file_format if file_format in QCLOUD_FORMATS else "flv",
        endpoint=endpoint,
        timeout_seconds=timeout,
    )


def _load_trro(r: _Reader, secrets: dict[str, Secret], endpoint: str) -> TrroSettings | None:
    project_id, region, timeout = r.text("project_id"), r.text("region"), r.timeout()
    storage = r.table.get("storage")
    if storage is None:
        return None
    if not isinstance(storage, dict):
        r.problem(
            "storage", "must be a table such as { vendor = 0, region = ..., bucket = ..., file_name_prefix = [...] }"
        )
        return None
    s = _Reader(r.key, storage, r.problems, prefix="storage.")
    for unknown in sorted(set(storage) - _STORAGE_KEYS):
        s.problem(unknown, "unknown setting")
    vendor = storage.get("vendor", 0)
    if vendor not in (0, 1) or isinstance(vendor, bool):
        s.problem("vendor", f"must be 0 (Tencent COS) or 1 (AWS S3), got {vendor!r}")
    storage_region, bucket = s.text("region"), s.text("bucket")
    for name, value in (("region", storage_region), ("bucket", bucket)):
        if value is None and name not in storage:
            s.problem(name, "is required")
    prefix = storage.get("file_name_prefix", [])
    if not isinstance(prefix, list) or not all(isinstance(p, str) and _prefix_ok(p) for p in prefix):
        s.problem("file_name_prefix", 'must be a list of names made of letters, digits, "_" and "-", e.g. ["live"]')
        prefix = []
    if project_id is None or storage_region is None or bucket is None or vendor not in (0, 1):
        return None
    return TrroSettings(
        secret_id=secrets["TENCENTCLOUD_SECRET_ID"],
        secret_key=secrets["TENCENTCLOUD_SECRET_KEY"],
        project_id=project_id,
        storage=TrroStorage(
            vendor=int(vendor),
            region=storage_region,
            bucket=bucket,
            file_name_prefix=tuple(prefix),
            access_key=secrets["TRRO_STORAGE_ACCESS_KEY"],
            secret_key=secrets["TRRO_STORAGE_SECRET_KEY"],
        ),
        region=region,
        endpoint=endpoint,
        timeout_seconds=timeout,
    )


def _prefix_ok(text: str) -> bool:
    return bool(text) and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)


_LOADERS = {"volc": _load_volc, "tencent": _load_tencent, "qcloud": _load_qcloud, "trro": _load_trro}


def load_provider_settings(table: Mapping[str, Any], env: Mapping[str, str], problems: list[str]) -> ProviderSettings:
    """Read ``[providers.*]`` and the provider secrets; append every problem found to ``problems``."""
    for name in CALLBACK_KEYS:  # not used to call anything yet, but masked wherever a provider echoes one
        remember_secret(env.get(name, ""))
    for unknown in sorted(set(table) - set(_LOADERS)):
        problems.append(f"[providers.{unknown}]: unknown provider (known: {', '.join(_LOADERS)})")
    loaded: dict[str, Any] = {}
    missing: dict[str, tuple[str, ...]] = {}
    for key, loader in _LOADERS.items():
        section = table.get(key)
        if section is not None and not isinstance(section, dict):
            problems.append(f"[providers.{key}]: must be a table")
            section = None
        env_names = _SECRETS[key]
        absent = [name for name in env_names if not env.get(name, "").strip()]
        owned_set = any(env.get(name, "").strip() for name in _OWN_SECRETS[key])
        required = [name for name, needed in _KEYS[key].items() if needed and (section is None or name not in section)]
        if section is None and not owned_set:
            continue  # not configured at all: requirements(key) says what it would need
        section = section or {}
        own_problems: list[str] = []
        reader = _Reader(key, section, own_problems)
        for name in sorted(set(section) - set(_KEYS[key])):
            reader.problem(name, "unknown setting")
        for name in required:
            reader.problem(name, "is required")
        if len(absent) == len(env_names) or (key == "trro" and not owned_set):
            # Table present, secrets not set: not configured (but its values must still be right).
            _check_only(key, reader, env, own_problems)
            problems.extend(own_problems)
            missing[key] = tuple(absent)
            continue
        problems.extend(f"{name}: not set, but [providers.{key}] needs it" for name in absent)
        secrets = {name: Secret(env.get(name, "").strip()) for name in env_names}
        endpoint = _endpoint(key, env, own_problems)
        settings = loader(reader, secrets, endpoint)
        problems.extend(own_problems)
        if settings is not None and not absent and not own_problems:
            loaded[key] = settings
    return ProviderSettings(**loaded, missing=missing)


def _check_only(key: str, reader: _Reader, env: Mapping[str, str], problems: list[str]) -> None:
    """Check a table's values without secrets (so a wrong value is reported even before secrets are set)."""
    placeholders = {name: Secret("x") for name in _SECRETS[key]}
    if key == "qcloud":
        placeholders["QCLOUD_LIVE_APPID"] = Secret("1")
    _LOADERS[key](reader, placeholders, _endpoint(key, env, problems))


#: Every environment variable that holds a provider secret (for log redaction).
SECRET_ENV_VARS: tuple[str, ...] = tuple(sorted({name for names in _SECRETS.values() for name in names}))
