"""Subscriptions and deliveries: claims with a lease, in order per subscription and alert."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from service.models import Delivery, DeliveryAttempt, Subscription


def claim_due(
    session: Session, *, owner: str, now: datetime, lease_s: float, limit: int
) -> Sequence[Delivery]:
    """Leases due deliveries to `owner`.

    A delivery waits while an earlier event of the same alert for the same subscription is
    still pending, so a `resolved` never overtakes its `firing`; and while its subscription's
    circuit is open, so one dead receiver costs the others nothing.
    """
    earlier = aliased(Delivery)
    waits_for_earlier = exists().where(
        col(earlier.subscription_id) == col(Delivery.subscription_id),
        col(earlier.alert_id) == col(Delivery.alert_id),
        col(earlier.id) < col(Delivery.id),
        col(earlier.status) == "pending",
    )
    receiving = select(Subscription.id).where(
        col(Subscription.enabled).is_(True),
        or_(
            col(Subscription.circuit_open_until).is_(None),
            col(Subscription.circuit_open_until) <= now,
        ),
    )
    lease_free = or_(col(Delivery.lease_until).is_(None), col(Delivery.lease_until) < now)
    due = (
        select(Delivery.id)
        .where(
            Delivery.status == "pending",
            col(Delivery.next_attempt_at) <= now,
            lease_free,
            col(Delivery.subscription_id).in_(receiving),
            ~waits_for_earlier,
        )
        .order_by(col(Delivery.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True, of=Delivery)
    session.execute(
        update(Delivery)
        .where(and_(col(Delivery.id).in_(due.scalar_subquery()), lease_free))
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False)
    )
    return session.exec(
        select(Delivery).where(Delivery.lease_owner == owner).order_by(col(Delivery.id))
    ).all()


def renew_leases(session: Session, *, owner: str, until: datetime) -> None:
    """Extends every lease `owner` still holds (the deliveries it has not recorded yet).

    On PostgreSQL rows locked by another transaction are skipped: that is normally the worker's
    own record batch finishing them (leases are per owner), and waiting for it while it waits
    for a row this update holds was a deadlock. A skipped row keeps its lease until the next
    renewal, a third of a lease later; a transaction holding one of these rows for longer than
    a lease would let another worker claim it (none does: API writes are short)."""
    held = select(Delivery.id).where(col(Delivery.lease_owner) == owner)
    if session.get_bind().dialect.name == "postgresql":
        held = held.order_by(col(Delivery.id)).with_for_update(skip_locked=True)
    session.execute(
        update(Delivery)
        .where(col(Delivery.id).in_(held.scalar_subquery()), col(Delivery.lease_owner) == owner)
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )


def add_attempt(session: Session, attempt: DeliveryAttempt) -> None:
    session.add(attempt)
    session.flush()


def for_subscription(
    session: Session, subscription_id: int, *, status: str | None, limit: int
) -> Sequence[Delivery]:
    query = select(Delivery).where(Delivery.subscription_id == subscription_id)
    if status:
        query = query.where(Delivery.status == status)
    return session.exec(query.order_by(col(Delivery.id).desc()).limit(limit)).all()


def attempts_of(session: Session, delivery_id: int) -> Sequence[DeliveryAttempt]:
    return session.exec(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(col(DeliveryAttempt.id))
    ).all()


def subscriptions(session: Session, *, owner_key_id: int | None) -> Sequence[Subscription]:
    query = select(Subscription).order_by(col(Subscription.id))
    if owner_key_id is not None:
        query = query.where(Subscription.owner_key_id == owner_key_id)
    return session.exec(query).all()


def backlog(session: Session) -> dict[str, int]:
    rows = session.exec(select(Delivery.status, func.count()).group_by(Delivery.status)).all()
    return {status: int(n) for status, n in rows}
