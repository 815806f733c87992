"""Fetch one feed over HTTP(S) with conditional GET, hop-by-hop SSRF checks and hard bounds.

Bounds: redirect hops, bytes on the wire, bytes after decompression, and a total deadline
that also catches servers trickling one byte at a time (httpx's read timeout alone resets on
every byte received).
"""

from __future__ import annotations

import asyncio
import re
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from feeds.decode import BoundedDecoder
from feeds.errors import FetchError
from feeds.netguard import resolve_checked

__all__ = ["FetchError", "FetchResult", "fetch_feed", "make_client", "parse_retry_after"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# With several addresses for one name, try a few before giving up (IPv6 then IPv4, say).
_MAX_ADDRESSES_TRIED = 3
# Validators are stored (feeds.etag is varchar(1024), feeds.last_modified varchar(200)) and sent
# back verbatim in If-None-Match / If-Modified-Since. Half a validator never matches, and one
# httpx cannot encode as ASCII would fail every later request of the feed, so a validator
# that is too long or not printable ASCII is dropped: the feed is then fetched unconditionally.
MAX_ETAG_CHARS = 1024
MAX_LAST_MODIFIED_CHARS = 200
_VALIDATOR = re.compile(r"[\x20-\x7e]+")
# Retry-After beyond this is not a request but junk (schedule.py caps honoured waits at a day).
_MAX_RETRY_AFTER_S = 366 * 86_400.0
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchResult:
    status: int  # 200 or 304
    url: str  # final URL after redirects
    body: bytes  # b"" for 304
    content_type: str | None
    etag: str | None
    last_modified: str | None
    cache_control: str | None
    expires: str | None
    elapsed_s: float


# Concurrency slots per client. httpcore's pool rescans every queued request against every
# connection on each scheduling event, so 1,000 fetches gathered on a 50-connection client
# spend their time in that scan (quadratic) until connects time out. Queuing fetches here,
# before they reach the pool, keeps the pool's queue short. Weak keys: a closed and dropped
# client takes its semaphore with it.
_SLOTS: weakref.WeakKeyDictionary[httpx.AsyncClient, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def make_client(
    *,
    user_agent: str,
    connect_timeout_s: float = 10,
    read_timeout_s: float = 20,
    max_connections: int = 50,
) -> httpx.AsyncClient:
    """A client for fetch_feed. Redirects are followed by fetch_feed itself so every hop is
    checked; environment proxies are ignored because the address check must see the real
    target (a deployment behind a proxy needs an explicit decision, not an accident)."""
    client = httpx.AsyncClient(
        headers={"User-Agent": user_agent, "Accept": _ACCEPT},
        timeout=httpx.Timeout(
            connect=connect_timeout_s, read=read_timeout_s, write=read_timeout_s,
            pool=connect_timeout_s,
        ),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections // 2
        ),
        follow_redirects=False,
        trust_env=False,
    )
    _SLOTS[client] = asyncio.Semaphore(max_connections)
    return client


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    # str.isdigit() also accepts "²" and other digits float() refuses: ASCII digits only.
    if value.isascii() and value.isdigit():
        seconds = float(value)
        return seconds if seconds <= _MAX_RETRY_AFTER_S else None
    try:
        when = parsedate_to_datetime(value)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        current = now or datetime.now(UTC)
        seconds = max(0.0, (when - current).total_seconds())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return seconds if seconds <= _MAX_RETRY_AFTER_S else None


def _validator(value: str | None, limit: int) -> str | None:
    """An ETag or Last-Modified fit to store and send back, or None (see MAX_ETAG_CHARS)."""
    if value is None or len(value) > limit or not _VALIDATOR.fullmatch(value):
        return None
    return value


def pinned_request(
    client: httpx.AsyncClient,
    url: str,
    address: str,
    headers: dict[str, str],
    *,
    method: str = "GET",
    content: bytes | None = None,
) -> httpx.Request:
    """A request that connects to the already-checked ``address`` while keeping the name in
    the Host header and in TLS SNI/certificate checks. Connecting by name would resolve again,
    and a DNS-rebinding server could then answer with a private address. The webhook sender
    uses it too (POST with a body)."""
    logical = httpx.URL(url)
    pinned = logical.copy_with(host=address)
    hop_headers = dict(headers)
    hop_headers["Host"] = logical.netloc.decode("ascii")
    extensions: dict[str, str] = {}
    if logical.scheme == "https":
        extensions["sni_hostname"] = logical.raw_host.decode("ascii")
        # The pool keys connections by IP: a kept-alive TLS connection negotiated for one
        # name must not carry a request for another name on the same CDN address.
        hop_headers["Connection"] = "close"
    return client.build_request(
        method, pinned, headers=hop_headers, content=content, extensions=extensions
    )


async def _send(
    client: httpx.AsyncClient, url: str, addresses: list[str], headers: dict[str, str]
) -> httpx.Response:
    last_error: httpx.ConnectError | None = None
    for address in addresses[:_MAX_ADDRESSES_TRIED]:
        request = pinned_request(client, url, address, headers)
        try:
            return await client.send(request, stream=True)
        except httpx.ConnectError as exc:
            last_error = exc
        except httpx.RemoteProtocolError as exc:
            # httpx builds the next request of every redirect itself, and a Location it cannot
            # parse ends there. That is the feed's own error, not network trouble: "connect"
            # would count towards offline detection and spare the feed its backoff.
            if isinstance(exc.__context__, httpx.InvalidURL) or "location header" in str(exc):
                raise FetchError(
                    "invalid_url", f"{url} redirects to an invalid URL: {exc}"
                ) from None
            raise
    raise FetchError("connect", f"cannot connect to {url}: {last_error}")


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    declared = (response.headers.get("content-length") or "").strip()
    # ASCII digits only (isdigit() takes "²"), compared by length first: int() refuses more
    # than 4,300 digits.
    if declared.isascii() and declared.isdigit():
        digits = declared.lstrip("0") or "0"
        limit = str(max_bytes)
        if len(digits) > len(limit) or (len(digits) == len(limit) and digits > limit):
            shown = digits if len(digits) <= 20 else f"{digits[:20]}... ({len(digits)} digits)"
            raise FetchError(
                "too_large", f"server announced {shown} bytes, more than the {max_bytes} allowed"
            )
    decoder = BoundedDecoder(response.headers.get("content-encoding"), max_bytes=max_bytes)
    wire = 0
    # aiter_raw yields the bytes as sent, before any decompression by httpx.
    async for chunk in response.aiter_raw():
        wire += len(chunk)
        if wire > max_bytes:
            raise FetchError("too_large", f"feed body is larger than {max_bytes} bytes")
        decoder.feed(chunk)
    return decoder.finish()


def _status_error(response: httpx.Response) -> FetchError:
    status = response.status_code
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
    phrase = response.reason_phrase or ""
    return FetchError(
        "http_status",
        f"server answered {status} {phrase}".rstrip(),
        status=status,
        retry_after_s=retry_after,
    )


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    *,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
    started: float,
) -> FetchResult:
    current = url.strip()
    for hop in range(max_redirects + 1):
        try:
            addresses = await resolve_checked(current, allow_private=allow_private)
        except FetchError as exc:
            if hop == 0 or exc.kind != "invalid_url":
                raise
            raise FetchError("invalid_url", f"{url} redirects to an unusable URL: {exc}") from None
        response = await _send(client, current, addresses, headers)
        try:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        "http_status", f"server answered {status} without a Location", status=status
                    )
                try:
                    current = urljoin(current, location.strip())
                except ValueError as exc:  # "http://[::1": the feed's error, as in _send
                    raise FetchError(
                        "invalid_url",
                        f"{current} redirects to an invalid URL {location[:200]!r}: {exc}",
                        status=status,
                    ) from None
                continue
            if status == 304 or 200 <= status < 300:
                body = b"" if status in (204, 304) else await _read_body(response, max_bytes)
                h = response.headers
                return FetchResult(
                    status=304 if status == 304 else 200,
                    url=current,
                    body=body,
                    content_type=h.get("content-type"),
                    etag=_validator(h.get("etag"), MAX_ETAG_CHARS),
                    last_modified=_validator(h.get("last-modified"), MAX_LAST_MODIFIED_CHARS),
                    cache_control=h.get("cache-control"),
                    expires=h.get("expires"),
                    elapsed_s=time.monotonic() - started,
                )
            raise _status_error(response)
        finally:
            await response.aclose()
    raise FetchError(
        "too_many_redirects", f"more than {max_redirects} redirects, last to {current}"
    )


