"""Articles and their sources: deduplication by GUID, canonical link and content hash."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from service.models import Article, ArticleScore, ArticleSource, Attribution

# Wire copies of one story appear within hours of each other; an identical headline and lede a
# week apart is more likely a recurring item ("Live updates") than the same story.
SAME_STORY_WINDOW = timedelta(days=3)


def known_guids(session: Session, feed_id: int, guids: Iterable[str]) -> set[str]:
    wanted = list(set(guids))
    if not wanted:
        return set()
    rows = session.exec(
        select(ArticleSource.guid).where(
            ArticleSource.feed_id == feed_id, col(ArticleSource.guid).in_(wanted)
        )
    ).all()
    return set(rows)


def stories_by_link(session: Session, links: Iterable[str]) -> dict[str, Article]:
    wanted = list(set(links))
    if not wanted:
        return {}
    rows = session.exec(select(Article).where(col(Article.canonical_link).in_(wanted))).all()
    return {a.canonical_link: a for a in rows if a.canonical_link}


def stories_by_hash(
    session: Session, hashes: Iterable[str], *, around: Sequence[datetime]
) -> list[Article]:
    """Stories with one of these content hashes published near the given times."""
    wanted = list(set(hashes))
    if not wanted or not around:
        return []
    return list(
        session.exec(
            select(Article)
            .where(
                col(Article.content_hash).in_(wanted),
                col(Article.published_at) >= min(around) - SAME_STORY_WINDOW,
                col(Article.published_at) <= max(around) + SAME_STORY_WINDOW,
            )
            .order_by(col(Article.id))
        ).all()
    )


def outlets_by_story(session: Session, article_ids: Iterable[int]) -> dict[int, set[str]]:
    wanted = list(set(article_ids))
    found: dict[int, set[str]] = {i: set() for i in wanted}
    if not wanted:
        return found
    rows = session.exec(
        select(ArticleSource.article_id, ArticleSource.outlet).where(
            col(ArticleSource.article_id).in_(wanted)
        )
    ).all()
    for article_id, outlet in rows:
        found[article_id].add(outlet)
    return found


def insert_articles(session: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Bulk insert; returns the new ids in the order of `rows`.

    Core inserts, not ORM objects: building a SQLModel object per entry cost more than parsing
    the feed did (bench/bench_ingest.py). Ids are matched back by the row's own key rather than
    with `sort_by_parameter_order`, which makes SQLite insert row by row (50 statements for a
    50-item feed instead of one, six times slower). Rows in one batch never share
    (link, hash, time): the caller merges such duplicates into one story first.
    """
    if not rows:
        return []
    returned = session.execute(
        insert(Article).returning(
            col(Article.id),
            col(Article.canonical_link),
            col(Article.content_hash),
            col(Article.published_at),
        ),
        rows,
    ).all()
    ids = {(link, digest, published): int(i) for i, link, digest, published in returned}
    return [ids[(r["canonical_link"], r["content_hash"], r["published_at"])] for r in rows]


def insert_sources(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(ArticleSource), rows)


def add_to_source_count(session: Session, article_id: int, extra: int) -> None:
    session.execute(
        update(Article)
        .where(col(Article.id) == article_id)
        .values(source_count=col(Article.source_count) + extra)
    )


def insert_scores(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(ArticleScore), rows)


@dataclass(frozen=True)
class ArticleQuery:
    limit: int = 50
    watch_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    min_escalation: float | None = None
    signal: str | None = None
    text: str | None = None
    before: tuple[datetime, int] | None = None  # keyset cursor: (published_at, id)


SIGNAL_PRESENT = 0.5


def search(session: Session, q: ArticleQuery) -> Sequence[tuple[Article, ArticleScore | None]]:
    """Newest first, each with its newest score; keyset pagination on (published_at, id)."""
    later = aliased(ArticleScore)
    newest = (
        select(func.max(later.id))
        .where(col(later.article_id) == col(Article.id))
        .correlate(Article)
        .scalar_subquery()
    )
    query = select(Article, ArticleScore).join(
        ArticleScore, col(ArticleScore.id) == newest, isouter=True
    )
    if q.watch_id is not None:
        query = query.join(Attribution, col(Attribution.article_id) == col(Article.id)).where(
            Attribution.watch_id == q.watch_id
        )
    if q.since is not None:
        query = query.where(col(Article.published_at) >= q.since)
    if q.until is not None:
        query = query.where(col(Article.published_at) < q.until)
    if q.min_escalation is not None:
        query = query.where(col(ArticleScore.escalation) >= q.min_escalation)
    if q.signal is not None:
        query = query.where(col(ArticleScore.signals)[q.signal].as_float() >= SIGNAL_PRESENT)
    if q.text:
        pattern = "%" + q.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                col(Article.title).ilike(pattern, escape="\\"),
                col(Article.summary).ilike(pattern, escape="\\"),
            )
        )
    if q.before is not None:
        at, article_id = q.before
        query = query.where(
            or_(
                col(Article.published_at) < at,
                and_(col(Article.published_at) == at, col(Article.id) < article_id),
            )
        )
    query = query.order_by(col(Article.published_at).desc(), col(Article.id).desc())
    return session.exec(query.limit(q.limit)).all()
