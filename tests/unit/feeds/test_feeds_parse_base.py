"""parse_feed gives feedparser the feed's URL as a base only when it would change something.

The reference below is how parse_feed always used to work: feedparser told the URL (as the
response's Content-Location) for every document. The shortcut must give the same ParsedFeed
for every real document and for the relative-link, xml:base and odd-URL cases it guards.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest

from feeds import parse
from feeds.parse import FeedParseError, ParsedFeed, parse_feed

FETCHED_AT = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)
URLS = ("https://news.example.org/feeds/world.xml", "http://plain.example/rss", "")
CONTENT_TYPES = ("application/rss+xml", None, "text/xml; charset=gb2312")


def _always_with_base(body: bytes, content_type: str | None, url: str) -> ParsedFeed | str:
    try:
        result = parse._feedparser(body, content_type, url)
        return parse._parsed_feed(result, content_type=content_type, fetched_at=FETCHED_AT)
    except FeedParseError as exc:
        return f"error: {exc}"


def _parse(body: bytes, content_type: str | None, url: str) -> ParsedFeed | str:
    try:
        return parse_feed(body, content_type=content_type, url=url, fetched_at=FETCHED_AT)
    except FeedParseError as exc:
        return f"error: {exc}"


RELATIVE_AND_ODD = [
    # Relative links and GUIDs (permalink by default, or not), a relative channel link.
    b'<rss version="2.0"><channel><title>T</title><link>/home</link>'
    b"<item><title>A</title><link>/a/1?utm_source=x&amp;b=2</link><guid>123</guid></item>"
    b'<item><title>B</title><guid isPermaLink="false">456</guid></item>'
    b"<item><title>C</title><guid>rel/789</guid></item>"
    b"<item><title>D</title><link>http:///x.com/y</link><guid>javascript:alert(1)</guid></item>"
    b"</channel></rss>",
    # xml:base on the feed and on an entry, relative hrefs under it.
    b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://base.example/dir/">'
    b'<title>x</title><link href="sub/"/><entry><title>E</title><link href="e1"/>'
    b'<id>e1-id</id></entry><entry xml:base="/other/"><title>F</title>'
    b'<link rel="alternate" href="f1"/><id>tag:x,2020:1</id></entry></feed>',
    # Absolute links that urljoin still rewrites (empty query, fragment or parameters).
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
    b'<entry><title>E</title><link href="e1"/><id>e1-id</id></entry>'
    b'<entry><title>G</title><link href="https://abs.example/g?"/>'
    b"<id>https://abs.example/g#</id></entry>"
    b'<entry><title>H</title><link href="https://abs.example/h;"/><id>urn:uuid:1</id></entry>'
    b'<entry><title>I</title><link href="http://[broken/i"/><id>http://[broken/i</id></entry>'
    b"</feed>",
    # A bare `base` attribute, which feedparser honours too.
    b'<rss version="2.0"><channel><item base="https://elsewhere.example/x/"><title>B</title>'
    b"<link>b</link></item><item><title>A</title><link>HTTPS://OK.example:443/b/</link>"
    b"<guid>https://ok.example/a?a=1&amp;amp;b=2</guid></item></channel></rss>",
    # Scheme-relative, query-only and fragment-only links.
    b'<rss version="2.0"><channel><item><title>p</title><link>//proto.example/x</link>'
    b"<guid>//proto.example/x</guid></item><item><title>q</title><link>?q=1</link></item>"
    b"<item><title>f</title><link>#f</link></item></channel></rss>",
    # An xml:base with a scheme feedparser refuses as a base.
    b'<rss version="2.0" xml:base="ws://evil.example/"><channel><item><title>w</title>'
    b"<link>x</link></item></channel></rss>",
    # The same in UTF-16, where the bytes of "xml:base" are NUL-padded.
    '<?xml version="1.0" encoding="utf-16"?><rss version="2.0" xml:base="ws://evil.example/">'
    "<channel><item><title>u</title><link>x</link><guid>https://abs.example/u</guid></item>"
    "</channel></rss>".encode("utf-16"),
    # Everything absolute: the shortcut applies.
    b'<rss version="2.0"><channel><link>https://ok.example/</link><item><title>ok</title>'
    b"<link>https://ok.example/a?x=1</link><guid>https://ok.example/a</guid></item>"
    b"</channel></rss>",
]


@pytest.mark.parametrize("body", RELATIVE_AND_ODD)
def test_relative_links_and_bases_resolve_as_with_the_url_always_given(body: bytes) -> None:
    for url in URLS:
        for content_type in CONTENT_TYPES:
            assert _parse(body, content_type, url) == _always_with_base(body, content_type, url)


def test_relative_links_still_resolve_against_the_feed() -> None:
    feed = parse_feed(
        RELATIVE_AND_ODD[0], content_type=None, url=URLS[0], fetched_at=FETCHED_AT
    )
    assert feed.link == "https://news.example.org/home"
    assert [(e.guid, e.link) for e in feed.entries][:3] == [
        ("https://news.example.org/feeds/123", "https://news.example.org/a/1?b=2"),
        ("456", None),
        ("https://news.example.org/feeds/rel/789", "https://news.example.org/feeds/rel/789"),
    ]


def test_every_real_document_parses_as_with_the_url_always_given(shared_feeds: Path) -> None:
    files = sorted((shared_feeds / "feedparser").rglob("*.xml"))
    files += sorted((shared_feeds / "captures").glob("*.xml"))
    assert len(files) >= 139 + 9
    for path in files:
        body = path.read_bytes()
        for content_type in CONTENT_TYPES[:2]:
            url = URLS[0]
            assert _parse(body, content_type, url) == _always_with_base(
                body, content_type, url
            ), path.name


def test_plain_absolute_shortcut_agrees_with_urljoin() -> None:
    """Whatever the regex waves through, urljoin would have handed back unchanged."""
    rng = random.Random(7)
    schemes = ["http://", "https://", "HTTP://", "http:/", "ftp://", ""]
    pieces = ["a", "b.example", "/", "?", "#", ";", "=", "&", ":", "@", "[", "]", "%2F", " ",
              "\t", "\n", "..", "//", "x=1", "é", ":80", "http://"]
    checked = 0
    for _ in range(20000):
        value = rng.choice(schemes)
        value += "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        if not parse._PLAIN_ABSOLUTE.match(value):
            continue
        checked += 1
        for base in URLS[:2]:
            assert urljoin(base, value) == value, (base, value)
    assert checked > 1000
