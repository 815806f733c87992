"""ingest_entries' deduplication on SQLite and PostgreSQL: by GUID within a feed, across feeds
by canonical link or by content hash within the same-story window, with outlets counted once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from feeds.normalise import content_hash
from feeds.parse import Entry
from service.db import session_scope
from service.models import Article, ArticleSource
from service.ops.ingest import NewStory, ingest_entries
from service.store import feeds as feed_store

T0 = datetime(2026, 2, 27, 6, 0, tzinfo=UTC)


def entry(
    guid: str, title: str, link: str | None, *, summary: str = "", at: datetime = T0
) -> Entry:
    return Entry(
        guid=guid,
        title=title,
        summary=summary,
        link=link,
        published=at,
        language="en",
        content_hash=content_hash(title, summary),
    )


def add_feed(engine: Engine, url: str) -> int:
    with session_scope(engine) as session:
        return feed_store.add(session, url=url, title=None, now=T0).id or 0


def ingest(engine: Engine, feed_id: int, feed_url: str, entries: list[Entry]) -> list[NewStory]:
    with session_scope(engine) as session:
        return ingest_entries(
            session, feed_id=feed_id, feed_url=feed_url, entries=entries, scorer=None, now=T0
        )


def articles(session: Session) -> list[Article]:
    return list(session.exec(select(Article).order_by(col(Article.id))).all())


def test_new_guids_for_stories_another_outlet_brought_join_them(engine: Engine) -> None:
    a = add_feed(engine, "https://a.example/rss")
    b = add_feed(engine, "https://b.example/rss")
    first = ingest(
        engine,
        a,
        "https://a.example/rss",
        [
            entry("a1", "Strikes hit Kabul", "https://a.example/kabul", summary="Jets struck."),
            entry("a2", "Talks resume in Doha", "https://a.example/doha", summary="Envoys met."),
            entry("a3", "Border crossing shut", "https://a.example/border", summary="Closed."),
        ],
    )
    assert len(first) == 3
    # Feed B: every GUID is new to it, yet one story is A's by link, one by headline and lede
    # (another link, a day later: within the window), one is A's headline four days on (a
    # recurring item, so a story of its own), and one is new.
    second = ingest(
        engine,
        b,
        "https://b.example/rss",
        [
            entry("b1", "Kabul strikes: latest", "https://a.example/kabul", summary="Other."),
            entry(
                "b2",
                "Talks resume in Doha",
                "https://b.example/doha-talks",
                summary="Envoys met.",
                at=T0 + timedelta(days=1),
            ),
            entry(
                "b3",
                "Border crossing shut",
                "https://b.example/border",
                summary="Closed.",
                at=T0 + timedelta(days=4),
            ),
            entry("b4", "Aid convoy arrives", "https://b.example/aid", summary="Trucks in."),
        ],
    )
    assert [s.title for s in second] == ["Border crossing shut", "Aid convoy arrives"]
    with session_scope(engine) as session:
        rows = articles(session)
        # Kabul came back through B under A's own link: still one outlet, so no growth; Doha
        # gained its second outlet.
        assert [(r.title, r.source_count) for r in rows] == [
            ("Strikes hit Kabul", 1),
            ("Talks resume in Doha", 2),
            ("Border crossing shut", 1),
            ("Border crossing shut", 1),
            ("Aid convoy arrives", 1),
        ]
        sources = session.exec(select(ArticleSource).order_by(col(ArticleSource.id))).all()
        assert [(s.guid, s.article_id, s.outlet) for s in sources[3:]] == [
            ("b1", rows[0].id, "a.example"),  # the link names the outlet, not the feed
            ("b2", rows[1].id, "b.example"),
            ("b3", rows[3].id, "b.example"),
            ("b4", rows[4].id, "b.example"),
        ]


def test_same_feed_again_adds_nothing_and_duplicates_in_one_batch_merge(engine: Engine) -> None:
    a = add_feed(engine, "https://a.example/rss")
    batch = [
        entry("g1", "Ceasefire holds", "https://a.example/1"),
        entry("g1", "Ceasefire holds", "https://a.example/1"),  # the same GUID twice
        entry("g2", "Ceasefire holds", None),  # same headline, no link: the hash merges it
        entry("g3", "Other story", None),
    ]
    new = ingest(engine, a, "https://a.example/rss", batch)
    assert [s.title for s in new] == ["Ceasefire holds", "Other story"]
    assert ingest(engine, a, "https://a.example/rss", batch) == []
    with session_scope(engine) as session:
        assert [(r.title, r.source_count) for r in articles(session)] == [
            ("Ceasefire holds", 1),
            ("Other story", 1),
        ]
        assert len(session.exec(select(ArticleSource)).all()) == 3


def test_source_counts_grow_by_each_further_outlet_in_one_batch(engine: Engine) -> None:
    a = add_feed(engine, "https://a.example/rss")
    agg = add_feed(engine, "https://aggregator.example/rss")
    ingest(
        engine,
        a,
        "https://a.example/rss",
        [
            entry("a1", "Shelling near Kharkiv", "https://a.example/1", summary="Overnight."),
            entry("a2", "Prisoner swap agreed", "https://a.example/2", summary="Fifty each."),
        ],
    )
    # An aggregator carries both stories from two other outlets each: +2 and +2, with one
    # outlet repeated (+0 for that copy) and one story from A itself (+0).
    ingest(
        engine,
        agg,
        "https://aggregator.example/rss",
        [
            entry("x1", "Shelling near Kharkiv", "https://c.example/k", summary="Overnight."),
            entry("x2", "Shelling near Kharkiv", "https://d.example/k", summary="Overnight."),
            entry("x3", "Shelling near Kharkiv", "https://www.d.example/k2", summary="Overnight."),
            entry("x4", "Prisoner swap agreed", "https://c.example/p", summary="Fifty each."),
            entry("x5", "Prisoner swap agreed", "https://e.example/p", summary="Fifty each."),
            entry("x6", "Prisoner swap agreed", "https://a.example/2", summary="Fifty each."),
        ],
    )
    with session_scope(engine) as session:
        assert [(r.title, r.source_count) for r in articles(session)] == [
            ("Shelling near Kharkiv", 3),
            ("Prisoner swap agreed", 3),
        ]


def test_an_unparsable_link_falls_back_to_the_feed_host(engine: Engine) -> None:
    # canonical_url keeps links urlsplit rejects as they are; ingest must not fail on them.
    a = add_feed(engine, "https://feed.example/rss")
    new = ingest(
        engine, a, "https://feed.example/rss", [entry("g", "Odd link", "http://[broken/x")]
    )
    assert len(new) == 1
    with session_scope(engine) as session:
        assert session.exec(select(ArticleSource.outlet)).one() == "feed.example"


def test_a_feed_added_in_the_same_transaction_can_be_ingested_into(engine: Engine) -> None:
    with session_scope(engine) as session:
        feed = feed_store.add(session, url="https://new.example/rss", title=None, now=T0)
        new = ingest_entries(
            session,
            feed_id=feed.id or 0,
            feed_url=feed.url,
            entries=[entry("n1", "First story", "https://new.example/1")],
            scorer=None,
            now=T0,
        )
    assert [s.title for s in new] == ["First story"]
