"""POST one signed webhook and say what happened, without ever raising for network trouble.

The target is resolved and checked when we connect, not only when the subscription was saved:
a name that pointed at a public address then may point at 127.0.0.1 or the cloud metadata
service now (DNS rebinding). We connect to exactly the addresses the check approved and keep
the name in the Host header and TLS SNI, through the same helper feed fetches use.

Redirects are never followed: the receiver's URL is what its owner registered and we checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from feeds.errors import FetchError

# The one place that knows how to pin a request to a checked address (Host, SNI, no TLS
# connection reuse across names) lives with the feed fetcher; webhooks reuse it for POSTs.
from feeds.fetch import parse_retry_after, pinned_request
from feeds.netguard import resolve_checked
from feeds.normalise import storable_text
from service.webhooks.retry import MAX_RETRY_AFTER_S, RETRY, classify
from service.webhooks.signing import USER_AGENT

log = logging.getLogger(__name__)

BLOCKED = "blocked"
# A name with several addresses (IPv6 and IPv4, say): try a few before calling it unreachable.
_MAX_ADDRESSES_TRIED = 3

# Closing a response must not hold the job either (a receiver that stops reading our close).
_CLOSE_BUDGET_S = 2.0
# Each phase of an exchange is bounded on its own as well as the whole attempt: the client's
# own timeouts catch a stalled connect or read even where the overall deadline cannot reach.
_PHASE_TIMEOUT_S = 15.0

# Queue sends here rather than in httpcore's pool, whose wait queue is rescanned on every
# event (quadratic for a thousand-subscription fan-out). The send's deadline starts once a
# slot is free: waiting behind other receivers is not this receiver's slowness.
_SLOTS: weakref.WeakKeyDictionary[httpx.AsyncClient, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class SendResult:
    status: int | None  # the receiver's HTTP status; None when there was no answer
    latency_s: float  # from the start of the attempt until its answer (or the giving up)
    response_excerpt: str  # at most max_response_bytes of the answer, as text
    error: str | None  # what went wrong, in words, for the owner's delivery log
    retry_after_s: float | None  # the receiver's Retry-After, when it sent one
    outcome: str  # ok | retry | gone | reject (retry.classify) or blocked (refused target)


def make_client(*, max_connections: int = 100) -> httpx.AsyncClient:
    """A client for ``send``. No redirects, no environment proxies (the address check must
    see the real target), and identity encoding so a response excerpt cannot be a gzip bomb."""
    client = httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
        timeout=httpx.Timeout(_PHASE_TIMEOUT_S),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        follow_redirects=False,
        trust_env=False,
    )
    _SLOTS[client] = asyncio.Semaphore(max_connections)
    return client


async def _excerpt(response: httpx.Response, max_bytes: int, *, budget_s: float) -> str:
    """Up to ``max_bytes`` of the answer. The status already arrived, so a body that stalls
    or breaks only shortens the excerpt; it must not turn a 200 into a retry (a duplicate)."""
    # Raw bytes: we asked for identity encoding, and a receiver ignoring that gets its
    # compressed bytes shown rather than us inflating them without bound.
    data = bytearray()
    try:
        async with asyncio.timeout(budget_s):
            async for chunk in response.aiter_raw():
                data += chunk
                if len(data) >= max_bytes:
                    break
    except (TimeoutError, httpx.HTTPError, OSError):
        pass
    return storable_text(bytes(data[:max_bytes]).decode("utf-8", errors="replace"), max_bytes)


def retry_after_s(value: str | None) -> float | None:
    """The receiver's Retry-After in seconds, or None when absent or unreadable. The header is
    the receiver's to write: whatever it holds (`²`, a 400-digit number, a broken date) must
    not stop its answer being recorded as an attempt."""
    if not value:
        return None
    value = value.strip()
    if not value.isascii():  # delta-seconds and HTTP dates are ASCII; "²".isdigit() is True
        return None
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        seconds = parse_retry_after(value)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None
    return None if seconds is None else min(seconds, MAX_RETRY_AFTER_S)


def _status_error(response: httpx.Response, outcome: str) -> str | None:
    status = response.status_code
    if outcome == "ok":
        return None
    answer = f"receiver answered {status} {response.reason_phrase}".rstrip()
    if 300 <= status < 400:
        location = response.headers.get("location") or "(no Location)"
        return f"{answer}, redirect to {location} not followed"
    return answer


async def _connect(
    client: httpx.AsyncClient,
    url: str,
    addresses: list[str],
    body: bytes,
    headers: Mapping[str, str],
) -> httpx.Response | str:
    """The streamed response from the first address that accepts, or why none did."""
    last_error: httpx.ConnectError | None = None
    for address in addresses[:_MAX_ADDRESSES_TRIED]:
        request = pinned_request(
            client, url, address, dict(headers), method="POST", content=body
        )
        try:
            return await client.send(request, stream=True)
        except httpx.ConnectError as exc:
            last_error = exc
    return f"cannot connect to {url}: {_words(last_error)}"


def _words(exc: BaseException | None) -> str:
    text = str(exc) if exc is not None else ""
    return text or (type(exc).__name__ if exc is not None else "no address to try")


def no_answer(started: float, error: str, outcome: str = RETRY) -> SendResult:
    """An attempt that got no usable answer: `outcome` retry (with backoff) unless blocked."""
    return SendResult(
        status=None,
        latency_s=time.monotonic() - started,
        response_excerpt="",
        error=error,
        retry_after_s=None,
        outcome=outcome,
    )


async def _send_now(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    allow_private: bool,
    timeout_s: float,
    max_response_bytes: int,
) -> SendResult:
    started = time.monotonic()
    try:
        async with asyncio.timeout(timeout_s):
            try:
                addresses = await resolve_checked(url, allow_private=allow_private)
            except FetchError as exc:
                # A name that does not resolve may resolve tomorrow; a refused address or a
                # malformed URL will not, and we must not even try to connect.
                outcome = "retry" if exc.kind == "dns" else BLOCKED
                return no_answer(started, exc.message, outcome)
            response = await _connect(client, url, addresses, body, headers)
    except (TimeoutError, httpx.TimeoutException):
        return no_answer(started, f"no answer from {url} within {timeout_s:g} s (timed out)")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return no_answer(started, f"not a deliverable URL: {url!r} ({exc})", BLOCKED)
    except (httpx.TransportError, OSError) as exc:
        # Reset connections, truncated answers, protocol errors: the exchange broke.
        return no_answer(
            started, f"connection to {url} failed: {type(exc).__name__}: {_words(exc)}"
        )
    if isinstance(response, str):
        return no_answer(started, response)
    latency = time.monotonic() - started
    try:
        outcome = classify(response.status_code)
        # The excerpt gets what is left of the deadline, but at least a moment.
        budget = max(0.5, timeout_s - latency)
        excerpt = await _excerpt(response, max_response_bytes, budget_s=budget)
        return SendResult(
            status=response.status_code,
            latency_s=latency,
            response_excerpt=excerpt,
            error=_status_error(response, outcome),
            retry_after_s=retry_after_s(response.headers.get("retry-after")),
            outcome=outcome,
        )
    finally:
        with contextlib.suppress(httpx.HTTPError, OSError, TimeoutError):
            async with asyncio.timeout(_CLOSE_BUDGET_S):
                await response.aclose()


async def send(
    client: httpx.AsyncClient,
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    allow_private: bool,
    timeout_s: float = 15.0,
    max_response_bytes: int = 4096,
) -> SendResult:
    """POST ``body`` with ``headers`` to ``url``; the whole attempt (DNS, connect, answer,
    excerpt) is bounded by ``timeout_s``. Never raises: network problems, odd answers and
    our own surprises come back as ``outcome="retry"`` with the reason in ``error``."""
    slots = _SLOTS.get(client)  # None: a client not made by make_client, the caller bounds it
    async with slots if slots is not None else contextlib.nullcontext():
        started = time.monotonic()
        try:
            return await _send_now(
                client,
                url,
                body,
                headers,
                allow_private=allow_private,
                timeout_s=timeout_s,
                max_response_bytes=max_response_bytes,
            )
        except Exception as exc:
            # Anything _send_now did not foresee becomes a failed attempt (retried with
            # backoff) rather than an exception: one receiver's odd answer must not stop the
            # others.
            log.exception("sending a webhook to %s failed unexpectedly", url)
            return no_answer(
                started,
                f"sending to {url} failed unexpectedly: {type(exc).__name__}: {_words(exc)}",
            )
