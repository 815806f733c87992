"""Publishing an event: one outbox row and, in the same transaction, one delivery row per
subscription that wants it. Nothing is sent here; the delivery job sends."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from service.models import Delivery, OutboxEvent, Subscription, Watch

LEVEL_RANK = {"warning": 1, "critical": 2}


def wants(subscription: Subscription, event: OutboxEvent, watch_slug: str | None) -> bool:
    if not subscription.enabled:
        return False
    if subscription.watches and watch_slug not in subscription.watches:
        return False
    if subscription.events and event.type not in subscription.events:
        return False
    if event.level is not None:
        return LEVEL_RANK.get(event.level, 0) >= LEVEL_RANK.get(subscription.min_level, 1)
    return True


def publish(session: Session, event: OutboxEvent, *, now: datetime) -> int:
    """Stores the event and fans it out; returns how many deliveries were queued."""
    session.add(event)
    session.flush()
    watch = session.get(Watch, event.watch_id) if event.watch_id else None
    subscriptions = session.exec(
        select(Subscription).where(col(Subscription.enabled).is_(True))
    ).all()
    if event.type == "alert.resolved" and event.alert_id is not None:
        # Told only to those who heard the alert: a receiver subscribed since (an
        # Alertmanager, a Slack channel) would get a resolution for nothing it knows.
        heard = set(
            session.exec(
                select(Delivery.subscription_id).where(Delivery.alert_id == event.alert_id)
            ).all()
        )
        subscriptions = [s for s in subscriptions if s.id in heard]
    queued = [
        Delivery(
            event_id=event.id or 0,
            subscription_id=s.id or 0,
            alert_id=event.alert_id,
            next_attempt_at=now,
            created_at=now,
        )
        for s in subscriptions
        if wants(s, event, watch.slug if watch else None)
    ]
    session.add_all(queued)
    session.flush()
    return len(queued)
