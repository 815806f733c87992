"""Queries behind the labelling queue: recent unlabelled stories with their newest score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists
from sqlmodel import Session, col, func, select

from service.models import Article, ArticleScore, Label


def newest_unlabelled_scores(session: Session, *, pool: int) -> list[tuple[int, int]]:
    """(article id, newest score id) for the `pool` most recently published stories that are
    scored and not yet labelled, newest first.

    Two plain indexed queries rather than one join on a correlated "newest score" subquery:
    PostgreSQL evaluated that join condition for every (article, score) pair, and with 50,000
    stories one page took minutes; these take milliseconds on both databases."""
    scored = exists().where(col(ArticleScore.article_id) == col(Article.id))
    labelled = exists().where(col(Label.article_id) == col(Article.id))
    ids = list(
        session.exec(
            select(Article.id)
            .where(scored, ~labelled)
            .order_by(col(Article.published_at).desc(), col(Article.id).desc())
            .limit(pool)
        ).all()
    )
    if not ids:
        return []
    newest = dict(
        session.exec(
            select(ArticleScore.article_id, func.max(ArticleScore.id))
            .where(col(ArticleScore.article_id).in_(ids))
            .group_by(col(ArticleScore.article_id))
        ).all()
    )
    pairs = []
    for article_id in ids:
        score_id = newest.get(article_id) if article_id is not None else None
        if article_id is not None and score_id is not None:
            pairs.append((article_id, score_id))
    return pairs


def ranking_inputs(session: Session, score_ids: Sequence[int]) -> dict[int, tuple[float, Any]]:
    """Score id -> (escalation, quad probabilities): only what the ranking reads, so the
    signals and explanations of stories that will not be shown are never loaded."""
    if not score_ids:
        return {}
    rows = session.exec(
        select(ArticleScore.id, ArticleScore.escalation, ArticleScore.quad).where(
            col(ArticleScore.id).in_(list(score_ids))
        )
    ).all()
    return {int(i or 0): (float(esc), quad) for i, esc, quad in rows}


def stories_with_scores(
    session: Session, score_ids: Sequence[int]
) -> dict[int, tuple[Article, ArticleScore]]:
    """Score id -> (story, score), for the few stories a page shows."""
    if not score_ids:
        return {}
    rows = session.exec(
        select(Article, ArticleScore)
        .join(ArticleScore, col(ArticleScore.article_id) == col(Article.id))
        .where(col(ArticleScore.id).in_(list(score_ids)))
    ).all()
    return {score.id or 0: (article, score) for article, score in rows}


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
