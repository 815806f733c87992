"""Text, URL and time normalisation shared by the parser and the deduplication keys."""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import re
import time
import unicodedata
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit, urlunsplit

ELLIPSIS = "…"
_PARTIAL_TAG = re.compile(r"<[A-Za-z!/?]")

# Elements whose text is never reader-facing prose.
_SKIP_CONTENT = frozenset({"script", "style", "noscript", "template", "head", "title", "iframe"})
# Elements that separate words visually; without a space "<p>a</p><p>b</p>" would become "ab".
_BREAKING = frozenset(
    {
        "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4",
        "h5", "h6", "blockquote", "section", "article", "header", "footer", "figure",
        "figcaption", "hr", "img", "pre", "dd", "dt", "dl",
    }
)

# Query parameters that only tell the publisher where a click came from; two links differing
# only in these point at the same article.
_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
        "ocid", "cmpid", "cmp", "ref", "ref_src", "ref_url", "smid", "smtyp", "_ga", "_gl",
        "traffic_source", "wt.mc_id", "emc", "ito", "ns_mchannel", "ns_campaign", "ns_source",
        "ns_linkname",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "oly_")
_DEFAULT_PORTS = {"http": 80, "https": 443}

# How many normalised summary words count as the "lede" in the content hash: enough to tell
# different stories under the same headline apart, few enough that outlets appending their own
# trailer ("Read more at ...") to the same wire copy still collide.
_HASH_LEDE_WORDS = 30
_LEDE_CHARS = 300  # usually holds 30 words of news prose


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs unescapes entities in text, including across chunk boundaries.
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_CONTENT:
            self._skip_depth += 1
        elif tag in _BREAKING:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> and <img/> must not bump the skip depth: they have no end tag.
        if tag in _BREAKING:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BREAKING:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._skip_depth == 0:
            self.parts.append(data)


@functools.cache
def _char_tables() -> tuple[dict[int, None], dict[int, str]]:
    """str.translate tables, built once per process on first use (about 50 ms).

    Per-character Python loops over every headline were the largest cost of the ingest
    pipeline after feedparser itself (bench/bench_ingest.py); translate runs in C. The scan
    covers the planes where text lives (0-2) and the tag block; private-use planes 15-16 are
    left alone.
    """
    invisible: dict[int, None] = {}
    separators: dict[int, str] = {}
    for cp in itertools.chain(range(0x30000), range(0xE0000, 0xE0080)):
        ch = chr(cp)
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co") and not ch.isspace():
            invisible[cp] = None
        if category[0] in ("P", "S", "C", "Z"):
            separators[cp] = " "
    return invisible, separators


def _clean_chars(text: str) -> str:
    # Control and format characters (NUL, zero-width joiners, bidi marks) carry no meaning in a
    # headline and break equality checks; whitespace is handled by the caller's split().
    return text.translate(_char_tables()[0])


def storable_text(text: str, limit: int) -> str:
    """Free text for a varchar(limit) column: without NUL (PostgreSQL text refuses it), and at
    most ``limit`` characters, whatever a feed or a webhook receiver sent."""
    return text.replace("\x00", "")[:limit]


