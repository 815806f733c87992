"""Adding feeds, OPML import and export, and the default feed list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from urllib.parse import urlsplit, urlunsplit

from sqlmodel import Session

from feeds.normalise import truncate_words
from feeds.opml import OpmlError, OutlineFeed, parse_opml_outlines, render_opml
from service.models import Feed
from service.ops.errors import Conflict, InputError, NotFound
from service.store import feeds as feed_store
from service.store import state

MAX_URL_LENGTH = 2048
# A DNS name has at most 253 characters; outlets (varchar(255)) are derived from hosts.
MAX_HOST_LENGTH = 253
MAX_TITLE_LENGTH = 500  # feeds.title
DEFAULTS_INSTALLED = "default_feeds_installed"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def validate_feed_url(url: str) -> str:
    """The URL as stored: scheme and host lower-cased and a default port dropped, so that
    ``HTTP://Example.com:80/rss`` and ``http://example.com/rss`` are one subscription (the
    path and query are case-sensitive and stay as given). InputError for anything unusable."""
    url = url.strip()
    if not url:
        raise InputError("feed URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InputError(f"feed URL is longer than {MAX_URL_LENGTH} characters")
    # Whitespace, control characters and NUL: urlsplit silently drops tabs and newlines, and
    # PostgreSQL cannot store NUL; none of them belongs in a URL unescaped.
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise InputError(f"feed URL contains spaces or control characters: {url!r}")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for a port that is not a number in 0..65535
    except ValueError as exc:  # "http://[::1": Invalid IPv6 URL
        raise InputError(f"feed URL is not a valid URL: {url!r} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InputError(f"feed URL must start with http:// or https://, got {url!r}")
    host = parts.hostname
    if not host:
        raise InputError(f"feed URL has no host: {url!r}")
    if len(host) > MAX_HOST_LENGTH:
        raise InputError(f"feed URL host is longer than {MAX_HOST_LENGTH} characters")
    if port == 0:
        raise InputError(f"feed URL has port 0, which cannot be connected to: {url!r}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InputError("feed URL must not carry a user name or password")
    netloc = f"[{host}]" if ":" in host else host  # hostname is lower-case, brackets removed
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))


def _title(title: str | None) -> str | None:
    if title is None:
        return None
    if "\x00" in title:
        raise InputError("feed title contains a NUL character")
    if len(title) > MAX_TITLE_LENGTH:
        raise InputError(f"feed title is longer than {MAX_TITLE_LENGTH} characters")
    return title


def add_feed(session: Session, *, url: str, title: str | None, now: datetime) -> Feed:
    url = validate_feed_url(url)
    title = _title(title)
    if feed_store.get_by_url(session, url) is not None:
        raise Conflict(f"feed {url} is already subscribed")
    return feed_store.add(session, url=url, title=title, now=now)


def get_feed(session: Session, feed_id: int) -> Feed:
    feed = session.get(Feed, feed_id)
    if feed is None:
        raise NotFound(f"no feed with id {feed_id}")
    return feed


@dataclass(frozen=True)
class ImportReport:
    added: list[str]
    skipped: list[str]  # already subscribed
    invalid: list[tuple[str, str]]  # (url, reason)


def import_opml(session: Session, data: bytes, *, now: datetime) -> ImportReport:
    try:
        outlines = parse_opml_outlines(data)
    except OpmlError as exc:
        raise InputError(f"not a usable OPML document: {exc}") from exc
    added: list[str] = []
    skipped: list[str] = []
    invalid: list[tuple[str, str]] = []
    for outline in outlines:
        try:
            url = validate_feed_url(outline.url)
        except InputError as exc:
            invalid.append((outline.url, str(exc)))
            continue
        if feed_store.get_by_url(session, url) is not None or url in added:
            skipped.append(url)
            continue
        # A title is only a label here: one too long for its column is shortened, not refused.
        title = truncate_words(outline.title, MAX_TITLE_LENGTH) if outline.title else None
        feed_store.add(session, url=url, title=title, now=now)
        added.append(url)
    return ImportReport(added=added, skipped=skipped, invalid=invalid)


def export_opml(session: Session) -> bytes:
    feeds: Sequence[Feed] = feed_store.list_all(session)
    return render_opml(
        [OutlineFeed(url=f.url, title=f.title) for f in feeds], title="Ceasewatch feeds"
    )


def install_default_feeds(session: Session, *, now: datetime) -> ImportReport | None:
    """Installs the shipped list once, on first run; a later deletion is respected."""
    if state.get_state(session, DEFAULTS_INSTALLED) is not None:
        return None
    data = resources.files("service").joinpath("default_feeds.opml").read_bytes()
    report = import_opml(session, data, now=now)
    state.set_state(session, DEFAULTS_INSTALLED, now.isoformat())
    return report


def feed_health(feed: Feed, *, now: datetime, stale_after_s: float) -> str:
    """One word for people: disabled, new, failing, stale or healthy."""
    if not feed.enabled:
        return "disabled"
    if feed.consecutive_failures > 0:
        return "failing"
    if feed.last_success_at is None:
        return "new"
    if (now - feed.last_success_at).total_seconds() > stale_after_s:
        return "stale"
    return "healthy"
