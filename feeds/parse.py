"""Turn feed bytes into plain-text entries with UTC dates and dedup keys.

feedparser is always given the bytes (wrapped in a stream) and the HTTP headers, never a URL
or a path: given a str or bytes it would try to fetch a URL or open a local file.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser

from feeds.normalise import as_utc, canonical_url, content_hash, html_to_text, to_utc

TITLE_LIMIT = 500
SUMMARY_LIMIT = 4000
# Longer ids are hashed: they are dedup keys, not text, and must fit an indexed column.
GUID_LIMIT = 512
_SOFT_PROBLEMS = (
    feedparser.NonXMLContentType,
    feedparser.CharacterEncodingOverride,
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")


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
    if not isinstance(value, str):
        return None
    tag = value.strip().lower().replace("_", "-")
    return tag if _LANGUAGE.match(tag) else None


def _http_link(value: object) -> str | None:
    # javascript:, data: and relative leftovers are not links a reader should be sent to.
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return canonical_url(value)
    return None


def _summary_html(entry: Mapping[str, Any]) -> str:
    summary = entry.get("summary")
    if isinstance(summary, str) and summary.strip():
        return summary
    for content in entry.get("content") or []:
        value = content.get("value") if isinstance(content, Mapping) else None
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _entry_language(entry: Mapping[str, Any], feed_language: str | None) -> str | None:
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key)
        if isinstance(detail, Mapping):
            found = _language(detail.get("language"))
            if found:
                return found
    return _language(entry.get("language")) or feed_language


def _published(entry: Mapping[str, Any], fetched_at: datetime) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return to_utc(value, fetched_at=fetched_at)
    return to_utc(None, fetched_at=fetched_at)


def _guid(entry: Mapping[str, Any], link: str | None, digest: str) -> str:
    raw = entry.get("id")
    guid = raw.strip() if isinstance(raw, str) else ""
    if not guid:
        return link or digest
    if len(guid) > GUID_LIMIT:
        return "sha256:" + hashlib.sha256(guid.encode()).hexdigest()
    return guid


def _entry(
    entry: Mapping[str, Any], *, feed_language: str | None, fetched_at: datetime
) -> Entry | None:
    title = html_to_text(str(entry.get("title") or ""), limit=TITLE_LIMIT)
    summary = html_to_text(_summary_html(entry), limit=SUMMARY_LIMIT)
    if not title and not summary:
        return None  # nothing to read, score or show
    link = _http_link(entry.get("link"))
    digest = content_hash(title, summary)
    return Entry(
        guid=_guid(entry, link, digest),
        title=title,
        summary=summary,
        link=link,
        published=_published(entry, fetched_at),
        language=_entry_language(entry, feed_language),
        content_hash=digest,
    )


def _ttl(value: object) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        minutes = int(value.strip())
        return minutes if minutes > 0 else None
    return None


def _describe(result: Mapping[str, Any], content_type: str | None) -> str:
    problem = result.get("bozo_exception")
    text = str(problem).strip() if problem is not None else ""
    if content_type and "html" in content_type.lower():
        return f"the document is an HTML page ({content_type}), not a feed"
    if text:
        return f"not a usable feed: {text}"
    return "not a usable feed: no RSS, Atom or RDF document was recognised"


def parse_feed(
    body: bytes, *, content_type: str | None, url: str, fetched_at: datetime
) -> ParsedFeed:
    """Parse feed bytes; raises FeedParseError when nothing usable is in them."""
    if not body.strip():
        raise FeedParseError("the document is empty")
    # Without a Content-Type feedparser would assume ISO-8859-1 and flag every feed; a missing
    # header is better read as plain XML, whose charset comes from the BOM or the declaration.
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    try:
        # Summaries become plain text in normalise.html_to_text, so feedparser's own HTML
        # sanitiser and relative-URI rewriting of content would be work thrown away (they were
        # about a third of the parse time in bench/bench_ingest.py).
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except Exception as exc:  # feedparser bugs on hostile input must not escape as crashes
        raise FeedParseError(f"the feed parser failed: {type(exc).__name__}: {exc}") from exc
    feed: Mapping[str, Any] = result.get("feed") or {}
    raw_entries: list[Mapping[str, Any]] = list(result.get("entries") or [])
    bozo = bool(result.get("bozo"))
    # A recognised feed with no items is a quiet feed, not an error, unless the XML itself is
    # broken; complaints about the media type or charset alone do not make it unusable.
    soft = isinstance(result.get("bozo_exception"), _SOFT_PROBLEMS)
    if not raw_entries and (not result.get("version") or (bozo and not soft)):
        raise FeedParseError(_describe(result, content_type))
    feed_language = _language(feed.get("language"))
    moment = as_utc(fetched_at)
    entries = [
        parsed
        for raw in raw_entries
        if (parsed := _entry(raw, feed_language=feed_language, fetched_at=moment)) is not None
    ]
    title = html_to_text(str(feed.get("title") or ""), limit=TITLE_LIMIT) or None
    warning = None
    if bozo:
        warning = str(result.get("bozo_exception") or "the feed is not well-formed")[:500]
    return ParsedFeed(
        title=title,
        link=_http_link(feed.get("link")),
        language=feed_language,
        ttl_minutes=_ttl(feed.get("ttl")),
        entries=entries,
        warning=warning,
    )
