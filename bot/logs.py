"""Logging for the long-running adapters: one format, and a formatter that scrubs what must never be logged.

Redaction happens once, on the formatted line (message *and* traceback), so no log call anywhere has to remember it:
configured secret values, Slack ``response_url``s (anyone holding one can post as the bot for 30 minutes), the
legacy API's ``sign=`` query values, and passwords inside database URLs all become ``****``.

``BOT_LOG_FORMAT=json`` writes one JSON object per line instead (``at``, ``level``, ``logger``, ``message``, and
``request_id`` on every line about a request: the flow's workers, the scheduler's jobs and restart reconciliation
work inside :func:`bot.log_context.about_request`, or a record carries ``extra={"request_id": …}``), scrubbed the same
way before it is encoded.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Final

from bot.log_context import CURRENT_REQUEST
from providers.config import SECRET_ENV_VARS

#: Slack secrets; provider secrets come from :data:`providers.config.SECRET_ENV_VARS`.
SLACK_SECRET_ENV_VARS: Final = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")
FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK: Final = "****"

_RESPONSE_URL = re.compile(r"https?://[^\s'\"<>]*(?:hooks\.slack\.com|/response/)[^\s'\"<>]*")
_SIGN = re.compile(r"(\bsign=)[0-9A-Fa-f]+")
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s]+@")
_SHORTEST_SECRET = 4  # shorter values would mask ordinary words


def redact(line: str, secrets: Iterable[str] = ()) -> str:
    """``line`` with every secret value, response_url, ``sign=`` value and URL password replaced by ``****``."""
    for secret in secrets:
        if len(secret) >= _SHORTEST_SECRET:
            line = line.replace(secret, MASK)
    line = _RESPONSE_URL.sub("<response_url>", line)
    line = _SIGN.sub(rf"\g<1>{MASK}", line)
    return _URL_PASSWORD.sub(rf"\g<1>{MASK}@", line)


class RedactingFormatter(logging.Formatter):
    """A :class:`logging.Formatter` whose every output line has passed through :func:`redact`."""

    def __init__(self, secrets: Iterable[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.secrets = tuple(sorted(set(secrets), key=len, reverse=True))

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


class JsonLinesFormatter(RedactingFormatter):
    """One JSON object per record; every text field scrubbed by :func:`redact` before encoding."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage(), self.secrets),
        }
        request_id = getattr(record, "request_id", None) or CURRENT_REQUEST.get()
        if request_id:
            line["request_id"] = redact(str(request_id), self.secrets)
        if record.exc_info:
            line["error"] = redact(self.formatException(record.exc_info), self.secrets)
        return json.dumps(line, ensure_ascii=False)


class KnownNoticeFilter(logging.Filter):
    """Drops third-party notices about choices the bot makes on purpose (no one can act on them)."""

    #: Bolt reads SLACK_BOT_TOKEN itself and says it is unused because the bot hands it a configured client.
    NOTICES: Final = ("As you gave `client` as well, `token` will be unused.",)

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("slack_bolt") and record.getMessage() in self.NOTICES)


def secrets_from(env: Mapping[str, str]) -> list[str]:
    """The secret values configured in ``env`` (provider and Slack credentials)."""
    return [env[name] for name in (*SECRET_ENV_VARS, *SLACK_SECRET_ENV_VARS) if env.get(name)]


def configure_logging(env: Mapping[str, str] | None = None, *, level: int = logging.INFO) -> None:
    """Log to stderr through a :class:`RedactingFormatter` (:class:`JsonLinesFormatter` with
    ``BOT_LOG_FORMAT=json``), and quiet the libraries that log full URLs at INFO (httpx: the legacy API signs in the
    query string; slack_sdk/slack_bolt: response_urls) or chatter at start-up (alembic)."""
    env = os.environ if env is None else env
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    root.setLevel(level)
    json_lines = env.get("BOT_LOG_FORMAT", "").strip().lower() == "json"
    formatter = (JsonLinesFormatter if json_lines else RedactingFormatter)(secrets_from(env))
    for handler in root.handlers:
        handler.setFormatter(formatter)
        if not any(isinstance(f, KnownNoticeFilter) for f in handler.filters):
            handler.addFilter(KnownNoticeFilter())
    # alembic: its INFO lines ("Context impl", "Will assume transactional DDL", each revision) are noise at start-up
    for name in ("httpx", "slack_sdk", "slack_bolt", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
