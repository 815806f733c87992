"""The delivery use case: claim due deliveries, send signed POSTs, record every attempt,
reschedule with backoff or dead-letter.

Sending happens outside any transaction; each result is written in a short transaction of its
own. At-least-once on the wire: `webhook-id` is the event's id, the same on every retry, so
receivers can drop duplicates.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from feeds.normalise import storable_text
from service import telemetry
from service.clock import utcnow
from service.config import Settings
from service.db import is_transient, lease_owner, session_scope
from service.models import Delivery, DeliveryAttempt, OutboxEvent, Subscription
from service.store import deliveries as delivery_store
from service.webhooks import retry, signing
from service.webhooks.formats import render
from service.webhooks.sender import SendResult, make_client, no_answer, send

log = logging.getLogger(__name__)

CIRCUIT_AFTER_FAILURES = 5
CIRCUIT_BASE_S = 30.0
CIRCUIT_CAP_S = 3600.0
WRITE_BATCH = 100
SHARD_CONNECTIONS = 10
MAX_EXCERPT_CHARS = 4096
MAX_ERROR_CHARS = 1000


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    subscription_id: int
    url: str
    msg_id: str
    body: bytes
    secrets: tuple[str, ...]


@dataclass
class DeliveryReport:
    outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def attempted(self) -> int:
        return sum(self.outcomes.values())


def secrets_of(subscription: Subscription, *, now: datetime) -> tuple[str, ...]:
    """During a rotation both secrets sign, so receivers on either verify."""
    if subscription.previous_secret and (
        subscription.previous_secret_until is None or subscription.previous_secret_until > now
    ):
        return (subscription.secret, subscription.previous_secret)
    return (subscription.secret,)


def prepare(session: Session, delivery: Delivery, *, settings: Settings, now: datetime) -> Outgoing:
    event = session.get(OutboxEvent, delivery.event_id)
    subscription = session.get(Subscription, delivery.subscription_id)
    assert event is not None and subscription is not None
    body = render(
        subscription.format,
        event.payload,
        event_id=event.event_id,
        external_url=settings.external_url,
    )
    return Outgoing(
        delivery.id or 0,
        subscription.id or 0,
        subscription.url,
        event.event_id,
        body,
        secrets_of(subscription, now=now),
    )


async def post_signed(
    client: httpx.AsyncClient,
    url: str,
    *,
    msg_id: str,
    body: bytes,
    secrets: Sequence[str],
    stamp: int,
    settings: Settings,
) -> SendResult:
    """Signs for this attempt and sends: the one way a webhook leaves the service, for the
    delivery job and for a subscription's test send alike."""
    headers = signing.headers(msg_id=msg_id, timestamp=stamp, body=body, secrets=secrets)
    return await send(
        client,
        url,
        body=body,
        headers=headers,
        allow_private=settings.allow_private_targets,
        timeout_s=settings.delivery_timeout_s,
    )


def deliver_due(
    engine: Engine,
    *,
    settings: Settings,
    now: Callable[[], datetime] = utcnow,
    rng: random.Random | None = None,
    owner: str | None = None,
    limit: int = 500,
    wall_clock: Callable[[], float] = time.time,
) -> DeliveryReport:
    owner = owner or lease_owner()
    rng = rng or random.Random()
    started = now()
    with session_scope(engine) as session:
        claimed = delivery_store.claim_due(
            session, owner=owner, now=started, lease_s=settings.delivery_lease_s, limit=limit
        )
        outgoing = [prepare(session, d, settings=settings, now=started) for d in claimed]
    report = DeliveryReport()
    if outgoing:
        asyncio.run(_send_all(engine, outgoing, settings, now, rng, owner, report, wall_clock))
    telemetry.record_deliveries(report.outcomes)
    return report


