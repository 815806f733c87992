"""Text, URL, hash and date normalisation."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from feeds.normalise import canonical_url, content_hash, html_to_text, to_utc

NOW = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)


def test_html_to_text_strips_tags_scripts_and_entities() -> None:
    html = (
        "<div><p>Shelling&nbsp;near <b>Kharkiv</b></p><script>var x = '<p>no</p>';</script>"
        "<style>p { color: red }</style><p>A &amp; B &lt;c&gt; &#8220;q&#8221;</p></div>"
    )
    assert html_to_text(html, limit=200) == "Shelling near Kharkiv A & B <c> \u201cq\u201d"


def test_html_to_text_separates_blocks_and_collapses_whitespace() -> None:
    assert html_to_text("<p>one</p><p>two</p>line<br/>break\n\t  end", limit=100) == (
        "one two line break end"
    )
    assert html_to_text("plain text, no tags", limit=100) == "plain text, no tags"
    assert html_to_text("", limit=10) == ""
    assert html_to_text("zero\u200bwidth\x00 and\x07 bell", limit=100) == "zerowidth and bell"


def test_html_to_text_bounds_on_a_word_boundary() -> None:
    text = html_to_text("ceasefire " * 100, limit=50)
    assert len(text) <= 50 and text.endswith("ceasefire…")
    long_word = html_to_text("x" * 100, limit=20)
    assert len(long_word) == 20 and long_word.endswith("…")
    assert html_to_text("short", limit=5) == "short"


def test_html_to_text_survives_broken_markup() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>and <a href='x", limit=100) == "unclosed bold and"
    assert html_to_text("a < b and c > d", limit=100) == "a < b and c > d"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://WWW.BBC.co.uk:443/news/x?at_medium=RSS&at_campaign=rss",
            "https://www.bbc.co.uk/news/x",
        ),
        (
            "http://Example.com:80/a?b=2&a=1&utm_source=x&fbclid=y#frag",
            "http://example.com/a?a=1&b=2",
        ),
        (
            "https://example.com:8443/a?gclid=1&mc_cid=2&mc_eid=3&ocid=4&cmpid=5&ref=6&smid=7",
            "https://example.com:8443/a",
        ),
        ("https://www.aljazeera.com/news/x?traffic_source=rss", "https://www.aljazeera.com/news/x"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a%20b?q=x+y", "https://example.com/a%20b?q=x%20y"),
        ("  https://example.com/p?keep=1  ", "https://example.com/p?keep=1"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
        ("http://[::1", "http://[::1"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "https://Example.com/a?z=1&utm_medium=x&a=%2F&b=#x"
    once = canonical_url(url)
    assert canonical_url(once) == once


def test_content_hash_matches_the_same_wire_story() -> None:
    a = content_hash(
        "Pakistan strikes Kabul after cross-border attack",
        "ISLAMABAD (Reuters) - Pakistani jets struck Kabul on Friday. More follows at outlet A.",
    )
    b = content_hash(
        "PAKISTAN STRIKES KABUL AFTER CROSS-BORDER ATTACK.",
        "ISLAMABAD (Reuters) — Pakistani jets struck  Kabul on Friday! More follows at outlet A",
    )
    assert a == b and len(a) == 64
    assert a != content_hash("Pakistan strikes Kabul after cross-border attack", "Another lede")
    assert a != content_hash("Different headline", "ISLAMABAD (Reuters) - Pakistani jets struck")


def test_content_hash_ignores_trailers_after_the_lede() -> None:
    lede = " ".join(f"w{i}" for i in range(40))
    assert content_hash("T", lede + " read more at A") == content_hash("T", lede + " via B")


def test_to_utc() -> None:
    struct = time.struct_time((2026, 8, 13, 8, 30, 0, 3, 225, 0))
    assert to_utc(struct, fetched_at=NOW) == datetime(2026, 8, 13, 8, 30, tzinfo=UTC)
    assert to_utc(None, fetched_at=NOW) == NOW
    future = time.struct_time((2030, 1, 1, 0, 0, 0, 1, 1, 0))
    assert to_utc(future, fetched_at=NOW) == NOW
    impossible = time.struct_time((2026, 2, 31, 0, 0, 0, 0, 1, 0))
    assert to_utc(impossible, fetched_at=NOW) == NOW
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))
    result = to_utc(None, fetched_at=plus_two)
    assert result == NOW and result.tzinfo is UTC