def truncate_words(text: str, limit: int) -> str:
    """Bound ``text`` to ``limit`` characters, cutting on a word boundary and adding "…"."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    # A single giant "word" (a URL, CJK text without spaces) is cut mid-word rather than lost.
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def html_to_text(s: str, *, limit: int) -> str:
    """Plain text from an HTML fragment (or from text that merely contains entities)."""
    if not s:
        return ""
    if "<" in s:
        parser = _TextExtractor()
        parser.feed(s)
        # A tag cut off by truncation upstream ("... <a href='x") would be flushed as text by
        # close(); it is markup, not words, so drop it.
        if _PARTIAL_TAG.match(parser.rawdata):
            parser.rawdata = ""
        parser.close()
        raw = "".join(parser.parts)
    else:
        # Without a "<" the parser sees one run of text and only unescapes it: most headlines
        # and many ledes, at a tenth of the cost (tests/unit/feeds/test_feeds_normalise.py
        # compares both ways on the real captures).
        raw = html.unescape(s) if "&" in s else s
    text = " ".join(raw.split())
    # Printable text has nothing _clean_chars would remove; the check is one C loop.
    if not text.isprintable():
        text = " ".join(_clean_chars(text).split())
    return truncate_words(text, limit)


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in _TRACKING_EXACT or k.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """One spelling per article URL: lower-case scheme/host, no default port, fragment or
    tracking parameters, remaining query sorted. Non-http(s) or unparsable input is returned
    stripped but otherwise unchanged, since guessing could merge unrelated links."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
    except ValueError:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return raw
    host = _canonical_authority(scheme, parts.netloc)
    if host is None:
        return raw
    path = parts.path or "/"
    if not parts.query:
        # What urlunsplit would build; with a host, the path is empty or starts with "/".
        return f"{scheme}://{host}{path}"
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query = urlencode(sorted(query_pairs), quote_via=quote, safe="/:@!$'()*,;")
    return urlunsplit((scheme, host, path, query, ""))


@functools.lru_cache(maxsize=1024)
def _canonical_authority(scheme: str, netloc: str) -> str | None:
    """The canonical host[:port] part, or None when the netloc is unusable. Cached: a feed's
    links share a handful of hosts, and each of urlsplit's host and port properties parses the
    netloc again."""
    parts = SplitResult(scheme, netloc, "", "", "")
    try:
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal: urlsplit removed the brackets
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        host = f"{userinfo}@{host}"
    return host


def _hash_words(text: str) -> list[str]:
    # NFKC folds full-width and ligature forms; punctuation and symbols become spaces so that
    # curly vs straight quotes, dashes and trailing full stops do not change the hash.
    if text.isascii():
        # The same for ASCII, where NFKC changes nothing and casefold is lower(): the bytes
        # table runs ten times faster than str.translate's per-character lookups.
        return text.lower().encode("ascii").translate(_ascii_separators()).decode("ascii").split()
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded.translate(_char_tables()[1]).split()


@functools.cache
def _ascii_separators() -> bytes:
    separators = _char_tables()[1]
    return bytes(ord(" ") if i in separators else i for i in range(256))


def _lede_words(summary: str) -> list[str]:
    # Only the first words count, so a long summary is normalised up to a space far enough in
    # to hold them. NFKC, case folding and the separator table never join anything across an
    # ASCII space, so the words before it are the words the whole summary would start with.
    cut = summary.find(" ", _LEDE_CHARS)
    if cut > 0:
        words = _hash_words(summary[:cut])
        if len(words) >= _HASH_LEDE_WORDS:
            return words[:_HASH_LEDE_WORDS]
    return _hash_words(summary)[:_HASH_LEDE_WORDS]


def content_hash(title: str, summary: str) -> str:
    """Hex sha256 of the normalised headline and lede; identical wire copy collides."""
    head = " ".join(_hash_words(title))
    lede = " ".join(_lede_words(summary))
    return hashlib.sha256(f"{head}\n{lede}".encode()).hexdigest()


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; naive input is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# Dates before this are placeholders, not publication dates: .NET's DateTime.MinValue
# (0001-01-01), 1900-01-01 and the Unix epoch in any time zone. They count as missing; kept,
# they would also overflow the arithmetic around them (published - 3 days at year 1).
EARLIEST_PUBLISHED = datetime(1970, 1, 2, tzinfo=UTC)


def to_utc(value: time.struct_time | None, *, fetched_at: datetime) -> datetime:
    """UTC datetime from feedparser's (already UTC) struct_time, with fallbacks: missing,
    impossible or placeholder dates (EARLIEST_PUBLISHED) become ``fetched_at``, and future
    dates are clamped to it because a publisher's clock or time zone error must not push an
    article ahead of everything else."""
    now = as_utc(fetched_at)
    if value is None:
        return now
    try:
        moment = datetime(*value[:6], tzinfo=UTC)
    except (ValueError, TypeError, OverflowError):
        return now
    if moment < EARLIEST_PUBLISHED:
        return now
    return min(moment, now)
