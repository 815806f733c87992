"""Default feeds on first run, and the per-host concurrency limit of the poller."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from service.config import Settings
from service.db import session_scope
from service.ops.feeds import install_default_feeds
from service.ops.poll import poll_once
from service.store import feeds as feed_store
from tests.integration.test_poll import STRIKE, rss
from tests.support.feed_server import FeedServer, Request, Response

T0 = datetime(2026, 2, 27, 6, 0, tzinfo=UTC)


def test_default_feeds_install_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        report = install_default_feeds(session, now=T0)
        assert report is not None and len(report.added) >= 20 and not report.invalid
        urls = {f.url for f in feed_store.list_all(session)}
    assert "https://feeds.bbci.co.uk/news/world/rss.xml" in urls
    assert any("dawn.com" in u for u in urls) and any("aljazeera" in u for u in urls)
    with session_scope(engine) as session:
        for feed in feed_store.list_all(session):
            session.delete(feed)
    with session_scope(engine) as session:
        assert install_default_feeds(session, now=T0) is None  # deletion is respected
        assert feed_store.count(session) == 0


def test_per_host_limit(engine: Engine, settings: Settings) -> None:
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def slow(_request: Request) -> Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.3)
        with lock:
            in_flight -= 1
        return Response(200, rss(STRIKE), [("Content-Type", "application/rss+xml")])

    with FeedServer() as server:
        server.route("/f/{n}.xml", slow)
        with session_scope(engine) as session:
            for n in range(6):
                feed_store.add(session, url=server.url(f"/f/{n}.xml"), title=None, now=T0)
        limited = settings.model_copy(update={"per_host_concurrency": 2})
        report = poll_once(
            engine, settings=limited, scorer=None, now=lambda: T0, rng=random.Random(0)
        )
    assert len(report.outcomes) == 6
    assert peak == 2
