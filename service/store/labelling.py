"""Queries behind the labelling queue: recent unlabelled stories with their newest score."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from service.models import Article, ArticleScore, Label


def unlabelled_with_newest_score(
    session: Session, *, pool: int
) -> Sequence[tuple[Article, ArticleScore]]:
    """The `pool` most recently published stories that are scored and not yet labelled, each
    with its newest score (the same "newest score" the articles API shows)."""
    later = aliased(ArticleScore)
    newest = (
        select(func.max(later.id))
        .where(col(later.article_id) == col(Article.id))
        .correlate(Article)
        .scalar_subquery()
    )
    labelled = exists().where(col(Label.article_id) == col(Article.id))
    query = (
        select(Article, ArticleScore)
        .join(ArticleScore, col(ArticleScore.id) == newest)
        .where(~labelled)
        .order_by(col(Article.published_at).desc(), col(Article.id).desc())
        .limit(pool)
    )
    return session.exec(query).all()


def label_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Label)).one())


def recent_labels(session: Session, *, limit: int) -> Sequence[tuple[Label, Article]]:
    query = (
        select(Label, Article)
        .where(col(Label.article_id) == col(Article.id))
        .order_by(col(Label.id).desc())
        .limit(limit)
    )
    return session.exec(query).all()


def newest_label(session: Session, article_id: int) -> tuple[Label, Article] | None:
    row = session.exec(
        select(Label, Article)
        .where(col(Label.article_id) == col(Article.id), col(Article.id) == article_id)
        .order_by(col(Label.id).desc())
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])
