"""Watches, attributions, alerts, silences and outbox rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer, load_only
from sqlmodel import Session, col, func, select

from service.models import (
    Alert,
    Article,
    ArticleScore,
    ArticleSource,
    Attribution,
    Silence,
    Watch,
)

OPEN_STATES = ("pending", "firing")


def by_slug(session: Session, slug: str) -> Watch | None:
    return session.exec(select(Watch).where(Watch.slug == slug)).first()


def list_watches(session: Session, *, enabled_only: bool = False) -> Sequence[Watch]:
    query = select(Watch).order_by(col(Watch.slug))
    if enabled_only:
        query = query.where(col(Watch.enabled).is_(True))
    return session.exec(query).all()


def lock_watch(session: Session, watch_id: int) -> Watch | None:
    """The watch row, locked on PostgreSQL so that two evaluators take turns."""
    query = select(Watch).where(Watch.id == watch_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.exec(query).first()


def add_attributions(session: Session, rows: Sequence[Attribution]) -> None:
    session.add_all(rows)
    session.flush()


def attributed_signals(
    session: Session, watch_id: int, *, since: datetime, until: datetime
) -> list[tuple[int, datetime, int, int, float, float, dict[str, float]]]:
    """(article id, published, outlets, score id, escalation, deescalation, signals) of each
    attributed article in the window, from its newest score.

    Columns, not ORM objects: every evaluation reads the whole window, and loading full
    articles and scores (with their JSON) was most of a year's backtest."""
    rows = session.execute(
        sa_select(
            col(Article.id),
            col(Article.published_at),
            col(Article.source_count),
            col(ArticleScore.id),
            col(ArticleScore.escalation),
            col(ArticleScore.deescalation),
            col(ArticleScore.signals),
        )
        .select_from(Article)
        .join(Attribution, col(Attribution.article_id) == col(Article.id))
        .join(ArticleScore, col(ArticleScore.article_id) == col(Article.id))
        .where(
            col(Attribution.watch_id) == watch_id,
            col(Attribution.published_at) >= since,
            col(Attribution.published_at) <= until,
        )
        .order_by(col(Article.id), col(ArticleScore.id))
    ).all()
    newest = {row[0]: tuple(row) for row in rows}
    return [
        (int(a or 0), published, int(sources), int(sid or 0), esc, deesc, signals)
        for a, published, sources, sid, esc, deesc, signals in newest.values()
    ]


def stories_published_between(
    session: Session, *, since: datetime, until: datetime
) -> list[tuple[int, str, str, datetime, list[str]]]:
    """(article id, title, summary, published, countries of its newest score) of every scored
    story published in the window: what attribution reads."""
    rows = session.execute(
        sa_select(
            col(Article.id),
            col(Article.title),
            col(Article.summary),
            col(Article.published_at),
            col(ArticleScore.countries),
        )
        .join(ArticleScore, col(ArticleScore.article_id) == col(Article.id))
        .where(col(Article.published_at) >= since, col(Article.published_at) <= until)
        .order_by(col(Article.id), col(ArticleScore.id))
    ).all()
    newest = {row[0]: row for row in rows}
    return [
        (int(a), title, summary, published, list(countries or []))
        for a, title, summary, published, countries in newest.values()
    ]


def attributions_between(
    session: Session, watch_id: int, *, since: datetime, until: datetime
) -> Sequence[Attribution]:
    return session.exec(
        select(Attribution).where(
            Attribution.watch_id == watch_id,
            col(Attribution.published_at) >= since,
            col(Attribution.published_at) <= until,
        )
    ).all()


def articles_with_scores(
    session: Session, score_ids: Iterable[int]
) -> dict[int, tuple[Article, ArticleScore]]:
    rows = session.exec(
        select(Article, ArticleScore)
        .join(ArticleScore, col(ArticleScore.article_id) == col(Article.id))
        .where(col(ArticleScore.id).in_(list(score_ids)))
    ).all()
    return {a.id or 0: (a, s) for a, s in rows}


