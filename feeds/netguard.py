"""Refuse outbound requests to addresses inside the operator's network (SSRF protection).

Used for feed fetches on every redirect hop, and meant for webhook deliveries too.

Checking a name and then letting the HTTP client resolve it again leaves a DNS-rebinding gap
(public answer at check time, private answer at connect time). ``resolve_checked`` returns the
addresses it approved so the caller can connect to exactly those; fetch.py does that, keeping
the name in the Host header and in TLS SNI / certificate verification. A webhook sender should
do the same rather than call ``check_url_target`` and then connect by name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from feeds.errors import FetchError

# Cloud metadata endpoints. 169.254.169.254 is link-local anyway, but fd00:ec2::254 (AWS IPv6)
# sits in the ULA range only by accident of numbering, so both are named explicitly.
_METADATA = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),
        ipaddress.ip_address("169.254.170.2"),
        ipaddress.ip_address("fd00:ec2::254"),
        ipaddress.ip_address("100.100.100.200"),
    }
)
# NAT64 (64:ff9b::/96) embeds an IPv4 address that must be judged on its own.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

ALLOWED_SCHEMES = frozenset({"http", "https"})


def is_public_address(ip: str) -> bool:
    """True when ``ip`` is a globally routable unicast address a feed may live on."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address):
        embedded = addr.ipv4_mapped or addr.sixtofour
        if embedded is None and addr in _NAT64:
            embedded = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        if embedded is None and addr.teredo is not None:
            embedded = addr.teredo[1]
        if embedded is not None:
            return is_public_address(str(embedded))
    if addr in _METADATA:
        return False
    # is_global alone misses multicast and some reserved blocks on older Pythons.
    return addr.is_global and not (
        addr.is_multicast
        or addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_reserved
        or addr.is_unspecified
    )


def split_target(url: str) -> tuple[str, str, int]:
    """(scheme, ascii host, port) of an absolute http(s) URL, or FetchError("invalid_url")."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError("invalid_url", f"not a valid URL: {url!r} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchError(
            "invalid_url", f"only http and https URLs can be fetched, not {scheme or 'none'!r}"
        )
    host = parts.hostname
    if not host:
        raise FetchError("invalid_url", f"URL has no host: {url!r}")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise FetchError("invalid_url", f"host name cannot be encoded: {host!r}") from None
    return scheme, host.rstrip(".").lower(), port or (443 if scheme == "https" else 80)


async def resolve_checked(url: str, *, allow_private: bool) -> list[str]:
    """Resolve the URL's host and return its addresses, all of them checked.

    Every address must be public (unless ``allow_private``): a name with one public and one
    private address is refused, because the connection could go to either.
    """
    _scheme, host, port = split_target(url)
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError("dns", f"cannot resolve {host!r}: {exc}") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise FetchError("dns", f"{host!r} resolved to no addresses")
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(
                    "blocked_address",
                    f"{host} resolves to {address}, which is not a public address "
                    "(private targets are disabled)",
                )
    return addresses


async def check_url_target(url: str, *, allow_private: bool) -> None:
    """Raise FetchError("invalid_url" | "dns" | "blocked_address") unless ``url`` may be used."""
    await resolve_checked(url, allow_private=allow_private)