async def _send_all(
    engine: Engine,
    outgoing: list[Outgoing],
    settings: Settings,
    now: Callable[[], datetime],
    rng: random.Random,
    owner: str,
    report: DeliveryReport,
    wall_clock: Callable[[], float],
) -> None:
    per_endpoint: defaultdict[int, asyncio.Semaphore] = defaultdict(
        lambda: asyncio.Semaphore(settings.delivery_per_endpoint)
    )
    loop = asyncio.get_running_loop()
    # Results are written by one writer thread in small batches, one transaction each: serial
    # writes (no SQLite lock contention) that keep pace with the sends (one transaction per
    # result capped the fan-out near 120 deliveries/s in bench/bench_webhooks.py).
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ceasewatch-deliveries")
    results: asyncio.Queue[tuple[Outgoing, SendResult] | None] = asyncio.Queue()

    next_slot: defaultdict[int, float] = defaultdict(float)

    async def paced(subscription_id: int) -> None:
        """At most `delivery_rate_per_endpoint` sends a second to one receiver."""
        gap = 1.0 / settings.delivery_rate_per_endpoint
        start = max(loop.time(), next_slot[subscription_id])
        next_slot[subscription_id] = start + gap
        await asyncio.sleep(start - loop.time())

    async def one(item: Outgoing) -> None:
        started = time.monotonic()
        try:
            await paced(item.subscription_id)
            async with per_endpoint[item.subscription_id]:
                # Per attempt and from the real clock, as Standard Webhooks asks: receivers
                # refuse stamps more than a few minutes off theirs, whatever our clock says.
                result = await post_signed(
                    clients[item.subscription_id % len(clients)],
                    item.url,
                    msg_id=item.msg_id,
                    body=item.body,
                    secrets=item.secrets,
                    stamp=int(wall_clock()),
                    settings=settings,
                )
        except Exception as exc:
            # One delivery's surprise must not end the others' sends (gather would fail and
            # leave every result unrecorded): it becomes a failed attempt, retried with backoff.
            log.exception("delivery %d: sending failed unexpectedly", item.delivery_id)
            error = f"internal error while sending: {type(exc).__name__}: {exc}"
            result = no_answer(started, error)
        await results.put((item, result))

    async def write() -> None:
        done = False
        while not done:
            batch = [await results.get()]
            while not results.empty() and len(batch) < WRITE_BATCH:
                batch.append(results.get_nowait())
            done = batch[-1] is None
            pending = [r for r in batch if r is not None]
            if pending:
                try:
                    outcomes = await loop.run_in_executor(
                        writer, record, engine, pending, now(), rng, owner, settings
                    )
                except Exception:
                    # The database is away: these stay leased, and are sent again once the
                    # lease runs out. The writer goes on, so the sends are never blocked.
                    log.exception("could not record %d delivery results", len(pending))
                    outcomes = ["unrecorded"] * len(pending)
                for outcome in outcomes:
                    report.outcomes[outcome] += 1

    writing = asyncio.create_task(write())
    renewing = asyncio.create_task(keep_leases(engine, owner, settings, now))
    # Several small connection pools instead of one big one: httpcore scans every pooled
    # connection for each request, so one pool of 200 delivered 6x slower than 20 pools of 10
    # (bench/bench_webhooks.py); and a few hung receivers fill only their own shard's slots.
    shards = max(1, settings.delivery_concurrency // SHARD_CONNECTIONS)
    clients = [make_client(max_connections=SHARD_CONNECTIONS) for _ in range(shards)]
    try:
        await asyncio.gather(*(one(item) for item in outgoing))
    finally:
        for client in clients:
            await client.aclose()
        await results.put(None)
        await writing
        renewing.cancel()
        writer.shutdown(wait=True)


def record(
    engine: Engine,
    results: list[tuple[Outgoing, SendResult]],
    now: datetime,
    rng: random.Random,
    owner: str,
    settings: Settings,
) -> list[str]:
    """Writes attempts and their consequences in one transaction; returns the new statuses.

    Workers recording results for the same subscriptions can deadlock; PostgreSQL then rolls
    one back, and that one writes its batch again rather than leave it sent but unrecorded.
    """
    try:
        return _record_retrying(engine, results, now, rng, owner, settings)
    except OperationalError:
        raise  # the database is away: nothing would be written one by one either
    except Exception:
        # One result the database refuses (something in a receiver's answer, or a bug of ours)
        # must not lose the batch it came in: alone, each of the others is written.
        log.exception("recording %d delivery results failed; writing them one by one",
                      len(results))
    return [_record_alone(engine, one, now, rng, owner, settings) for one in results]


def _record_retrying(
    engine: Engine,
    results: list[tuple[Outgoing, SendResult]],
    now: datetime,
    rng: random.Random,
    owner: str,
    settings: Settings,
) -> list[str]:
    try:
        return _record_batch(engine, results, now, rng, owner, settings)
    except OperationalError as exc:
        if not is_transient(exc):
            raise
        return _record_batch(engine, results, now, rng, owner, settings)


def _record_alone(
    engine: Engine,
    one: tuple[Outgoing, SendResult],
    now: datetime,
    rng: random.Random,
    owner: str,
    settings: Settings,
) -> str:
    """Writes one result; if the database refuses it (something in the receiver's answer, or a
    bug of ours), writes a bare attempt with the same outcome so the delivery still moves on
    (backoff, or delivered) instead of being sent again on every lease."""
    item, result = one
    try:
        return _record_retrying(engine, [one], now, rng, owner, settings)[0]
    except Exception as exc:
        log.exception("delivery %d: recording its attempt failed", item.delivery_id)
        bare = SendResult(
            status=result.status,
            latency_s=result.latency_s,
            response_excerpt="",
            error=f"the attempt could not be recorded as it was: {type(exc).__name__}",
            retry_after_s=result.retry_after_s,
            outcome=result.outcome,
        )
    try:
        return _record_retrying(engine, [(item, bare)], now, rng, owner, settings)[0]
    except Exception:
        # Left leased: it is sent again once the lease runs out, like after a crash.
        log.exception("delivery %d: even a bare attempt could not be recorded", item.delivery_id)
        return "unrecorded"


def _record_batch(
    engine: Engine,
    results: list[tuple[Outgoing, SendResult]],
    now: datetime,
    rng: random.Random,
    owner: str,
    settings: Settings,
) -> list[str]:
    with session_scope(engine) as session:
        return [
            _record_one(session, item, result, now=now, rng=rng, owner=owner, settings=settings)
            for item, result in results
        ]


async def keep_leases(
    engine: Engine, owner: str, settings: Settings, now: Callable[[], datetime]
) -> None:
    """Renews the leases of the deliveries not recorded yet, every third of a lease.

    Pacing and slow receivers can stretch one run beyond a lease; without renewal another
    worker would claim the rest and send them a second time. Only a dead worker stops
    renewing, and then its deliveries are free once a lease has passed.
    """
    loop = asyncio.get_running_loop()

    def renew() -> None:
        until = now() + timedelta(seconds=settings.delivery_lease_s)
        with session_scope(engine) as session:
            delivery_store.renew_leases(session, owner=owner, until=until)

    while True:
        await asyncio.sleep(settings.delivery_lease_s / 3)
        try:
            await loop.run_in_executor(None, renew)
        except Exception:  # the database is away: recording fails too; keep trying
            log.warning("could not renew delivery leases", exc_info=True)


def _record_one(
    session: Session,
    item: Outgoing,
    result: SendResult,
    *,
    now: datetime,
    rng: random.Random,
    owner: str,
    settings: Settings,
) -> str:
    delivery = session.get(Delivery, item.delivery_id)
    subscription = session.get(Subscription, item.subscription_id)
    if delivery is None or subscription is None:
        return "gone"
    delivery_store.add_attempt(
        session,
        DeliveryAttempt(
            delivery_id=item.delivery_id,
            at=now,
            status_code=result.status,
            latency_s=result.latency_s,
            outcome=result.outcome,
            response_excerpt=storable_text(result.response_excerpt, MAX_EXCERPT_CHARS),
            error=storable_text(result.error or "", MAX_ERROR_CHARS) or None,
        ),
    )
    # Our lease may have run out mid-send and another worker be sending it too. A row already
    # delivered stays as it was (the attempt above is the only trace of a late duplicate).
    if delivery.status == "delivered":
        if delivery.lease_owner == owner:
            delivery.lease_owner, delivery.lease_until = None, None
        return delivery.status
    delivery.attempts += 1
    delivery.last_status = result.status
    delivery.last_error = storable_text(result.error or "", MAX_ERROR_CHARS) or None
    if delivery.lease_owner == owner or result.outcome == "ok":
        delivery.lease_owner, delivery.lease_until = None, None
    if result.outcome == "ok":
        delivery.status, delivery.delivered_at = "delivered", now
        subscription.consecutive_failures = 0
        subscription.failing_since = subscription.circuit_open_until = None
        return delivery.status
    if delivery.lease_owner is not None:
        return delivery.status  # another worker holds it now; its outcome decides
    _count_failure(subscription, now=now, settings=settings)
    if result.outcome == "retry":
        delay = retry.next_delay_s(delivery.attempts, retry_after_s=result.retry_after_s, rng=rng)
        if delay is None:
            delivery.status = "failed"  # a dead letter: listed, and can be replayed
        else:
            delivery.next_attempt_at = now + timedelta(seconds=delay)
    else:
        delivery.status = "rejected"
        if result.outcome == "gone":
            _disable(subscription, f"the receiver answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC")
    return delivery.status


def _count_failure(subscription: Subscription, *, now: datetime, settings: Settings) -> None:
    subscription.consecutive_failures += 1
    subscription.failing_since = subscription.failing_since or now
    extra = subscription.consecutive_failures - CIRCUIT_AFTER_FAILURES
    if extra >= 0:
        pause = min(CIRCUIT_CAP_S, CIRCUIT_BASE_S * 2**extra)
        subscription.circuit_open_until = now + timedelta(seconds=pause)
    failing_for = now - subscription.failing_since
    if failing_for >= timedelta(days=settings.disable_failing_after_days):
        _disable(
            subscription,
            f"every delivery failed for {failing_for.days} days "
            f"(since {subscription.failing_since:%Y-%m-%d %H:%M} UTC)",
        )


def _disable(subscription: Subscription, reason: str) -> None:
    subscription.enabled = False
    subscription.disabled_reason = reason