async def fetch_feed(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = 15 * 1024 * 1024,
    max_redirects: int = 5,
    allow_private: bool = False,
    total_timeout_s: float = 60.0,
) -> FetchResult:
    """GET ``url``; 200 with the decoded body, or 304; anything else raises FetchError."""
    headers = {"Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    attempt = _fetch_with_deadline(
        client, url, headers, max_bytes=max_bytes, max_redirects=max_redirects,
        allow_private=allow_private, total_timeout_s=total_timeout_s,
    )
    slots = _SLOTS.get(client)
    if slots is None:  # a client not made by make_client: the caller bounds concurrency
        return await attempt
    # The deadline starts once a slot is free: waiting in our own queue is not the feed's fault.
    async with slots:
        return await attempt


async def _fetch_with_deadline(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    *,
    max_bytes: int,
    max_redirects: int,
    allow_private: bool,
    total_timeout_s: float,
) -> FetchResult:
    started = time.monotonic()
    try:
        async with asyncio.timeout(total_timeout_s):
            return await _fetch(
                client, url, headers, max_bytes=max_bytes, max_redirects=max_redirects,
                allow_private=allow_private, started=started,
            )
    except TimeoutError:
        raise FetchError(
            "timeout", f"no complete answer from {url} within {total_timeout_s:g} s"
        ) from None
    except httpx.TimeoutException as exc:
        raise FetchError("timeout", f"{url} timed out: {type(exc).__name__}") from None
    except httpx.ConnectError as exc:
        raise FetchError("connect", f"cannot connect to {url}: {exc}") from None
    except httpx.DecodingError as exc:
        raise FetchError("decode", f"cannot decode the answer from {url}: {exc}") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError("invalid_url", f"not a fetchable URL: {url!r} ({exc})") from None
    except httpx.TransportError as exc:
        # Connection reset, truncated body, protocol violations: the server broke the exchange.
        raise FetchError(
            "connect", f"connection to {url} failed: {type(exc).__name__}: {exc}"
        ) from None
