"""The poll use case over a real loopback server, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from service.config import Settings
from service.db import session_scope
from service.models import Article, ArticleSource, Feed
from service.ops.poll import poll_once
from service.store import feeds as feed_store
from tests.support.feed_server import FeedServer

T0 = datetime(2026, 2, 27, 6, 0, tzinfo=UTC)


def rss(*items: tuple[str, str, str, str]) -> bytes:
    """Items as (guid, link, title, description)."""
    body = "".join(
        f"<item><guid>{g}</guid><link>{link}</link><title>{t}</title>"
        f"<description>{d}</description><pubDate>Fri, 27 Feb 2026 05:00:00 GMT</pubDate></item>"
        for g, link, t, d in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test</title>'
        f"<link>https://outlet.example/</link><ttl>20</ttl>{body}</channel></rss>"
    ).encode()


STRIKE = (
    "g1",
    "https://outlet-a.example/news/strikes?utm_source=rss",
    "Pakistani airstrikes hit Kabul and Kandahar",
    "Pakistan's defence minister said it was now open war with Afghanistan's Taliban government.",
)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def add_feed(engine: Engine, url: str) -> int:
    with session_scope(engine) as session:
        return feed_store.add(session, url=url, title=None, now=T0).id or 0


def feed(engine: Engine, feed_id: int) -> Feed:
    with session_scope(engine) as session:
        row = session.get(Feed, feed_id)
        assert row is not None
        return row


def count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def poll(engine: Engine, settings: Settings, at: datetime, **kw: bool) -> object:
    return poll_once(
        engine, settings=settings, scorer=None, now=lambda: at, rng=random.Random(1), **kw
    )


def test_new_entries_then_304(engine: Engine, settings: Settings, server: FeedServer) -> None:
    server.static("/rss.xml", rss(STRIKE), etag='"v1"', gzip=True)
    fid = add_feed(engine, server.url("/rss.xml"))

    report = poll(engine, settings, T0)
    assert [o.result for o in report.outcomes] == ["new"]  # type: ignore[attr-defined]
    row = feed(engine, fid)
    assert row.etag == '"v1"' and row.consecutive_failures == 0 and row.lease_owner is None
    # ttl 20 minutes is a floor: the server asked us not to come back sooner.
    assert row.next_check_at >= T0 + timedelta(minutes=20) * 0.99
    with session_scope(engine) as session:
        article = session.exec(select(Article)).one()
        assert article.canonical_link == "https://outlet-a.example/news/strikes"
        assert article.title.startswith("Pakistani airstrikes")

    report = poll(engine, settings, T0 + timedelta(hours=1), ignore_schedule=True)
    assert [o.result for o in report.outcomes] == ["not_modified"]  # type: ignore[attr-defined]
    assert server.requests("/rss.xml")[-1].headers.get("if-none-match") == '"v1"'
    assert count(engine, Article) == 1


def test_not_due_feeds_are_left_alone(
    engine: Engine, settings: Settings, server: FeedServer
) -> None:
    server.static("/rss.xml", rss(STRIKE))
    add_feed(engine, server.url("/rss.xml"))
    poll(engine, settings, T0)
    poll(engine, settings, T0 + timedelta(seconds=10))
    assert server.count("/rss.xml") == 1


def test_full_batches_follow_each_other_within_one_run(
    engine: Engine, settings: Settings, server: FeedServer
) -> None:
    # Seven due feeds, batches of three: one run polls them all (3 + 3 + 1), each once,
    # instead of leaving four for the next runs.
    for i in range(7):
        server.static(f"/f{i}.xml", rss((f"g{i}", f"https://o{i}.example/a", f"Story {i}", "")))
        add_feed(engine, server.url(f"/f{i}.xml"))
    small = settings.model_copy(update={"poll_batch_size": 3})

    report = poll(engine, small, T0)

    assert len(report.outcomes) == 7  # type: ignore[attr-defined]
    assert all(server.count(f"/f{i}.xml") == 1 for i in range(7))
    assert poll(engine, small, T0 + timedelta(seconds=1)).outcomes == []  # type: ignore[attr-defined]
    # With the whole interval spent after a batch, the run hands over to the next run.
    spent = small.model_copy(update={"poll_every_s": 0.0})
    report = poll(engine, spent, T0 + timedelta(days=2))
    assert len(report.outcomes) == 3


def test_syndicated_story_is_one_article_with_two_sources(
    engine: Engine, settings: Settings, server: FeedServer
) -> None:
    copy = ("wire-7", "https://outlet-b.example/world/12345", STRIKE[2], STRIKE[3])
    server.static("/a.xml", rss(STRIKE, STRIKE))  # the same GUID twice counts once
    server.static("/b.xml", rss(copy))
    add_feed(engine, server.url("/a.xml"))
    add_feed(engine, server.url("/b.xml"))
    poll(engine, settings, T0)
    with session_scope(engine) as session:
        article = session.exec(select(Article)).one()
        assert article.source_count == 2
        outlets = {s.outlet for s in session.exec(select(ArticleSource)).all()}
        assert outlets == {"outlet-a.example", "outlet-b.example"}


def test_failures_back_off_and_do_not_touch_other_feeds(
    engine: Engine, settings: Settings, server: FeedServer
) -> None:
    server.static("/ok.xml", rss(STRIKE))
    server.static("/down.xml", b"oops", status=500, content_type="text/plain")
    server.static("/busy.xml", b"", status=429, headers=[("Retry-After", "7200")])
    server.static(
        "/page.html", b"<html><body><p>Not a feed</p></body></html>", content_type="text/html"
    )
    ids = {
        name: add_feed(engine, server.url(f"/{name}"))
        for name in ("ok.xml", "down.xml", "busy.xml", "page.html")
    }

    report = poll(engine, settings, T0)
    results = {o.url.rsplit("/", 1)[1]: o.result for o in report.outcomes}  # type: ignore[attr-defined]
    assert results == {
        "ok.xml": "new",
        "down.xml": "error",
        "busy.xml": "error",
        "page.html": "error",
    }
    down = feed(engine, ids["down.xml"])
    assert down.consecutive_failures == 1 and down.last_error_kind == "http_status"
    assert "500" in (down.last_error or "")
    assert down.next_check_at > T0
    assert feed(engine, ids["busy.xml"]).next_check_at >= T0 + timedelta(seconds=7200)
    page = feed(engine, ids["page.html"])
    assert page.last_error_kind == "parse" and page.last_error
    assert feed(engine, ids["ok.xml"]).consecutive_failures == 0
    assert count(engine, Article) == 1

    # A broken feed keeps being retried, with a growing but capped delay.
    later = T0
    delays = []
    for _ in range(12):
        later = feed(engine, ids["down.xml"]).next_check_at
        poll(engine, settings, later)
        delays.append((feed(engine, ids["down.xml"]).next_check_at - later).total_seconds())
    assert feed(engine, ids["down.xml"]).consecutive_failures == 13
    assert max(delays) <= settings.backoff_cap_s * 1.0001
    assert delays[-1] > 0


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_offline_machine_penalises_nobody(engine: Engine, settings: Settings) -> None:
    port = _closed_port()
    a = add_feed(engine, f"http://127.0.0.1:{port}/a.xml")
    b = add_feed(engine, f"http://localhost:{port}/b.xml")
    report = poll(engine, settings, T0)
    assert report.offline  # type: ignore[attr-defined]
    for fid in (a, b):
        row = feed(engine, fid)
        assert row.consecutive_failures == 0
        assert "offline" in (row.last_error or "")
        assert row.next_check_at > T0


def test_one_dead_host_is_penalised(engine: Engine, settings: Settings) -> None:
    fid = add_feed(engine, f"http://127.0.0.1:{_closed_port()}/a.xml")
    report = poll(engine, settings, T0)
    assert not report.offline  # type: ignore[attr-defined]
    assert feed(engine, fid).consecutive_failures == 1
    assert feed(engine, fid).last_error_kind == "connect"
