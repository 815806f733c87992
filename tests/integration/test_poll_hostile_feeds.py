"""One poll over feeds whose values used to crash the whole run, beside good feeds, on SQLite
and PostgreSQL: every feed gets an outcome, good feeds are stored, nothing stays leased, and
an exception nobody foresaw marks only its own feed failing."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from service.config import Settings
from service.db import session_scope
from service.models import Article, ArticleSource, Feed
from service.ops import poll as poll_module
from service.ops.feeds import feed_health
from service.ops.poll import UNEXPECTED_KIND, poll_once
from service.store import articles as article_store
from service.store import feeds as feed_store
from tests.support.feed_server import FeedServer, Response

T0 = datetime(2026, 8, 13, 10, 0, tzinfo=UTC)
DATE = "<pubDate>Thu, 13 Aug 2026 09:00:00 GMT</pubDate>"


def _rss(items: str, channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>https://outlet.example/</link>{channel}{items}</channel></rss>"
    ).encode()


def _item(n: str, extra: str = DATE) -> str:
    return (
        f"<item><guid>{n}</guid><link>https://outlet-{n}.example/story</link>"
        f"<title>Ceasefire talks resume, report {n}</title>"
        f"<description>Negotiators met again, source {n}.</description>{extra}</item>"
    )


LONG_HOST = "h" + "x" * 300 + ".example"
HOSTILE: dict[str, tuple[bytes, list[tuple[str, str]]]] = {
    "ttl-superscript": (_rss(_item("a"), "<ttl>²</ttl>"), []),
    "ttl-400-digits": (_rss(_item("b"), f"<ttl>{'9' * 400}</ttl>"), []),
    "ttl-5000-digits": (_rss(_item("c"), f"<ttl>{'9' * 5000}</ttl>"), []),
    "date-year-1": (_rss(_item("d", "<pubDate>Mon, 01 Jan 0001 00:00:00 -1400</pubDate>")), []),
    # Items without <guid>: the link is the key, and used to overflow varchar(2048).
    "long-link": (
        _rss(
            "<item><link>https://outlet.example/" + "l" * 3000 + "</link>"
            "<title>A long link</title><description>Kept as a story.</description></item>"
        ),
        [],
    ),
    "long-host": (
        _rss(
            f"<item><link>https://{LONG_HOST}/story</link><title>A long host</title>"
            f"<description>An outlet of 300 characters.</description>{DATE}</item>"
        ),
        [],
    ),
    "long-validators": (
        _rss(_item("e")),
        [("ETag", '"' + "e" * 2000 + '"'), ("Last-Modified", "M" * 300)],
    ),
    "nul-text": (
        _rss(
            "<item><guid>nul\x00guid</guid><link>https://outlet.example/n\x00ul</link>"
            f"<title>Nul\x00 title</title><description>Nul\x00 summary</description>{DATE}</item>"
        ),
        [],
    ),
    "long-language": (
        _rss(_item("f"), "<language>en-" + "-".join(["abcdefgh"] * 5) + "</language>"), []
    ),
}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def _add(engine: Engine, urls: list[str]) -> dict[str, int]:
    with session_scope(engine) as session:
        return {u: feed_store.add(session, url=u, title=None, now=T0).id or 0 for u in urls}


def _poll(engine: Engine, settings: Settings, *, every: bool = False):  # type: ignore[no-untyped-def]
    return poll_once(
        engine,
        settings=settings.model_copy(update={"per_host_concurrency": 20}),
        scorer=None,
        now=lambda: T0,
        rng=random.Random(0),
        ignore_schedule=every,
    )


def test_hostile_values_do_not_crash_the_poll(
    engine: Engine, settings: Settings, server: FeedServer
) -> None:
    urls = []
    for name, (body, headers) in HOSTILE.items():
        server.static(f"/{name}.xml", body, headers=headers)
        urls.append(server.url(f"/{name}.xml"))
    server.route(
        "/busy.xml", lambda _: Response(503, b"busy", [("Retry-After", "²")])
    )
    server.static("/good.xml", _rss(_item("good")))
    urls += [server.url("/busy.xml"), server.url("/good.xml")]
    ids = _add(engine, urls)

    report = _poll(engine, settings)
    by_url = {o.url: o for o in report.outcomes}
    assert set(by_url) == set(urls)
    for name in HOSTILE:
        outcome = by_url[server.url(f"/{name}.xml")]
        assert outcome.result == "new", (name, outcome)
    assert by_url[server.url("/good.xml")].result == "new"
    busy = by_url[server.url("/busy.xml")]
    assert busy.result == "error" and "503" in busy.message

    with session_scope(engine) as session:
        feeds = {f.url: f for f in session.exec(select(Feed)).all()}
        assert all(f.lease_owner is None for f in feeds.values())
        row = feeds[server.url("/long-validators.xml")]
        assert row.etag is None and row.last_modified is None  # dropped, not cut
        assert feeds[server.url("/busy.xml")].last_error_kind == "http_status"
        sources = session.exec(select(ArticleSource)).all()
        articles = session.exec(select(Article)).all()
        by_feed = {s.feed_id: s for s in sources}
        long_link = by_feed[ids[server.url("/long-link.xml")]]
        assert long_link.link is None and long_link.guid.startswith("sha256:")
        assert by_feed[ids[server.url("/long-host.xml")]].outlet == "127.0.0.1"
        nul = by_feed[ids[server.url("/nul-text.xml")]]
        assert "\x00" not in nul.guid and "\x00" not in (nul.link or "")
        for article in articles:
            assert "\x00" not in article.title + article.summary
            assert article.published_at.year >= 1970
            assert article.language is None or len(article.language) <= 20

    # The same documents again: nothing new, nothing failing (the keys are stable).
    again = _poll(engine, settings, every=True)
    assert {o.result for o in again.outcomes if o.url != server.url("/busy.xml")} == {
        "unchanged"
    }


def test_placeholder_dates_cannot_overflow_the_story_window(engine: Engine) -> None:
    with session_scope(engine) as session:
        earliest = datetime.min.replace(tzinfo=UTC)
        latest = datetime.max.replace(tzinfo=UTC)
        assert article_store.stories_by_link_or_hash(
            session, ["https://x.example/"], ["0" * 64], around=[earliest, latest]
        ) == []


def test_an_unexpected_exception_fails_only_its_own_feed(
    engine: Engine,
    settings: Settings,
    server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    for name in ("fetch-bug", "parse-bug", "store-bug", "good-1", "good-2"):
        server.static(f"/{name}.xml", _rss(_item(name)))
    urls = [server.url(f"/{n}.xml") for n in ("fetch-bug", "parse-bug", "store-bug")]
    good = [server.url("/good-1.xml"), server.url("/good-2.xml")]
    _add(engine, urls + good)

    real_fetch, real_parse, real_ingest = (
        poll_module.fetch_feed, poll_module.parse_feed, poll_module.ingest_entries
    )

    async def fetch(client, url, **kwargs):  # type: ignore[no-untyped-def]
        if "fetch-bug" in url:
            raise ValueError("could not convert string to float: '²'")
        return await real_fetch(client, url, **kwargs)

    def parse(body, **kwargs):  # type: ignore[no-untyped-def]
        if b"parse-bug" in body:
            raise OverflowError("cannot convert float infinity to integer")
        return real_parse(body, **kwargs)

    def ingest(session, **kwargs):  # type: ignore[no-untyped-def]
        if "store-bug" in kwargs["feed_url"]:
            raise RuntimeError("value too long for type character varying(2048)\nSQL: ...")
        return real_ingest(session, **kwargs)

    monkeypatch.setattr(poll_module, "fetch_feed", fetch)
    monkeypatch.setattr(poll_module, "parse_feed", parse)
    monkeypatch.setattr(poll_module, "ingest_entries", ingest)
    with caplog.at_level(logging.ERROR, logger="service.ops.poll"):
        report = _poll(engine, settings)

    by_url = {o.url: o for o in report.outcomes}
    assert set(by_url) == set(urls + good)
    assert all(by_url[u].result == "new" for u in good)
    assert not report.offline
    with session_scope(engine) as session:
        feeds = {f.url: f for f in session.exec(select(Feed)).all()}
        for url, stage in zip(urls, ("fetching", "parsing", "storing"), strict=True):
            row = feeds[url]
            assert by_url[url].result == "error"
            assert row.last_error_kind == UNEXPECTED_KIND
            assert row.last_error and stage in row.last_error and "SQL" not in row.last_error
            assert row.consecutive_failures == 1 and row.lease_owner is None
            assert feed_health(row, now=T0, stale_after_s=3600) == "failing"
        assert all(feeds[u].consecutive_failures == 0 for u in good)
        assert len(session.exec(select(Article)).all()) == 2  # the store bug rolled back
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 3
