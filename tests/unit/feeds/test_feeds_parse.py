"""parse_feed over real documents served by the loopback server, plus synthetic edge cases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feeds.fetch import FetchResult, fetch_feed, make_client
from feeds.parse import SUMMARY_LIMIT, TITLE_LIMIT, FeedParseError, ParsedFeed, parse_feed
from tests.support.feed_server import FeedServer

FETCHED_AT = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)
FEEDPARSER_CASES = 139
CAPTURES = 9


def _serve_and_fetch(server: FeedServer, files: list[tuple[str, Path]]) -> list[FetchResult]:
    for route, path in files:
        server.file(route, path)

    async def go() -> list[FetchResult]:
        async with make_client(user_agent="ceasewatch-test/1") as client:
            return list(
                await asyncio.gather(
                    *(fetch_feed(client, server.url(r), allow_private=True) for r, _ in files)
                )
            )

    return asyncio.run(go())


def _files(folder: Path, prefix: str) -> list[tuple[str, Path]]:
    return [
        (f"/{prefix}/{p.relative_to(folder).as_posix()}", p) for p in sorted(folder.rglob("*.xml"))
    ]


def test_every_feedparser_edge_case_parses_or_fails_clearly(
    feed_server: FeedServer, shared_feeds: Path
) -> None:
    files = _files(shared_feeds / "feedparser", "fp")
    assert len(files) == FEEDPARSER_CASES
    outcomes: dict[str, str] = {}
    for (route, _path), fetched in zip(files, _serve_and_fetch(feed_server, files), strict=True):
        try:
            feed = parse_feed(
                fetched.body,
                content_type=fetched.content_type,
                url=fetched.url,
                fetched_at=FETCHED_AT,
            )
        except FeedParseError as exc:
            assert str(exc).strip(), route
            assert "Traceback" not in str(exc)
            outcomes[route] = "error"
            continue
        outcomes[route] = f"{len(feed.entries)} entries"
        for entry in feed.entries:
            assert entry.title or entry.summary
            assert entry.published.tzinfo is UTC and entry.published <= FETCHED_AT
            assert len(entry.title) <= TITLE_LIMIT and len(entry.summary) <= SUMMARY_LIMIT
            assert entry.guid and len(entry.content_hash) == 64
    errors = sorted(r for r, o in outcomes.items() if o == "error")
    # Broken XML with nothing salvageable must be an error, never a silent empty success...
    assert "/fp/illformed/rss_empty_document.xml" in errors
    assert "/fp/illformed/aaa_illformed.xml" in errors
    # ...while the well-formed and charset cases are feeds.
    assert not [r for r in errors if r.startswith("/fp/wellformed/")]
    assert len(errors) < 10, errors
    # The HTTP Content-Type charset reached feedparser: this gb2312 feed reads as Chinese.
    assert outcomes["/fp/encoding/http_i18n.xml"] != "error"


def test_http_charset_overrides_the_xml_declaration(
    feed_server: FeedServer, shared_feeds: Path
) -> None:
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Caf\u00e9 talks</title></item></channel></rss>"
    ).encode("iso-8859-1")
    feed_server.static("/latin1.xml", doc, content_type="text/xml; charset=iso-8859-1")
    fetched = asyncio.run(_fetch_one(feed_server, "/latin1.xml"))
    feed = parse_feed(
        fetched.body, content_type=fetched.content_type, url=fetched.url, fetched_at=FETCHED_AT
    )
    assert feed.entries[0].title == "Caf\u00e9 talks"


async def _fetch_one(server: FeedServer, route: str) -> FetchResult:
    async with make_client(user_agent="t") as client:
        return await fetch_feed(client, server.url(route), allow_private=True)


def test_real_captures_yield_clean_entries(feed_server: FeedServer, shared_feeds: Path) -> None:
    files = _files(shared_feeds / "captures", "cap")
    assert len(files) == CAPTURES
    for (route, _), fetched in zip(files, _serve_and_fetch(feed_server, files), strict=True):
        feed = parse_feed(
            fetched.body,
            content_type=fetched.content_type or "application/rss+xml",
            url=fetched.url,
            fetched_at=FETCHED_AT,
        )
        assert len(feed.entries) >= 10, route
        assert feed.title
        guids = [e.guid for e in feed.entries]
        # India Today lists some stories under several sections (same link, other tracking
        # parameters): canonical links make those repeats visible as equal guids.
        assert len(set(guids)) >= 0.8 * len(guids), route
        for entry in feed.entries:
            assert entry.title and "<" not in entry.title and "&amp;" not in entry.title, entry
            assert "<p>" not in entry.summary and "<a " not in entry.summary
            assert entry.published.tzinfo is UTC
            assert datetime(2000, 1, 1, tzinfo=UTC) < entry.published <= FETCHED_AT
            assert entry.link is not None and entry.link.startswith("https://"), entry
            assert "utm_" not in entry.link and "at_medium" not in entry.link
            assert "#" not in entry.link
        assert feed.language is None or feed.language == feed.language.lower()


def _rss(items: str, *, channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Wire</title><link>https://wire.example/</link>{channel}{items}</channel></rss>"
    ).encode()


def _parse(body: bytes, content_type: str | None = "application/rss+xml") -> ParsedFeed:
    return parse_feed(
        body, content_type=content_type, url="https://wire.example/rss", fetched_at=FETCHED_AT
    )


def test_html_page_is_a_parse_error() -> None:
    page = b"<!doctype html><html><head><title>Home</title></head><body><p>Hi</p></body></html>"
    with pytest.raises(FeedParseError, match="HTML page"):
        _parse(page, "text/html; charset=utf-8")
    with pytest.raises(FeedParseError, match="not a usable feed"):
        _parse(page, None)


def test_empty_and_truncated_documents_are_errors() -> None:
    with pytest.raises(FeedParseError, match="empty"):
        _parse(b"  \n")
    with pytest.raises(FeedParseError):
        _parse(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x')


def test_entries_with_broken_xml_come_back_with_a_warning() -> None:
    body = _rss(
        "<item><title>Truce &amp; talks</title><link>https://wire.example/a</link></item>"
        "<item><title>Broken &nbsp; entity</title></item>"
    )
    feed = _parse(body)
    assert feed.warning and len(feed.entries) >= 1
    assert feed.entries[0].title == "Truce & talks"


def test_entry_fields_fallbacks_and_bounds() -> None:
    long_summary = "<p>" + "word " * 2000 + "</p><script>alert(1)</script>"
    items = (
        '<item><guid isPermaLink="false">id-1</guid>'
        "<title><![CDATA[<b>Strike</b> on &quot;Kabul&quot;]]></title>"
        f"<description><![CDATA[{long_summary}]]></description>"
        "<link>https://Wire.Example:443/a?utm_source=rss&amp;id=3#top</link>"
        "<pubDate>Thu, 13 Aug 2026 10:00:00 +0200</pubDate></item>"
        "<item><title>No id</title><link>https://wire.example/b</link>"
        "<pubDate>Sat, 13 Aug 2050 10:00:00 GMT</pubDate></item>"
        "<item><description>Only a summary, no link</description></item>"
        "<item><link>https://wire.example/nothing-to-read</link></item>"
    )
    feed = _parse(_rss(items, channel="<language>EN-GB</language><ttl>30</ttl>"))
    assert (feed.language, feed.ttl_minutes, feed.title) == ("en-gb", 30, "Wire")
    assert len(feed.entries) == 3  # the item with neither title nor summary is skipped
    first, second, third = feed.entries
    assert first.guid == "id-1"
    assert first.title == 'Strike on "Kabul"'
    assert len(first.summary) <= SUMMARY_LIMIT and first.summary.endswith("…")
    assert "alert" not in first.summary
    assert first.link == "https://wire.example/a?id=3"
    assert first.published == datetime(2026, 8, 13, 8, 0, tzinfo=UTC)
    assert first.language == "en-gb"
    assert second.guid == "https://wire.example/b"
    assert second.published == FETCHED_AT  # a 2050 date is clamped
    assert third.link is None and third.guid == third.content_hash
    assert third.published == FETCHED_AT  # no date at all


def test_atom_feed_with_relative_links_and_content() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Atom wire</title><id>urn:feed</id><updated>2026-08-13T09:00:00Z</updated>
  <entry><id>urn:e1</id><title type="html">Tr&#234;ve &lt;i&gt;rompue&lt;/i&gt;</title>
    <link href="/news/1?fbclid=abc"/>
    <content type="html">&lt;p&gt;Des frappes&lt;/p&gt;</content>
    <updated>2026-08-13T08:30:00-01:00</updated></entry>
</feed>"""
    feed = parse_feed(
        body,
        content_type="application/atom+xml",
        url="https://atom.example/feed",
        fetched_at=FETCHED_AT,
    )
    (entry,) = feed.entries
    assert entry.title == "Tr\u00eave rompue"
    assert entry.summary == "Des frappes"
    assert entry.link == "https://atom.example/news/1"
    assert entry.published == datetime(2026, 8, 13, 9, 30, tzinfo=UTC)
    assert entry.language == "fr"


def test_a_quiet_feed_without_items_is_not_an_error() -> None:
    feed = _parse(_rss(""))
    assert feed.entries == [] and feed.warning is None and feed.title == "Wire"


def test_parser_never_opens_local_files() -> None:
    # feedparser treats a str/bytes argument as a URL or path; we must hand it a stream.
    with pytest.raises(FeedParseError):
        _parse(b"/etc/passwd")


def test_header_comment_lines_become_http_headers(
    feed_server: FeedServer, shared_feeds: Path
) -> None:
    cases = shared_feeds / "feedparser"
    files = [
        ("/hdr/charset.xml", cases / "encoding" / "http_text_xml_charset_2.xml"),
        ("/hdr/modified.xml", cases / "wellformed" / "http" / "headers_last_modified-modified.xml"),
        ("/hdr/none.xml", cases / "wellformed" / "rss" / "item_pubDate.xml"),
    ]
    charset, modified, none = _serve_and_fetch(feed_server, files)
    assert charset.content_type == "text/xml; charset=windows-1252"
    assert modified.last_modified == "Mon, 03 Apr 2023 01:02:03 GMT"
    assert none.content_type is None  # no Header line: no Content-Type, as in feedparser's suite
