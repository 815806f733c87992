"""Webhook subscriptions: creation with target checks, secrets and rotation, test sends,
and replay of deliveries."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from feeds.errors import FetchError
from feeds.netguard import check_url_target
from service.config import Settings
from service.models import Delivery, Subscription
from service.ops.deliver import post_signed, secrets_of
from service.ops.errors import InputError, NotFound
from service.ops.watches import presets
from service.store import watches as watch_store
from service.webhooks import signing
from service.webhooks.formats import FORMATS, render
from service.webhooks.sender import SendResult, make_client

EVENT_TYPES = ("alert.firing", "alert.escalated", "alert.resolved", "alert.reminder")
LEVELS = ("warning", "critical")
ROTATION_GRACE = timedelta(hours=24)


def check_target(url: str, *, allow_private: bool, timeout_s: float = 10.0) -> None:
    """Refuses URLs that resolve to loopback, private, link-local or metadata addresses, and
    names that do not resolve within `timeout_s` (a hanging resolver must not hold a request)."""
    loop = asyncio.new_event_loop()
    try:
        checked = check_url_target(url, allow_private=allow_private)
        loop.run_until_complete(asyncio.wait_for(checked, timeout_s))
    except FetchError as exc:
        raise InputError(f"webhook URL refused: {exc}") from exc
    except TimeoutError:
        raise InputError(
            f"webhook URL refused: its host did not resolve within {timeout_s:g} s"
        ) from None
    finally:
        loop.close()  # unlike asyncio.run, does not wait for a resolver thread still stuck


def validate(session: Session, fields: dict[str, Any], *, settings: Settings) -> None:
    if "url" in fields:
        check_target(
            fields["url"],
            allow_private=settings.allow_private_targets,
            timeout_s=settings.connect_timeout_s,
        )
    known = set(presets()) | {w.slug for w in watch_store.list_watches(session)}
    unknown = [w for w in fields.get("watches", []) if w not in known]
    if unknown:
        raise InputError(f"unknown watches {unknown}; known: {', '.join(sorted(known))}")
    check_choices(fields)


def check_choices(fields: dict[str, Any]) -> None:
    """Level, event types and format among the known ones (the defaults where absent)."""
    if fields.get("min_level", "warning") not in LEVELS:
        raise InputError(f"min_level must be one of {', '.join(LEVELS)}")
    bad_events = [e for e in fields.get("events", []) if e not in EVENT_TYPES]
    if bad_events:
        raise InputError(f"unknown event types {bad_events}; known: {', '.join(EVENT_TYPES)}")
    if fields.get("format", "standard") not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}")


def create(
    session: Session,
    fields: dict[str, Any],
    *,
    owner_key_id: int | None,
    settings: Settings,
    now: datetime,
) -> Subscription:
    validate(session, fields, settings=settings)
    subscription = Subscription(
        **fields, owner_key_id=owner_key_id, secret=signing.new_secret(), created_at=now
    )
    session.add(subscription)
    session.flush()
    return subscription


def get_owned(
    session: Session, subscription_id: int, *, key_id: int, is_admin: bool
) -> Subscription:
    """A subscriber sees only its own; to others, someone else's does not exist."""
    subscription = session.get(Subscription, subscription_id)
    if subscription is None or (not is_admin and subscription.owner_key_id != key_id):
        raise NotFound(f"no subscription with id {subscription_id}")
    return subscription


def update(
    session: Session, subscription: Subscription, fields: dict[str, Any], *, settings: Settings
) -> Subscription:
    validate(session, fields, settings=settings)
    for name, value in fields.items():
        setattr(subscription, name, value)
    if fields.get("enabled"):
        subscription.disabled_reason = None
        subscription.consecutive_failures = 0
        subscription.failing_since = subscription.circuit_open_until = None
    session.flush()
    return subscription


def rotate_secret(subscription: Subscription, *, now: datetime) -> Subscription:
    """The old secret keeps signing beside the new one for a day, so receivers can switch."""
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = now + ROTATION_GRACE
    subscription.secret = signing.new_secret()
    return subscription


def send_test(subscription: Subscription, *, settings: Settings, now: datetime) -> SendResult:
    event = {
        "type": "test",
        "timestamp": now.isoformat(),
        "data": {"message": "Ceasewatch test event", "subscription_id": subscription.id},
    }
    msg_id = f"msg_test_{int(now.timestamp() * 1000)}"
    body = render(subscription.format, event, event_id=msg_id, external_url=settings.external_url)

    async def go() -> SendResult:
        async with make_client(max_connections=1) as client:
            return await post_signed(
                client,
                subscription.url,
                msg_id=msg_id,
                body=body,
                secrets=secrets_of(subscription, now=now),
                stamp=int(now.timestamp()),
                settings=settings,
            )

    return asyncio.run(go())


def replay(session: Session, delivery: Delivery, *, now: datetime) -> Delivery:
    """Sends a delivery again (a dead letter, a rejection, or even a delivered one), with the
    same webhook-id, on the next delivery cycle."""
    delivery.status = "pending"
    delivery.next_attempt_at = now
    delivery.lease_owner = delivery.lease_until = None
    session.flush()
    return delivery
