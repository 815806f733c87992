"""Every feedparser edge case and every real capture goes through the real poller at once:
each feed ends with entries or a readable error, and none disturbs another."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from service.config import Settings
from service.db import session_scope
from service.models import ArticleSource, Feed
from service.ops.poll import poll_once
from service.store import feeds as feed_store
from tests.conftest import shared_data
from tests.support.feed_server import FeedServer

T0 = datetime(2026, 8, 13, 10, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def test_all_edge_cases_and_captures(
    engine: Engine, settings: Settings, server: FeedServer
) -> None:
    data = shared_data() / "feeds"
    files = sorted((data / "feedparser").rglob("*.xml")) + sorted((data / "captures").glob("*.xml"))
    assert len(files) >= 139 + 9
    with session_scope(engine) as session:
        for i, path in enumerate(files):
            server.file(f"/f/{i}.xml", path)
            feed_store.add(session, url=server.url(f"/f/{i}.xml"), title=path.name, now=T0)

    report = poll_once(
        engine,
        settings=settings.model_copy(update={"per_host_concurrency": 20}),
        scorer=None,
        now=lambda: T0,
        rng=random.Random(0),
    )
    assert len(report.outcomes) == len(files)
    assert not report.offline

    with session_scope(engine) as session:
        feeds = session.exec(select(Feed)).all()
        per_feed = dict(
            session.exec(
                select(ArticleSource.feed_id, func.count()).group_by(ArticleSource.feed_id)
            ).all()
        )
    by_name = {f.title: f for f in feeds}
    for f in feeds:
        assert f.lease_owner is None, f"{f.title}: lease not released"
        if per_feed.get(f.id, 0) == 0:
            # No entries: then the feed must say why, in words.
            assert f.last_error or f.entries_seen == 0, f.title
            if f.last_error:
                assert len(f.last_error) > 10 and "Traceback" not in f.last_error
        else:
            assert f.consecutive_failures == 0

    # The real captures are full of stories; every one of them must come through.
    for path in (data / "captures").glob("*.xml"):
        row = by_name[path.name]
        assert row.consecutive_failures == 0, f"{path.name}: {row.last_error}"
        assert per_feed.get(row.id, 0) >= 10, path.name
    # Broken documents are recorded as feed errors, not crashes.
    empty = by_name["rss_empty_document.xml"]
    assert empty.last_error_kind == "parse" and empty.consecutive_failures == 1
