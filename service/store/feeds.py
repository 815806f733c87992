"""Feed rows: adding, listing, and claiming due feeds with a lease."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, func, select

from service.models import Feed


def get_by_url(session: Session, url: str) -> Feed | None:
    return session.exec(select(Feed).where(Feed.url == url)).first()


def add(session: Session, *, url: str, title: str | None, now: datetime) -> Feed:
    feed = Feed(url=url, title=title, created_at=now, next_check_at=now)
    session.add(feed)
    session.flush()
    return feed


def list_all(
    session: Session, *, after: int = 0, limit: int | None = None
) -> Sequence[Feed]:
    """Feeds by id, those after `after`, at most `limit` of them (all without a limit)."""
    query = select(Feed).where(col(Feed.id) > after).order_by(col(Feed.id))
    return session.exec(query.limit(limit) if limit is not None else query).all()


def count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Feed)).one())


def claim_due(
    session: Session,
    *,
    owner: str,
    now: datetime,
    lease_s: float,
    limit: int,
    ignore_schedule: bool = False,
) -> Sequence[Feed]:
    """Lease up to `limit` due feeds to `owner` in one conditional UPDATE.

    The lease condition is repeated in the UPDATE itself, so two workers racing for the same rows
    cannot both win: on PostgreSQL the loser's UPDATE re-checks the row after the winner commits
    (and SKIP LOCKED lets it take other rows instead of waiting); SQLite serialises writers.
    An expired lease (a crashed worker) is claimable again.
    """
    lease_free = or_(col(Feed.lease_until).is_(None), col(Feed.lease_until) < now)
    due = select(Feed.id).where(col(Feed.enabled).is_(True), lease_free)
    if not ignore_schedule:
        due = due.where(col(Feed.next_check_at) <= now)
    due = due.order_by(col(Feed.next_check_at)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    session.execute(
        update(Feed)
        .where(col(Feed.id).in_(due.scalar_subquery()), lease_free)
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)
    )
    return session.exec(select(Feed).where(Feed.lease_owner == owner)).all()


def release(feed: Feed) -> None:
    feed.lease_owner = None
    feed.lease_until = None


def renew_leases(session: Session, *, owner: str, until: datetime) -> None:
    """Extends every lease `owner` still holds (the feeds it has not written yet)."""
    session.execute(
        update(Feed)
        .where(col(Feed.lease_owner) == owner)
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
