"""Logging for the long-running adapters: one format, and a formatter that scrubs what must never be logged.

Redaction happens once, on the formatted line (message *and* traceback), so no log call anywhere has to remember it:
configured secret values, Slack ``response_url``s (anyone holding one can post as the bot for 30 minutes), the
legacy API's ``sign=`` query values, and passwords inside database URLs all become ``****``.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from typing import Final

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


def secrets_from(env: Mapping[str, str]) -> list[str]:
    """The secret values configured in ``env`` (provider and Slack credentials)."""
    return [env[name] for name in (*SECRET_ENV_VARS, *SLACK_SECRET_ENV_VARS) if env.get(name)]


def configure_logging(env: Mapping[str, str] | None = None, *, level: int = logging.INFO) -> None:
    """Log to stderr through a :class:`RedactingFormatter`, and quiet the libraries that log full URLs at INFO
    (httpx: the legacy API signs in the query string; slack_sdk/slack_bolt: response_urls)."""
    env = os.environ if env is None else env
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    root.setLevel(level)
    formatter = RedactingFormatter(secrets_from(env))
    for handler in root.handlers:
        handler.setFormatter(formatter)
    for name in ("httpx", "slack_sdk", "slack_bolt"):
        logging.getLogger(name).setLevel(logging.WARNING)
