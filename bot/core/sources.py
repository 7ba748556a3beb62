"""Relay sources: which hosts a relay may pull from, and how a source is shown.

The provider, not the bot, fetches a relay source, so names are never resolved here: what is refused is a host that
can only mean a private network (loopback, link-local, private, unspecified, multicast or otherwise non-global
addresses, in every spelling URL parsers accept, and ``localhost`` or names under ``.local``, ``.internal`` and
``.localhost``), unless the operator allowed it. Query parameters (stream auth tokens such as ``txSecret``) go to the
provider but are never shown: :func:`display_source` writes them as ``?…``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Names that can only mean this machine or a private network.
PRIVATE_NAMES = ("localhost",)
PRIVATE_SUFFIXES = (".local", ".internal", ".localhost")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s,，]+")
_IPV4_PART = re.compile(r"0[xX][0-9A-Fa-f]*|0[0-7]*|[1-9][0-9]*")


@dataclass(frozen=True)
class SourceRefusal:
    """Why a source is refused: a catalogue key (``check.source_*``) and the source as it may be shown."""

    key: str
    shown: str


def display_source(url: str) -> str:
    """``url`` as it may be shown on a card or in a log: no user or password, no fragment, the query as ``?…``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port is not None else host
    query = "?…" if parts.query else ""
    return f"{parts.scheme}://{netloc}{parts.path}{query}" if parts.scheme else f"{netloc}{parts.path}{query}"


def redact_urls(text: str) -> str:
    """``text`` with every URL in it written as :func:`display_source` shows it (for the stored, shown text)."""
    if "://" not in text:  # no URL (most commands): skip the pattern's try at every letter
        return text
    return _URL.sub(lambda m: display_source(m.group(0)), text)


def host_address(host: str) -> IpAddress | None:
    """The address ``host`` spells, in any form a URL parser accepts (``127.0.0.1``, ``2130706433``,
    ``0x7f000001``, ``0177.0.0.1``, ``127.1``, ``::ffff:127.0.0.1``), or None for a name."""
    bare = host.strip("[]").split("%", 1)[0].rstrip(".")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    parts = bare.split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.fullmatch(p) for p in parts):
        return None
    numbers = [_ipv4_number(p) for p in parts]
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (4 - len(leading)):
        return None
    value = last
    for index, number in enumerate(leading):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _ipv4_number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    return int(part, 8) if part.startswith("0") else int(part)


def is_private_address(address: IpAddress) -> bool:
    """Loopback, link-local, private, unspecified, multicast or any other non-global address (IPv4-mapped and
    IPv4-compatible IPv6 addresses are judged by the IPv4 address inside)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is not None:
            return is_private_address(inner)
    return (
        address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or not address.is_global
    )


def is_private_name(host: str) -> bool:
    """``localhost`` or a name under ``.local``, ``.internal`` or ``.localhost``."""
    name = host.lower().rstrip(".")
    return name in PRIVATE_NAMES or name.endswith(PRIVATE_SUFFIXES)


def _allowed(host: str, address: IpAddress | None, allowed_hosts: Collection[str]) -> bool:
    wanted = {entry.strip().lower().strip("[]").rstrip(".") for entry in allowed_hosts}
    return host.lower().rstrip(".") in wanted or (address is not None and str(address) in wanted)


def source_refusal(url: str, allowed_hosts: Collection[str] = ()) -> SourceRefusal | None:
    """Why ``url`` may not be a relay source, or None when it may. ``allowed_hosts`` (names or addresses, as
    configured in ``[relay] allowed_source_hosts``) lifts the private-host refusal, never the credentials one."""
    parts = urlsplit(url)
    shown = display_source(url)
    if parts.username is not None or parts.password is not None:
        return SourceRefusal("check.source_credentials", shown)
    host = parts.hostname or ""
    if not host:
        return None  # not a URL with a host: the provider's own check names it
    address = host_address(host)
    private = is_private_address(address) if address is not None else is_private_name(host)
    if private and not _allowed(host, address, allowed_hosts):
        return SourceRefusal("check.source_private_host", shown)
    return None
