"""Adding feeds, OPML import and export, and the default feed list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from urllib.parse import urlsplit

from sqlmodel import Session

from feeds.opml import OpmlError, OutlineFeed, parse_opml, render_opml
from service.models import Feed
from service.ops.errors import Conflict, InputError, NotFound
from service.store import feeds as feed_store
from service.store import state

MAX_URL_LENGTH = 2048
DEFAULTS_INSTALLED = "default_feeds_installed"


def validate_feed_url(url: str) -> str:
    url = url.strip()
    if not url:
        raise InputError("feed URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InputError(f"feed URL is longer than {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise InputError(f"feed URL must start with http:// or https://, got {url!r}")
    if not parts.hostname:
        raise InputError(f"feed URL has no host: {url!r}")
    if parts.username or parts.password:
        raise InputError("feed URL must not carry a user name or password")
    return url


def add_feed(session: Session, *, url: str, title: str | None, now: datetime) -> Feed:
    url = validate_feed_url(url)
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
        outlines = parse_opml(data)
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
        feed_store.add(session, url=url, title=outline.title, now=now)
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
