"""Queries for pruning old articles: which may go, and deleting them with their rows.

Everything here works on bounded batches of ids, so pruning a million articles never holds
them in memory or in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Column, Table, and_, delete, exists, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col

from service.models import Article, Label
from service.store import backup

# Tables whose rows are a reason to keep an article rather than rows that go with it.
KEEPERS = frozenset({Label.__tablename__})


def dependents() -> list[tuple[Table, Column[int]]]:
    """Every table with a foreign key to articles.id (sources, scores, attributions, and any
    added later), except those that keep an article. Read from the models so that a new table
    cannot be forgotten here and block deletion with a foreign-key error."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        if table.name in KEEPERS or table.name == Article.__tablename__:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Article.__tablename__:
                found.append((table, fk.parent))
    return found


def evidence_article_ids(session: Session) -> set[int]:
    """Ids of the articles any alert names as evidence (alerts keep up to five each)."""
    return backup.evidence_article_ids(session.connection())


def old_articles(
    session: Session,
    *,
    cutoff: datetime,
    after: tuple[datetime, int] | None,
    limit: int,
    lock: bool = False,
) -> list[tuple[int, datetime]]:
    """(id, published_at) of unlabelled articles published and first seen before `cutoff`,
    oldest first, after the keyset position `after`. Walks the published_at index.

    With `lock` the rows are locked on PostgreSQL until the transaction ends, so a label
    added meanwhile waits (and then fails) instead of being deleted with its article; SQLite
    serialises writers anyway."""
    labelled = exists().where(col(Label.article_id) == col(Article.id))
    query = sa_select(col(Article.id), col(Article.published_at)).where(
        col(Article.published_at) < cutoff,
        col(Article.first_seen_at) < cutoff,
        ~labelled,
    )
    if after is not None:
        at, article_id = after
        query = query.where(
            or_(
                col(Article.published_at) > at,
                and_(col(Article.published_at) == at, col(Article.id) > article_id),
            )
        )
    query = query.order_by(col(Article.published_at), col(Article.id)).limit(limit)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Article)
    return [(int(i), at) for i, at in session.execute(query).all()]


def count_labelled_before(session: Session, *, cutoff: datetime) -> int:
    """Old articles kept because an operator labelled them."""
    labelled = exists().where(col(Label.article_id) == col(Article.id))
    query = (
        sa_select(func.count())
        .select_from(Article)
        .where(col(Article.published_at) < cutoff, col(Article.first_seen_at) < cutoff, labelled)
    )
    return int(session.execute(query).scalar_one())


def delete_articles(session: Session, ids: Sequence[int]) -> int:
    """Deletes the articles and their dependent rows; returns how many articles went."""
    if not ids:
        return 0
    wanted = list(ids)
    for table, column in dependents():
        session.execute(delete(table).where(column.in_(wanted)))
    result = session.execute(delete(Article).where(col(Article.id).in_(wanted)))
    return int(getattr(result, "rowcount", 0) or 0)
