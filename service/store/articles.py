"""Articles and their sources: deduplication by GUID, canonical link and content hash."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from service.models import Article, ArticleScore, ArticleSource

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


def find_story(
    session: Session, *, canonical_link: str | None, content_hash: str, published_at: datetime
) -> Article | None:
    if canonical_link:
        found = session.exec(
            select(Article).where(Article.canonical_link == canonical_link)
        ).first()
        if found is not None:
            return found
    return session.exec(
        select(Article)
        .where(
            Article.content_hash == content_hash,
            col(Article.published_at) >= published_at - SAME_STORY_WINDOW,
            col(Article.published_at) <= published_at + SAME_STORY_WINDOW,
        )
        .order_by(col(Article.id))
    ).first()


def outlets_of(session: Session, article_id: int) -> set[str]:
    rows = session.exec(
        select(ArticleSource.outlet).where(ArticleSource.article_id == article_id)
    ).all()
    return set(rows)


def add_article(session: Session, article: Article) -> Article:
    session.add(article)
    session.flush()
    return article


def add_source(session: Session, source: ArticleSource) -> None:
    session.add(source)


def add_scores(session: Session, scores: Sequence[ArticleScore]) -> None:
    session.add_all(scores)
    session.flush()


def scores_for(session: Session, article_id: int) -> Sequence[ArticleScore]:
    return session.exec(select(ArticleScore).where(ArticleScore.article_id == article_id)).all()


def list_recent(
    session: Session, *, limit: int, min_escalation: float | None = None
) -> Sequence[tuple[Article, ArticleScore | None]]:
    query = (
        select(Article, ArticleScore)
        .join(ArticleScore, col(ArticleScore.article_id) == col(Article.id), isouter=True)
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(limit)
    )
    if min_escalation is not None:
        query = query.where(col(ArticleScore.escalation) >= min_escalation)
    return session.exec(query).all()
