"""Which file links may be posted, and links built from a bucket/path for look-ups that return no URL."""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import quote, urlsplit


def allowed_link(url: str, hosts: Collection[str]) -> bool:
    """Whether ``url`` is http(s) on one of ``hosts`` (``*.example.com`` matches any subdomain of it)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme not in {"http", "https"} or not host:
        return False
    for pattern in hosts:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                return True
        elif host == pattern:
            return True
    return False


def storage_link(template: str | None, bucket: str, path: str) -> str | None:
    """The link ``template`` (``{bucket}``, ``{path}``) builds for a stored object; None without a template."""
    if not template:
        return None
    return template.replace("{bucket}", quote(bucket, safe="")).replace("{path}", quote(path.lstrip("/"), safe="/"))
