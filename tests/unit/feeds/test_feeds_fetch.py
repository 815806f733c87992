"""fetch_feed against a real HTTP server on 127.0.0.1 (allow_private=True for loopback)."""

from __future__ import annotations

import asyncio
import gzip
import shutil
import socket
import ssl
import subprocess
import time
import tracemalloc
import zlib
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from feeds.fetch import FetchError, FetchResult, fetch_feed, make_client, parse_retry_after
from tests.support.feed_server import FeedServer, Request, Response

T = TypeVar("T")
RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback</title><link>http://example.org/</link>
<item><title>Ceasefire holds</title><link>http://example.org/a</link></item>
</channel></rss>
"""
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 12 Aug 2026 10:00:00 GMT"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def fetch(url: str, *, client_kw: dict[str, Any] | None = None, **kw: Any) -> FetchResult:
    kw.setdefault("allow_private", True)
    async with make_client(user_agent="ceasewatch-test/1", **(client_kw or {})) as client:
        return await fetch_feed(client, url, **kw)


def fetch_error(url: str, **kw: Any) -> FetchError:
    with pytest.raises(FetchError) as info:
        run(fetch(url, **kw))
    return info.value


def test_plain_fetch_returns_body_and_validators(feed_server: FeedServer) -> None:
    feed_server.static(
        "/plain.xml",
        RSS,
        etag=ETAG,
        last_modified=LAST_MODIFIED,
        headers=[("Cache-Control", "max-age=300"), ("Expires", LAST_MODIFIED)],
    )
    result = run(fetch(feed_server.url("/plain.xml")))
    assert result.status == 200
    assert result.body == RSS
    assert result.url == feed_server.url("/plain.xml")
    assert result.content_type == "application/rss+xml; charset=utf-8"
    assert (result.etag, result.last_modified) == (ETAG, LAST_MODIFIED)
    assert (result.cache_control, result.expires) == ("max-age=300", LAST_MODIFIED)
    assert 0 <= result.elapsed_s < 5
    sent = feed_server.requests("/plain.xml")[-1]
    assert sent.headers["accept-encoding"] == "gzip, deflate"
    assert sent.headers["user-agent"] == "ceasewatch-test/1"
    assert "if-none-match" not in sent.headers


def test_conditional_get_with_etag_and_last_modified(feed_server: FeedServer) -> None:
    feed_server.static("/cond.xml", RSS, etag=ETAG, last_modified=LAST_MODIFIED)
    url = feed_server.url("/cond.xml")
    by_etag = run(fetch(url, etag=ETAG))
    assert (by_etag.status, by_etag.body, by_etag.etag) == (304, b"", ETAG)
    assert feed_server.requests("/cond.xml")[-1].headers["if-none-match"] == ETAG
    by_date = run(fetch(url, last_modified=LAST_MODIFIED))
    assert (by_date.status, by_date.body) == (304, b"")
    assert feed_server.requests("/cond.xml")[-1].headers["if-modified-since"] == LAST_MODIFIED
    changed = run(fetch(url, etag='"v0"'))
    assert (changed.status, changed.body) == (200, RSS)


def _fixed(response: Response) -> Callable[[Request], Response]:
    return lambda _request: response


def test_gzip_and_deflate_bodies_are_decoded(feed_server: FeedServer) -> None:
    feed_server.static("/gz.xml", RSS, gzip=True)
    assert run(fetch(feed_server.url("/gz.xml"))).body == RSS
    assert feed_server.requests("/gz.xml")[-1].headers["accept-encoding"] == "gzip, deflate"
    zlib_wrapped = zlib.compress(RSS)
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(RSS) + raw.flush()
    for path, payload in (("/zlib.xml", zlib_wrapped), ("/raw-deflate.xml", raw_deflate)):
        feed_server.route(path, _fixed(Response(200, payload, [("Content-Encoding", "deflate")])))
        assert run(fetch(feed_server.url(path))).body == RSS
    # Two concatenated gzip members are one valid body (RFC 1952).
    twice = gzip.compress(RSS[:50]) + gzip.compress(RSS[50:])
    gz = [("Content-Encoding", "gzip")]
    feed_server.route("/members.xml", lambda _r: Response(200, twice, gz))
    assert run(fetch(feed_server.url("/members.xml"))).body == RSS


def test_corrupt_gzip_is_a_decode_error(feed_server: FeedServer) -> None:
    gz = [("Content-Encoding", "gzip")]
    feed_server.route("/bad-gzip.xml", lambda _r: Response(200, b"not gzip at all", gz))
    assert fetch_error(feed_server.url("/bad-gzip.xml")).kind == "decode"
    feed_server.route("/br.xml", lambda _r: Response(200, b"xx", [("Content-Encoding", "br")]))
    assert fetch_error(feed_server.url("/br.xml")).kind == "decode"


def test_429_and_503_carry_retry_after(feed_server: FeedServer) -> None:
    feed_server.status("/busy.xml", 429, headers=[("Retry-After", "120")])
    error = fetch_error(feed_server.url("/busy.xml"))
    assert (error.kind, error.status, error.retry_after_s) == ("http_status", 429, 120.0)
    assert str(error) == error.message == "server answered 429 Too Many Requests"
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=600), usegmt=True)
    feed_server.status("/down.xml", 503, headers=[("Retry-After", later)])
    error = fetch_error(feed_server.url("/down.xml"))
    assert (error.kind, error.status) == ("http_status", 503)
    assert error.retry_after_s is not None and 590 <= error.retry_after_s <= 600
    assert "503 Service Unavailable" in str(error)


def test_other_statuses_are_http_status_errors(feed_server: FeedServer) -> None:
    feed_server.status("/boom.xml", 500, headers=[("Retry-After", "60")])
    error = fetch_error(feed_server.url("/boom.xml"))
    assert (error.kind, error.status, error.retry_after_s) == ("http_status", 500, None)
    error = fetch_error(feed_server.url("/no-such-route.xml"))
    assert (error.kind, error.status) == ("http_status", 404)


def test_redirects_are_followed_hop_by_hop(feed_server: FeedServer) -> None:
    feed_server.static("/new.xml", RSS)
    feed_server.redirect("/old.xml", "/mid.xml", status=301)
    feed_server.redirect("/mid.xml", feed_server.url("/new.xml"), status=308)
    before = feed_server.count("/new.xml")
    result = run(fetch(feed_server.url("/old.xml")))
    assert (result.status, result.url, result.body) == (200, feed_server.url("/new.xml"), RSS)
    assert feed_server.count("/new.xml") == before + 1


def test_redirect_loop_and_long_chains_stop(feed_server: FeedServer) -> None:
    feed_server.redirect("/loop-a.xml", "/loop-b.xml")
    feed_server.redirect("/loop-b.xml", "/loop-a.xml")
    error = fetch_error(feed_server.url("/loop-a.xml"), max_redirects=5)
    assert error.kind == "too_many_redirects"
    assert feed_server.count("/loop-a.xml") + feed_server.count("/loop-b.xml") == 6
    for i in range(3):
        feed_server.redirect(f"/chain{i}.xml", f"/chain{i + 1}.xml")
    feed_server.static("/chain3.xml", RSS)
    assert fetch_error(feed_server.url("/chain0.xml"), max_redirects=2).kind == "too_many_redirects"
    assert run(fetch(feed_server.url("/chain0.xml"), max_redirects=3)).body == RSS


def test_redirect_to_other_schemes_is_refused_at_the_hop(feed_server: FeedServer) -> None:
    feed_server.redirect("/to-file.xml", "file:///etc/passwd")
    assert fetch_error(feed_server.url("/to-file.xml")).kind == "invalid_url"


def test_slow_trickle_hits_the_total_deadline(feed_server: FeedServer) -> None:
    feed_server.trickle("/trickle.xml", RSS, interval_s=0.25)
    started = time.monotonic()
    error = fetch_error(feed_server.url("/trickle.xml"), total_timeout_s=1.0)
    assert error.kind == "timeout"
    assert time.monotonic() - started < 3.0


def test_hanging_server_times_out(feed_server: FeedServer) -> None:
    feed_server.hang("/hang.xml", seconds=30)
    started = time.monotonic()
    error = fetch_error(feed_server.url("/hang.xml"), client_kw={"read_timeout_s": 0.5})
    assert error.kind == "timeout"
    error = fetch_error(feed_server.url("/hang.xml"), total_timeout_s=0.5)
    assert error.kind == "timeout"
    assert time.monotonic() - started < 4.0


def test_declared_oversized_body_fails_early(feed_server: FeedServer) -> None:
    feed_server.oversized("/big-declared.xml", 8 * 1024 * 1024, declare_length=True)
    error = fetch_error(feed_server.url("/big-declared.xml"), max_bytes=1024 * 1024)
    assert error.kind == "too_large"
    assert "announced" in str(error)


def test_undeclared_oversized_body_fails_while_streaming(feed_server: FeedServer) -> None:
    feed_server.oversized("/big-streamed.xml", 8 * 1024 * 1024, declare_length=False)
    error = fetch_error(feed_server.url("/big-streamed.xml"), max_bytes=1024 * 1024)
    assert error.kind == "too_large"


def test_gzip_bomb_fails_without_inflating_it(feed_server: FeedServer) -> None:
    feed_server.gzip_bomb("/bomb.xml", decompressed_size=256 * 1024 * 1024)
    tracemalloc.start()
    try:
        error = fetch_error(feed_server.url("/bomb.xml"), max_bytes=1024 * 1024)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.kind == "too_large"
    assert "decompressed" in str(error)
    assert peak < 16 * 1024 * 1024, f"peak {peak} bytes: the bomb was inflated"


def test_connection_refused_is_connect() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert fetch_error(f"http://127.0.0.1:{port}/feed.xml").kind == "connect"


def test_unresolvable_name_is_dns() -> None:
    error = fetch_error("http://no-such-host.invalid/feed.xml", total_timeout_s=10)
    assert error.kind == "dns"


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed.xml", "feed.xml", "http:///feed.xml", "http://[::1/x"]
)
def test_invalid_urls(url: str) -> None:
    assert fetch_error(url).kind == "invalid_url"


def test_names_are_resolved_once_and_host_header_kept(feed_server: FeedServer) -> None:
    feed_server.static("/named.xml", RSS)
    url = f"http://localhost:{feed_server.port}/named.xml"
    result = run(fetch(url))
    assert (result.status, result.url, result.body) == (200, url, RSS)
    assert feed_server.requests("/named.xml")[-1].headers["host"] == f"localhost:{feed_server.port}"


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "10.0.0.7",
        "192.168.1.1",
        "169.254.169.254",
        "[fd00:ec2::254]",
        "[fe80::1]",
        "[fc00::5]",
        "0.0.0.0",
        "224.0.0.1",
        "[::ffff:127.0.0.1]",
    ],
)
def test_private_targets_are_refused_without_allow_private(
    feed_server: FeedServer, host: str
) -> None:
    feed_server.static("/private.xml", RSS)
    before = feed_server.count("/private.xml")
    port = feed_server.port
    error = fetch_error(f"http://{host}:{port}/private.xml", allow_private=False)
    assert error.kind == "blocked_address", str(error)
    assert "not a public address" in str(error)
    assert feed_server.count("/private.xml") == before


def test_many_concurrent_fetches_over_a_pattern_route(feed_server: FeedServer) -> None:
    def handler(request: Request) -> Response:
        n = request.params["n"]
        body = RSS.replace(b"Loopback", f"Feed {n}".encode())
        return Response(200, body, [("Content-Type", "application/rss+xml")])

    feed_server.route("/feed/{n}.xml", handler)

    async def fetch_all() -> list[FetchResult]:
        # make_client's default pool, as the service will use it for a thousand feeds.
        async with make_client(user_agent="t") as client:
            return await asyncio.gather(
                *(
                    fetch_feed(client, feed_server.url(f"/feed/{n}.xml"), allow_private=True)
                    for n in range(1000)
                )
            )

    results = run(fetch_all())
    assert all(r.status == 200 for r in results)
    assert all(f"Feed {n}".encode() in r.body for n, r in enumerate(results))
    counts = feed_server.counts()
    assert all(counts[f"/feed/{n}.xml"] == 1 for n in range(1000))


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)
    assert parse_retry_after("30", now=now) == 30.0
    assert parse_retry_after("Thu, 13 Aug 2026 12:05:00 GMT", now=now) == 300.0
    assert parse_retry_after("Thu, 13 Aug 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_fetch_error_shape() -> None:
    error = FetchError("timeout", "too slow")
    assert (str(error), error.status, error.retry_after_s) == ("too slow", None, None)
    with pytest.raises(ValueError):
        FetchError("weird", "x")


def test_client_does_not_follow_redirects_itself() -> None:
    client = make_client(user_agent="t")
    try:
        assert client.follow_redirects is False
        assert isinstance(client.timeout, httpx.Timeout)
    finally:
        run(client.aclose())


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_https_pinned_to_the_checked_address_keeps_sni_and_certificate_name(
    tls_files: tuple[Path, Path],
) -> None:
    """The connection goes to the resolved IP, yet TLS must still verify "localhost": a
    certificate check against the IP would fail, so success proves the name was kept."""
    cert, key = tls_files
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    with FeedServer(ssl_context=server_context) as server:
        server.static("/secure.xml", RSS)
        url = f"https://localhost:{server.port}/secure.xml"

        async def go() -> FetchResult:
            async with httpx.AsyncClient(verify=client_context) as client:
                return await fetch_feed(client, url, allow_private=True)

        result = run(go())
        assert (result.status, result.url, result.body) == (200, url, RSS)
        assert server.requests("/secure.xml")[-1].headers["host"] == f"localhost:{server.port}"
        # The certificate names localhost, not 127.0.0.1: asking for the IP must fail.
        error = fetch_error(f"https://127.0.0.1:{server.port}/secure.xml")
        assert error.kind == "connect"
