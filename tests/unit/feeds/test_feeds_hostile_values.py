"""Values in a feed or an HTTP answer that used to raise: odd digits, huge numbers, dates
out of range, fields longer than their columns, NUL characters, broken redirects."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from feeds.errors import FetchError
from feeds.fetch import (
    MAX_ETAG_CHARS,
    MAX_LAST_MODIFIED_CHARS,
    FetchResult,
    fetch_feed,
    make_client,
    parse_retry_after,
)
from feeds.opml import OutlineFeed, parse_opml, parse_opml_outlines
from feeds.parse import GUID_LIMIT, LINK_LIMIT, MAX_TTL_MINUTES, parse_feed
from feeds.schedule import Hints, next_check_after_success
from tests.support.feed_server import RSS_TYPE, FeedServer, Response

NOW = datetime(2026, 8, 13, 10, 0, tzinfo=UTC)


def _rss(item: str, channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>https://outlet.example/</link>{channel}<item>{item}</item></channel></rss>"
    ).encode()


def _parse(body: bytes):  # type: ignore[no-untyped-def]
    return parse_feed(body, content_type=RSS_TYPE, url="https://outlet.example/rss", fetched_at=NOW)


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [
        ("²", None),  # isdigit() but not int()
        ("٣", None),  # an Arabic-Indic digit: no ASCII, no TTL
        ("9" * 400, MAX_TTL_MINUTES),  # used to overflow ttl * 60.0
        ("9" * 5000, MAX_TTL_MINUTES),  # used to exceed int()'s 4,300 digits
        ("0000", None),
        (" 30 ", 30),
        (str(MAX_TTL_MINUTES + 1), MAX_TTL_MINUTES),
    ],
)
def test_ttl_takes_ascii_digits_and_is_capped(ttl: str, expected: int | None) -> None:
    parsed = _parse(_rss("<title>a</title>", f"<ttl>{ttl}</ttl>"))
    assert parsed.ttl_minutes == expected
    hints = Hints(ttl_minutes=parsed.ttl_minutes)
    at = next_check_after_success(
        now=NOW, hints=hints, entry_times=[], min_interval_s=300, max_interval_s=3600,
        default_interval_s=900, rng=random.Random(0),
    )
    assert (at - NOW).total_seconds() <= 3600


@pytest.mark.parametrize(
    "hints",
    [
        Hints(ttl_minutes=10**400),
        Hints(cache_control="max-age=" + "9" * 5000),
        Hints(expires="Fri, 31 Dec 9999 23:59:59 -1400"),  # beyond datetime in UTC
        Hints(expires="Mon, 01 Jan 0001 00:00:00 +1400"),
    ],
)
def test_schedule_survives_absurd_hints(hints: Hints) -> None:
    at = next_check_after_success(
        now=NOW, hints=hints, entry_times=[], min_interval_s=300, max_interval_s=3600,
        default_interval_s=900, rng=random.Random(0),
    )
    assert 0 < (at - NOW).total_seconds() <= 3600


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("²", None),
        ("9" * 5000, None),
        ("99999999999", None),  # three thousand years is not a request
        ("120", 120.0),
        ("Fri, 31 Dec 9999 23:59:59 -1400", None),
        ("Thu, 13 Aug 2026 10:02:00 GMT", 120.0),
    ],
)
def test_retry_after(value: str, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    "date",
    ["Mon, 01 Jan 0001 00:00:00 -1400", "0001-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT"],
)
def test_placeholder_dates_count_as_missing(date: str) -> None:
    entry = _parse(_rss(f"<title>a</title><pubDate>{date}</pubDate>")).entries[0]
    assert entry.published == NOW


def test_a_real_old_date_is_kept() -> None:
    entry = _parse(_rss("<title>a</title><pubDate>Sat, 01 Jan 2000 00:00:00 GMT</pubDate>"))
    assert entry.entries[0].published == datetime(2000, 1, 1, tzinfo=UTC)


def test_an_over_long_link_is_dropped_and_its_hash_keys_the_entry() -> None:
    link = "https://outlet.example/" + "a" * 3000
    first = _parse(_rss(f"<title>a</title><link>{link}</link>")).entries[0]
    again = _parse(_rss(f"<title>edited</title><link>{link}</link>")).entries[0]
    assert first.link is None
    assert first.guid.startswith("sha256:") and len(first.guid) <= GUID_LIMIT
    assert again.guid == first.guid  # the key follows the link, not the text

    fits = "https://outlet.example/" + "b" * (LINK_LIMIT - 40)
    entry = _parse(_rss(f"<title>a</title><link>{fits}</link>")).entries[0]
    assert entry.link == fits and entry.guid == fits  # as before: a link that fits is the key
    parsed = _parse(_rss("<title>a</title>").replace(b"https://outlet.example/", link.encode()))
    assert parsed.link is None  # the feed's own site link: same column width


def test_nul_characters_are_removed_from_entry_text() -> None:
    body = _rss(
        "<title>a&#0;b\x00c</title><description>d\x00e</description>"
        "<link>https://outlet.example/x\x00y</link><guid>id\x00-1</guid>"
    )
    entries = _parse(body).entries
    assert entries and entries[0].title.startswith("a")
    assert entries[0].link is not None and entries[0].guid.endswith("id-1")
    for entry in entries:
        for value in (entry.title, entry.summary, entry.link or "", entry.guid):
            assert "\x00" not in value


def test_long_language_tags_keep_their_leading_subtags() -> None:
    tag = "en-us-x-" + "-".join(["abcdefgh"] * 6)
    parsed = _parse(_rss("<title>a</title>", f"<language>{tag}</language>"))
    assert parsed.language == "en-us-x-abcdefgh"  # 16 characters: the column holds 20
    assert parsed.entries[0].language == "en-us-x-abcdefgh"


def test_opml_outlines_keep_every_scheme_for_reporting() -> None:
    document = (
        b'<opml version="2.0"><body><outline xmlUrl="https://a.example/rss"/>'
        b'<outline xmlUrl="ftp://b.example/feed"/><outline xmlUrl="javascript:alert(1)"/>'
        b'<outline xmlUrl="http://[::1"/><outline text="folder"/></body></opml>'
    )
    assert [o.url for o in parse_opml_outlines(document)] == [
        "https://a.example/rss", "ftp://b.example/feed", "javascript:alert(1)", "http://[::1",
    ]
    # parse_opml still keeps http(s) outlines only, broken or not, as it always did.
    assert parse_opml(document) == [
        OutlineFeed("https://a.example/rss"), OutlineFeed("http://[::1"),
    ]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def _fetch(url: str) -> FetchResult:
    async def go() -> FetchResult:
        async with make_client(user_agent="test") as client:
            return await fetch_feed(client, url, allow_private=True, total_timeout_s=5)

    return asyncio.run(go())


def test_a_malformed_redirect_is_the_feeds_error_not_the_network(server: FeedServer) -> None:
    server.route("/r", lambda _: Response(302, b"", [("Location", "http://[::1")]))
    server.route("/s", lambda _: Response(301, b"", [("Location", "http://[::1]:99999/x")]))
    for path in ("/r", "/s"):
        with pytest.raises(FetchError) as caught:
            _fetch(server.url(path))
        assert caught.value.kind == "invalid_url", caught.value
        assert "redirect" in caught.value.message


def test_a_503_with_a_strange_retry_after_is_a_status_error(server: FeedServer) -> None:
    server.route("/busy", lambda _: Response(503, b"", [("Retry-After", "²")]))
    with pytest.raises(FetchError) as caught:
        _fetch(server.url("/busy"))
    assert caught.value.kind == "http_status" and caught.value.retry_after_s is None


@pytest.mark.parametrize(
    ("etag", "last_modified", "kept"),
    [
        ('"' + "e" * (MAX_ETAG_CHARS - 2) + '"', "x" * MAX_LAST_MODIFIED_CHARS, True),
        ('"' + "e" * MAX_ETAG_CHARS + '"', "x" * (MAX_LAST_MODIFIED_CHARS + 1), False),
        ('"caf\u00e9"', "Thu, 13 Aug 2026 10:00:00 GMT\u00e9", False),  # not sendable back
    ],
)
def test_validators_that_cannot_be_stored_or_sent_back_are_dropped(
    server: FeedServer, etag: str, last_modified: str, kept: bool
) -> None:
    headers = [
        ("Content-Type", RSS_TYPE),
        ("ETag", etag.encode("utf-8").decode("latin-1")),
        ("Last-Modified", last_modified.encode("utf-8").decode("latin-1")),
    ]
    server.route("/v", lambda _: Response(200, _rss("<title>a</title>"), headers))
    result = _fetch(server.url("/v"))
    assert (result.etag, result.last_modified) == ((etag, last_modified) if kept else (None, None))
