"""Turn feed bytes into plain-text entries with UTC dates and dedup keys.

feedparser is always given the bytes (wrapped in a stream) and the HTTP headers, never a URL
or a path: given a str or bytes it would try to fetch a URL or open a local file.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from feeds.normalise import as_utc, canonical_url, content_hash, html_to_text, to_utc

TITLE_LIMIT = 500
SUMMARY_LIMIT = 4000
# Longer ids are hashed: they are dedup keys, not text, and must fit an indexed column.
GUID_LIMIT = 512
# Links are stored in varchar(2048) columns (articles.canonical_link, article_sources.link,
# feeds.site_url), like feed URLs themselves. A longer link is dropped, not the entry: the
# story (text, date, score, outlet) is what a watch needs, a link cut short would lead nowhere,
# and the entry keeps a stable key (the hashed link stands in for a missing id).
LINK_LIMIT = 2048
# The language column holds 20 characters; longer tags keep their leading subtags.
LANGUAGE_LIMIT = 20
# An RSS <ttl> above a week is a misconfiguration; the scheduler caps intervals lower anyway.
MAX_TTL_MINUTES = 7 * 24 * 60
_SOFT_PROBLEMS = (
    feedparser.NonXMLContentType,
    feedparser.CharacterEncodingOverride,
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
# A `base=` attribute (xml:base, or the bare `base` feedparser also honours), searched for in
# the lower-cased bytes with any NULs (UTF-16/32 padding) removed.
_BASE_ATTRIBUTE = re.compile(rb"base\s*=")
# An absolute http(s) URL that urljoin would hand back unchanged: it has a host, no brackets
# (which urljoin may reject), none of the tabs and newlines urlsplit drops, and no empty query,
# fragment or parameters (which urlunsplit drops). Anything else is left to urljoin itself.
_PLAIN_ABSOLUTE = re.compile(r"(?!.*[?#;](?:[?#]|\Z))https?://[^/?#\[\]\t\r\n][^\[\]\t\r\n]*\Z")
# feedparser's own result dicts remap a few keys on every lookup (FeedParserDict.__getitem__,
# a Python method); none of the keys read here is remapped, so plain dict lookups are the same
# answer at a fraction of the cost, which adds up over ten lookups per entry.
_get = dict.get


@dataclass(frozen=True)
class Entry:
    guid: str  # entry id, or the canonical link, or the content hash when neither exists
    title: str  # plain text, at most 500 characters
    summary: str  # plain text, at most 4000 characters
    link: str | None  # canonical link
    published: datetime  # UTC aware; fallback fetched_at; future dates clamped to fetched_at
    language: str | None  # entry or feed language, lower-case like "en" or "en-us"
    content_hash: str  # hex sha256 of normalised title + lede


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    link: str | None
    language: str | None
    ttl_minutes: int | None  # RSS <ttl>
    entries: list[Entry]
    warning: str | None  # feedparser's complaint when the feed was still usable


class FeedParseError(Exception):
    """The bytes are not a usable feed (HTML page, empty document, broken XML, no entries)."""


def _language(value: object) -> str | None:
    return _language_tag(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=256)
def _language_tag(value: str) -> str | None:
    # Every entry of a feed repeats the same few tags.
    tag = value.strip().lower().replace("_", "-")
    if not _LANGUAGE.match(tag):
        return None
    while len(tag) > LANGUAGE_LIMIT and "-" in tag:
        tag = tag.rsplit("-", 1)[0]  # "en-us-x-long-private-use" keeps "en-us"
    return tag if len(tag) <= LANGUAGE_LIMIT else None


def _http_link(value: object) -> str | None:
    """The canonical link, or None for links that are not http(s) or too long (LINK_LIMIT)."""
    link = _canonical_http(value)
    return link if link is not None and len(link) <= LINK_LIMIT else None


def _canonical_http(value: object) -> str | None:
    # javascript:, data: and relative leftovers are not links a reader should be sent to.
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        # PostgreSQL text cannot hold NUL; no server would see one in a request line anyway.
        return canonical_url(value.replace("\x00", "") if "\x00" in value else value)
    return None


def _summary_html(entry: dict[str, Any]) -> str:
    summary = _get(entry, "summary")
    if isinstance(summary, str) and summary.strip():
        return summary
    for content in _get(entry, "content") or []:
        value = content.get("value") if isinstance(content, Mapping) else None
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _entry_language(entry: dict[str, Any], feed_language: str | None) -> str | None:
    for key in ("title_detail", "summary_detail"):
        detail = _get(entry, key)
        if isinstance(detail, dict):
            found = _language(_get(detail, "language"))
            if found:
                return found
    return _language(_get(entry, "language")) or feed_language


def _published(entry: dict[str, Any], fetched_at: datetime) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = _get(entry, key)
        if isinstance(value, time.struct_time):
            return to_utc(value, fetched_at=fetched_at)
    return to_utc(None, fetched_at=fetched_at)


def _guid(entry: dict[str, Any], link: str | None, digest: str) -> str:
    """The entry's id; without one its link (``link`` may be the over-long one the entry
    itself drops), then the content hash. Keys too long for their column are hashed."""
    raw = _get(entry, "id")
    guid = raw.replace("\x00", "").strip() if isinstance(raw, str) else ""
    if not guid:
        if link is None:
            return digest
        guid, limit = link, LINK_LIMIT  # as before: a link that fits is its own key
    else:
        limit = GUID_LIMIT
    if len(guid) > limit:
        return "sha256:" + hashlib.sha256(guid.encode("utf-8", "surrogatepass")).hexdigest()
    return guid


def _entry(
    entry: dict[str, Any], *, feed_language: str | None, fetched_at: datetime
) -> Entry | None:
    title = html_to_text(str(_get(entry, "title") or ""), limit=TITLE_LIMIT)
    summary = html_to_text(_summary_html(entry), limit=SUMMARY_LIMIT)
    if not title and not summary:
        return None  # nothing to read, score or show
    full_link = _canonical_http(_get(entry, "link"))
    link = full_link if full_link is not None and len(full_link) <= LINK_LIMIT else None
    digest = content_hash(title, summary)
    return Entry(
        guid=_guid(entry, full_link, digest),
        title=title,
        summary=summary,
        link=link,
        published=_published(entry, fetched_at),
        language=_entry_language(entry, feed_language),
        content_hash=digest,
    )


def _ttl(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    # ASCII digits only: isdigit() also takes "²", which int() refuses. Huge values are capped
    # before int(), which refuses more than 4,300 digits (and the schedule's float overflows).
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0")
    if not digits:
        return None
    if len(digits) > len(str(MAX_TTL_MINUTES)):
        return MAX_TTL_MINUTES
    return min(int(digits), MAX_TTL_MINUTES)


def _describe(result: Mapping[str, Any], content_type: str | None) -> str:
    problem = result.get("bozo_exception")
    text = str(problem).strip() if problem is not None else ""
    if content_type and "html" in content_type.lower():
        return f"the document is an HTML page ({content_type}), not a feed"
    if text:
        return f"not a usable feed: {text}"
    return "not a usable feed: no RSS, Atom or RDF document was recognised"


def _feedparser(body: bytes, content_type: str | None, base_url: str | None) -> Any:
    # Without a Content-Type feedparser would assume ISO-8859-1 and flag every feed; a missing
    # header is better read as plain XML, whose charset comes from the BOM or the declaration.
    headers = {"content-type": content_type or "application/xml"}
    if base_url is not None:
        headers["content-location"] = base_url
    try:
        # Summaries become plain text in normalise.html_to_text, so feedparser's own HTML
        # sanitiser and relative-URI rewriting of content would be work thrown away (they were
        # about a third of the parse time in bench/bench_ingest.py).
        return feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except Exception as exc:  # feedparser bugs on hostile input must not escape as crashes
        raise FeedParseError(f"the feed parser failed: {type(exc).__name__}: {exc}") from exc


@functools.lru_cache(maxsize=64)
def _spells_ascii(encoding: str) -> bool:
    """Whether ASCII letters in this encoding are their ASCII bytes, perhaps NUL-padded."""
    try:
        encoded = "base=".encode(encoding)
    except (LookupError, UnicodeError):
        return False
    return encoded.replace(b"\x00", b"").endswith(b"base=")


def _base_url_changes_nothing(body: bytes, result: Any, url: str) -> bool:
    """Whether parsing again with the feed's URL as the base would give the same links and ids.

    Given a base, feedparser joins it onto the base of every element it opens (one urljoin per
    element: a third of the parse time of a typical feed), only to resolve the few relative
    links and ids. Most feeds have none, and no xml:base either: then every link and id read
    below is already absolute, which is exactly when joining it onto the URL is a no-op.
    """
    encoding = _get(result, "encoding")
    if not isinstance(encoding, str) or not _spells_ascii(encoding):
        return False  # the xml:base check below could not see the attribute
    folded = body.lower()
    if b"\x00" in folded:
        folded = folded.replace(b"\x00", b"")
    if _BASE_ATTRIBUTE.search(folded):
        return False
    values = [_get(_get(result, "feed") or {}, "link")]
    for entry in _get(result, "entries") or []:
        values.append(_get(entry, "link"))
        values.append(_get(entry, "id"))
    return all(_joins_to_itself(url, v) for v in values if isinstance(v, str) and v)


def _joins_to_itself(base: str, value: str) -> bool:
    if _PLAIN_ABSOLUTE.match(value):
        return True
    try:
        return urljoin(base, value) == value
    except ValueError:  # feedparser would have resolved it to ""
        return False


def parse_feed(
    body: bytes, *, content_type: str | None, url: str, fetched_at: datetime
) -> ParsedFeed:
    """Parse feed bytes; raises FeedParseError when nothing usable is in them."""
    if not body.strip():
        raise FeedParseError("the document is empty")
    # Relative links and ids resolve against the feed's own URL. Parsing without it first and
    # again with it only when something relative turned up gives the same result as always
    # parsing with it (tests/unit/feeds/test_feeds_parse_base.py), at two thirds of the cost.
    result = _feedparser(body, content_type, None)
    if not _base_url_changes_nothing(body, result, url):
        result = _feedparser(body, content_type, url)
    return _parsed_feed(result, content_type=content_type, fetched_at=fetched_at)


def _parsed_feed(result: Any, *, content_type: str | None, fetched_at: datetime) -> ParsedFeed:
    """Our entries from feedparser's result; raises FeedParseError when none are usable."""
    feed: dict[str, Any] = _get(result, "feed") or {}
    raw_entries: list[dict[str, Any]] = list(_get(result, "entries") or [])
    bozo = bool(result.get("bozo"))
    # A recognised feed with no items is a quiet feed, not an error, unless the XML itself is
    # broken; complaints about the media type or charset alone do not make it unusable.
    soft = isinstance(result.get("bozo_exception"), _SOFT_PROBLEMS)
    if not raw_entries and (not result.get("version") or (bozo and not soft)):
        raise FeedParseError(_describe(result, content_type))
    feed_language = _language(_get(feed, "language"))
    moment = as_utc(fetched_at)
    entries = [
        parsed
        for raw in raw_entries
        if (parsed := _entry(raw, feed_language=feed_language, fetched_at=moment)) is not None
    ]
    title = html_to_text(str(_get(feed, "title") or ""), limit=TITLE_LIMIT) or None
    warning = None
    if bozo:
        warning = str(result.get("bozo_exception") or "the feed is not well-formed")[:500]
    return ParsedFeed(
        title=title,
        link=_http_link(_get(feed, "link")),
        language=feed_language,
        ttl_minutes=_ttl(_get(feed, "ttl")),
        entries=entries,
        warning=warning,
    )