def outlets_for(session: Session, article_ids: Iterable[int]) -> dict[int, list[str]]:
    wanted = list(set(article_ids))
    found: dict[int, list[str]] = {i: [] for i in wanted}
    if not wanted:
        return found
    for article_id, outlet in session.exec(
        select(ArticleSource.article_id, ArticleSource.outlet)
        .where(col(ArticleSource.article_id).in_(wanted))
        .order_by(col(ArticleSource.id))
    ).all():
        if outlet not in found[article_id]:
            found[article_id].append(outlet)
    return found


def open_alert(session: Session, watch_id: int) -> Alert | None:
    return session.exec(
        select(Alert).where(Alert.watch_id == watch_id, col(Alert.state).in_(OPEN_STATES))
    ).first()


def list_alerts(
    session: Session, *, watch_id: int | None = None, states: Sequence[str] = (), limit: int = 100
) -> Sequence[Alert]:
    query = select(Alert).order_by(col(Alert.pending_since).desc(), col(Alert.id).desc())
    if watch_id is not None:
        query = query.where(Alert.watch_id == watch_id)
    if states:
        query = query.where(col(Alert.state).in_(list(states)))
    return session.exec(query.limit(limit)).all()


def active_silences(
    session: Session, *, watch_id: int, level: str, now: datetime
) -> Sequence[Silence]:
    return session.exec(
        select(Silence).where(
            col(Silence.starts_at) <= now,
            col(Silence.ends_at) > now,
            or_(col(Silence.watch_id).is_(None), col(Silence.watch_id) == watch_id),
            or_(col(Silence.level).is_(None), col(Silence.level) == level),
        )
    ).all()


def list_silences(session: Session, *, now: datetime | None = None) -> Sequence[Silence]:
    query = select(Silence).order_by(col(Silence.ends_at).desc())
    if now is not None:
        query = query.where(col(Silence.ends_at) > now)
    return session.exec(query).all()


def open_alerts(session: Session) -> dict[int, Alert]:
    """Every watch's open episode (at most one each), in one query; the evidence (the bulk of
    the row, JSON) is loaded only if asked for."""
    rows = session.exec(
        select(Alert).where(col(Alert.state).in_(OPEN_STATES)).options(defer(Alert.evidence))  # type: ignore[arg-type]
    ).all()
    return {a.watch_id: a for a in rows}


def enabled_watches_summary(session: Session) -> Sequence[Watch]:
    """Enabled watches with what a summary shows (id, slug, name, half-life); their JSON
    (parties, terms) and thresholds are loaded only if asked for."""
    return session.exec(
        select(Watch)
        .where(col(Watch.enabled).is_(True))
        .order_by(col(Watch.slug))
        .options(load_only(Watch.id, Watch.slug, Watch.name, Watch.enabled, Watch.half_life_h))  # type: ignore[arg-type]
    ).all()


def newest_source_id(session: Session) -> int:
    """Grows with every ingest that stores a story or a further outlet for one."""
    return int(session.exec(select(func.max(ArticleSource.id))).one() or 0)


def watches_of_articles(session: Session, article_ids: Iterable[int]) -> set[int]:
    ids = list(article_ids)
    if not ids:
        return set()
    rows = session.exec(
        select(Attribution.watch_id).where(col(Attribution.article_id).in_(ids)).distinct()
    ).all()
    return set(rows)


def watches_with_sources_after(session: Session, source_id: int) -> set[int]:
    """Watches whose attributed stories gained a source (a new story, or a further outlet)
    since `source_id`: the ones whose index may have changed apart from time passing."""
    rows = session.exec(
        select(Attribution.watch_id)
        .join(ArticleSource, col(ArticleSource.article_id) == col(Attribution.article_id))
        .where(col(ArticleSource.id) > source_id)
        .distinct()
    ).all()
    return set(rows)
