"""The address guard on its own (it is reused for webhooks)."""

from __future__ import annotations

import asyncio

import pytest

from feeds.errors import FetchError
from feeds.netguard import check_url_target, is_public_address, resolve_checked


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",
        "169.254.1.1",
        "fd00:ec2::254",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd12:3456::1",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "100.64.0.1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
        "2002:a00:1::1",
        "192.0.2.1",
        "not-an-ip",
        "",
    ],
)
def test_non_public_addresses(ip: str) -> None:
    assert is_public_address(ip) is False


@pytest.mark.parametrize("ip", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses(ip: str) -> None:
    assert is_public_address(ip) is True


def _kind(url: str, *, allow_private: bool) -> str:
    with pytest.raises(FetchError) as info:
        asyncio.run(check_url_target(url, allow_private=allow_private))
    return info.value.kind


def test_check_url_target_kinds() -> None:
    assert _kind("http://localhost/feed", allow_private=False) == "blocked_address"
    assert _kind("http://169.254.169.254/latest/meta-data/", allow_private=False) == (
        "blocked_address"
    )
    assert _kind("https://[fd00:ec2::254]/", allow_private=False) == "blocked_address"
    assert _kind("gopher://example.org/", allow_private=False) == "invalid_url"
    assert _kind("https:///nohost", allow_private=False) == "invalid_url"
    assert _kind("http://no-such-host.invalid/", allow_private=True) == "dns"


def test_allow_private_lets_loopback_through() -> None:
    asyncio.run(check_url_target("http://127.0.0.1:9/", allow_private=True))
    addresses = asyncio.run(resolve_checked("http://localhost:9/", allow_private=True))
    assert addresses and all(not is_public_address(a) for a in addresses)


def test_public_literal_needs_no_dns() -> None:
    asyncio.run(check_url_target("https://8.8.8.8/feed.xml", allow_private=False))
