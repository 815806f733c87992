"""Text, URL, hash and date normalisation."""

from __future__ import annotations

import hashlib
import io
import random
import time
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import feedparser
import pytest

from feeds import normalise
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


# The fast paths in html_to_text and canonical_url must agree with the slow, obvious way.


def _html_to_text_by_parser(s: str, *, limit: int) -> str:
    """html_to_text without its shortcuts: every string through the HTML parser, every
    character through the clean-up table."""
    if not s:
        return ""
    parser = normalise._TextExtractor()
    parser.feed(s)
    if normalise._PARTIAL_TAG.match(parser.rawdata):
        parser.rawdata = ""
    parser.close()
    text = " ".join(normalise._clean_chars("".join(parser.parts)).split())
    return normalise.truncate_words(text, limit)


def _canonical_url_in_full(url: str) -> str:
    """canonical_url as first written: every property of urlsplit, urlunsplit at the end."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return raw
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        host = f"{userinfo}@{host}"
    query_pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not normalise._is_tracking(k)
    ]
    query = urlencode(sorted(query_pairs), quote_via=quote, safe="/:@!$'()*,;")
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


TEXTS = [
    "plain headline",
    "Tom &amp; Jerry &amp",
    "a & b; c &#8217;s &#x201C;q&#x201d; &nbsp;x &notanentity; &amp;amp;",
    "trailing ampersand &",
    "trailing partial &am",
    "trailing partial &#82",
    "zero\u200bwidth\u200d joiner \u202ebidi\u202c and \x00nul\x07 bell\ufeff",
    "  spaced \t\n out \r\n text \u00a0 nbsp \u2028 line sep \u3000 ideographic ",
    "private \ue000 use \U000f0000 plane 15 \U000e0041 tag",
    "\x1c\x1d\x1e\x1f separators",
    "&#0; &#xD800; &#1114112; &#x110000;",
    "<p>markup &amp; text</p>",
    "a < b and c > d",
    "",
    " ",
    "word " * 200,
]


def test_html_to_text_shortcuts_agree_with_the_parser() -> None:
    for text in TEXTS:
        for limit in (10, 60, 4000):
            assert html_to_text(text, limit=limit) == _html_to_text_by_parser(text, limit=limit)


def test_html_to_text_shortcuts_agree_on_every_real_entry(shared_feeds: Path) -> None:
    texts = []
    for path in sorted(shared_feeds.rglob("*.xml")):
        result = feedparser.parse(io.BytesIO(path.read_bytes()), sanitize_html=False)
        for entry in result.get("entries") or []:
            texts += [str(entry.get(key) or "") for key in ("title", "summary")]
    assert len(texts) > 500
    for text in texts:
        assert html_to_text(text, limit=4000) == _html_to_text_by_parser(text, limit=4000)


URLS = [
    "https://www.bbc.co.uk/news/world-asia-123?at_medium=RSS&at_campaign=rss",
    "HTTP://Example.COM.:80/a/../b;p?b=2&a=1&utm_source=x#frag",
    "http://user:pw@Example.com:8080/x",
    "http://user@example.com/x?",
    "https://[2001:DB8::1]:443/x?y=1",
    "https://[2001:db8::1]:8443",
    "http://[::1",
    "http://example.com:notaport/x",
    "http://example.com:99999/x",
    "https://example.com:443",
    "https:///nohost",
    "https://",
    "ftp://example.com/file",
    "javascript:alert(1)",
    "//example.com/scheme-relative",
    "  https://example.com/p?keep=1&utm_medium=x  ",
    "https://example.com/a%20b?q=x+y&q=a&empty=&flag",
    "https://ex\u00e4mple.com/\u00fcnicode?\u00e4=1",
    "https://example.com/path#only-fragment",
    "https://example.com?query-without-path=1",
    "https://EXAMPLE.com/CaseKept/?Ref=1&REF=2",
]


def test_canonical_url_agrees_with_the_full_computation() -> None:
    for url in URLS:
        assert canonical_url(url) == _canonical_url_in_full(url), url


def test_canonical_url_agrees_on_every_real_link(shared_feeds: Path) -> None:
    links = []
    for path in sorted(shared_feeds.rglob("*.xml")):
        result = feedparser.parse(io.BytesIO(path.read_bytes()))
        for entry in result.get("entries") or []:
            links += [str(entry.get(key) or "") for key in ("link", "id")]
    assert len(links) > 500
    for link in links:
        assert canonical_url(link) == _canonical_url_in_full(link), link


def _hash_words_in_full(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded.translate(normalise._char_tables()[1]).split()


def _content_hash_in_full(title: str, summary: str) -> str:
    head = " ".join(_hash_words_in_full(title))
    lede = " ".join(_hash_words_in_full(summary)[:30])
    return hashlib.sha256(f"{head}\n{lede}".encode()).hexdigest()


def test_hash_words_of_ascii_text_agree_with_the_unicode_path() -> None:
    every_ascii = "".join(chr(i) for i in range(128))
    assert normalise._hash_words(every_ascii) == _hash_words_in_full(every_ascii)
    rng = random.Random(5)
    for _ in range(500):
        text = "".join(chr(rng.randrange(128)) for _ in range(rng.randint(0, 80)))
        assert normalise._hash_words(text) == _hash_words_in_full(text)


def test_content_hash_of_long_summaries_agrees_with_normalising_all_of_them() -> None:
    rng = random.Random(3)
    # Combining marks, compatibility forms, case folding that expands, separators and spaces
    # right at the point where the summary is cut.
    pieces = ["e", "\u0301", " ", "\u00e9", "\uff21", "\ufb01", "\u00df", "\u03a3", ".", "-",
              "\u2014", "\u00a0", "\u3000", "word", "\u1100", "\u1161", "\u11a8", "x" * 7, "\t"]
    for _ in range(800):
        summary = "".join(rng.choice(pieces) for _ in range(rng.randint(50, 400)))
        assert content_hash("t", summary) == _content_hash_in_full("t", summary)
    # The thirtieth word straddling the point where the summary would be cut.
    for words in range(25, 35):
        for length in (1, 150, 290, 400):
            summary = "ab " * words + "x" * length + " tail words"
            assert content_hash("t", summary) == _content_hash_in_full("t", summary)
    prose = "Pakistani jets struck targets near Kabul overnight, officials said. " * 80
    for cut in range(280, 330):
        summary = prose[:cut] + "\u0301" + prose[cut:]
        assert content_hash("t", summary) == _content_hash_in_full("t", summary)


def test_content_hash_agrees_on_every_real_entry(shared_feeds: Path) -> None:
    for path in sorted(shared_feeds.rglob("*.xml")):
        result = feedparser.parse(io.BytesIO(path.read_bytes()), sanitize_html=False)
        for entry in result.get("entries") or []:
            title = html_to_text(str(entry.get("title") or ""), limit=500)
            summary = html_to_text(str(entry.get("summary") or ""), limit=4000)
            assert content_hash(title, summary) == _content_hash_in_full(title, summary)
