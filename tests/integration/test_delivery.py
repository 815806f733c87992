"""Webhook delivery over loopback to a receiver that verifies every request with the
reference `standardwebhooks` package; on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from service.config import Settings
from service.db import session_scope
from service.models import Alert, Delivery, DeliveryAttempt, OutboxEvent, Subscription
from service.ops import subscriptions as sub_ops
from service.ops.deliver import deliver_due
from service.ops.outbox import publish
from service.ops.watches import enable_preset
from tests.support.webhook_receiver import WebhookReceiver

T0 = datetime(2026, 2, 27, 6, 0, tzinfo=UTC)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") as r:
        yield r


def subscribe(
    engine: Engine, settings: Settings, receiver: WebhookReceiver, path: str, **fields: Any
) -> int:
    with session_scope(engine) as session:
        sub = sub_ops.create(
            session,
            {"url": receiver.url(path), **fields},
            owner_key_id=None,
            settings=settings,
            now=T0,
        )
        receiver.use_secret(path, sub.secret)
        return sub.id or 0


def event(
    engine: Engine,
    kind: str,
    *,
    level: str = "critical",
    alert_id: int | None = None,
    at: datetime = T0,
) -> str:
    with session_scope(engine) as session:
        watch = enable_preset(session, "pakistan-afghanistan", now=T0)
        if alert_id is not None and session.get(Alert, alert_id) is None:
            session.add(
                Alert(
                    id=alert_id,
                    watch_id=watch.id or 0,
                    fingerprint="f00d",
                    state="resolved",
                    level=level,
                    pending_since=T0,
                    updated_at=T0,
                )
            )
            session.flush()
        evt = OutboxEvent(
            event_id=f"msg_{kind.replace('.', '_')}_{at.timestamp():.0f}_{alert_id}",
            type=kind,
            watch_id=watch.id,
            alert_id=alert_id,
            level=level,
            payload={
                "type": kind,
                "timestamp": at.isoformat(),
                "data": {
                    "alert": {
                        "id": alert_id,
                        "fingerprint": "f00d",
                        "status": "resolved" if kind == "alert.resolved" else "firing",
                        "level": level,
                        "started_at": T0.isoformat(),
                        "resolved_at": None,
                        "peak_index": 80.0,
                        "index": 75.0,
                        "rationale": "airstrikes (Afghanistan, Pakistan)",
                        "evidence": [],
                    },
                    "watch": {"slug": "pakistan-afghanistan", "name": "Pakistan-Afghanistan"},
                },
            },
            created_at=at,
        )
        publish(session, evt, now=at)
        return evt.event_id


def deliver(engine: Engine, settings: Settings, at: datetime) -> dict[str, int]:
    return dict(
        deliver_due(
            engine,
            settings=settings,
            now=lambda: at,
            rng=random.Random(3),
            # Real time moves a little with the simulated clock, and stays within
            # the receiver's five-minute tolerance.
            wall_clock=lambda: time.time() + min((at - T0).total_seconds(), 120),
        ).outcomes
    )


def delivery(engine: Engine, sub_id: int) -> Delivery:
    with session_scope(engine) as session:
        return session.exec(select(Delivery).where(Delivery.subscription_id == sub_id)).one()


def test_fan_out_respects_filters_and_signatures(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    everything = subscribe(engine, settings, receiver, "/all")
    subscribe(engine, settings, receiver, "/critical", min_level="critical")
    subscribe(engine, settings, receiver, "/india", watches=["india-pakistan"])
    subscribe(engine, settings, receiver, "/resolved-only", events=["alert.resolved"])
    subscribe(engine, settings, receiver, "/am", format="alertmanager")
    event_id = event(engine, "alert.firing", level="warning", alert_id=1)

    assert deliver(engine, settings, T0) == {"delivered": 2}
    assert {d.path for d in receiver.accepted()} == {"/all", "/am"}
    assert receiver.rejected() == []  # every signature verified by standardwebhooks
    standard = receiver.accepted("/all")[0]
    assert standard.webhook_id == event_id and standard.type == "alert.firing"
    assert receiver.accepted("/am")[0].payload["version"] == "4"
    row = delivery(engine, everything)
    assert row.status == "delivered" and row.attempts == 1 and row.lease_owner is None
    with session_scope(engine) as session:
        attempt = session.exec(select(DeliveryAttempt)).first()
        assert attempt is not None and attempt.status_code == 200 and attempt.latency_s > 0
    assert deliver(engine, settings, T0 + timedelta(minutes=1)) == {}  # nothing twice


def test_retries_keep_the_id_and_honour_retry_after(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    flaky = subscribe(engine, settings, receiver, "/flaky")
    busy = subscribe(engine, settings, receiver, "/busy")
    receiver.script("/flaky", [500, 200])
    receiver.rate_limit("/busy", retry_after="600")
    event(engine, "alert.firing", alert_id=1)

    assert deliver(engine, settings, T0) == {"pending": 2}
    first = delivery(engine, flaky)
    assert first.attempts == 1 and first.last_status == 500
    assert timedelta(seconds=3) <= first.next_attempt_at - T0 <= timedelta(seconds=7)
    assert delivery(engine, busy).next_attempt_at >= T0 + timedelta(seconds=600)

    assert deliver(engine, settings, T0 + timedelta(seconds=10)) == {"delivered": 1}
    ids = [d.webhook_id for d in receiver.deliveries("/flaky")]
    assert len(ids) == 2 and len(set(ids)) == 1  # same webhook-id on the retry
    stamps = [d.timestamp for d in receiver.deliveries("/flaky")]
    assert stamps[1] > stamps[0]  # webhook-timestamp is per attempt


def test_gone_disables_and_4xx_is_not_retried(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    gone = subscribe(engine, settings, receiver, "/gone")
    bad = subscribe(engine, settings, receiver, "/bad")
    receiver.gone("/gone")
    receiver.fail("/bad", status=400)
    event(engine, "alert.firing", alert_id=1)
    assert deliver(engine, settings, T0) == {"rejected": 2}
    with session_scope(engine) as session:
        sub = session.get(Subscription, gone)
        assert sub is not None and not sub.enabled and "410" in (sub.disabled_reason or "")
        still = session.get(Subscription, bad)
        assert still is not None and still.enabled
    event(engine, "alert.resolved", alert_id=1, at=T0 + timedelta(hours=1))
    with session_scope(engine) as session:  # a disabled subscription gets nothing new
        assert (
            len(session.exec(select(Delivery).where(Delivery.subscription_id == gone)).all()) == 1
        )


def test_resolved_never_overtakes_firing(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    sub = subscribe(engine, settings, receiver, "/ordered")
    receiver.fail("/ordered", status=503)
    event(engine, "alert.firing", alert_id=7)
    event(engine, "alert.resolved", alert_id=7, at=T0 + timedelta(seconds=1))
    event(engine, "alert.firing", alert_id=8, at=T0 + timedelta(seconds=2))  # another alert

    # Both firings are tried; alert 7's resolution waits behind its failed firing.
    assert deliver(engine, settings, T0 + timedelta(seconds=2)) == {"pending": 2}
    tried = sorted((d.payload["data"]["alert"]["id"], d.type) for d in receiver.deliveries())
    assert tried == [(7, "alert.firing"), (8, "alert.firing")]

    receiver.script("/ordered", [200])
    deliver(engine, settings, T0 + timedelta(seconds=30))
    deliver(engine, settings, T0 + timedelta(seconds=31))
    seven = [d.type for d in receiver.accepted("/ordered") if d.payload["data"]["alert"]["id"] == 7]
    assert seven == ["alert.firing", "alert.resolved"]
    with session_scope(engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.subscription_id == sub)).all()
        assert {r.status for r in rows} == {"delivered"}


def test_dead_letter_replay_and_circuit_breaker(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    sub = subscribe(engine, settings, receiver, "/down")
    receiver.fail("/down")
    event(engine, "alert.firing", alert_id=1)
    at = T0
    for _ in range(8):
        deliver(engine, settings, at)
        row = delivery(engine, sub)
        with session_scope(engine) as session:
            breaker = session.get(Subscription, sub)
            assert breaker is not None
            if row.attempts >= 5:
                assert breaker.circuit_open_until is not None
                # While the circuit is open, nothing is claimed for this receiver.
                assert (
                    deliver(engine, settings, breaker.circuit_open_until - timedelta(seconds=1))
                    == {}
                )
            at = max(row.next_attempt_at, breaker.circuit_open_until or row.next_attempt_at)
    row = delivery(engine, sub)
    assert row.status == "failed" and row.attempts == 8  # 1 + 7 retries, then a dead letter
    with session_scope(engine) as session:
        assert len(session.exec(select(DeliveryAttempt)).all()) == 8
        sub_row = session.get(Subscription, sub)
        assert sub_row is not None and sub_row.consecutive_failures == 8

    receiver.script("/down", [200])
    with session_scope(engine) as session:
        dead = session.get(Delivery, row.id)
        assert dead is not None
        sub_ops.replay(session, dead, now=at)
        session.get(Subscription, sub).circuit_open_until = None  # type: ignore[union-attr]
    assert deliver(engine, settings, at) == {"delivered": 1}


def test_failing_for_days_disables_with_a_reason(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    sub = subscribe(engine, settings, receiver, "/dying")
    receiver.fail("/dying", status=502)
    for day in range(4):
        event(engine, "alert.reminder", alert_id=day + 100, at=T0 + timedelta(days=day))
        with session_scope(engine) as session:
            session.get(Subscription, sub).circuit_open_until = None  # type: ignore[union-attr]
        deliver(engine, settings, T0 + timedelta(days=day))
    with session_scope(engine) as session:
        row = session.get(Subscription, sub)
        assert row is not None and not row.enabled
        assert "failed for 3 days" in (row.disabled_reason or "")


def test_per_endpoint_rate_limit(
    engine: Engine, settings: Settings, receiver: WebhookReceiver
) -> None:
    subscribe(engine, settings, receiver, "/paced")
    other = subscribe(engine, settings, receiver, "/other")
    for n in range(10):
        event(engine, "alert.firing", alert_id=200 + n, at=T0 + timedelta(seconds=n))
    paced = settings.model_copy(update={"delivery_rate_per_endpoint": 5.0})
    started = time.monotonic()
    report = deliver_due(engine, settings=paced, now=lambda: T0 + timedelta(seconds=10))
    elapsed = time.monotonic() - started
    assert dict(report.outcomes) == {"delivered": 20}
    assert elapsed >= 9 / 5 - 0.1  # ten sends to one receiver at five a second
    assert len(receiver.accepted("/paced")) == 10 and other
