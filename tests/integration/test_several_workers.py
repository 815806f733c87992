"""What several workers on one database need: claims held by a live worker stay its own
however long the work takes, a job's runs during a database outage still reach job_health, and
evaluating a watch from the poll and from the scheduled job at once cannot deadlock.

Leases here are a fraction of a second and the work takes seconds: without renewal a second
worker would claim the same feed or delivery mid-way and do it again.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from service.clock import utcnow
from service.config import Settings
from service.db import is_transient, make_engine, session_scope
from service.jobs import run_recorded
from service.models import Article, Attribution, Delivery, DeliveryAttempt, Feed, JobHealth
from service.ops.alerts import evaluate_watches
from service.ops.deliver import DeliveryReport, Outgoing, deliver_due, record
from service.ops.poll import PollReport, poll_once
from service.ops.watches import enable_preset
from service.store import deliveries as delivery_store
from service.store import feeds as feed_store
from service.webhooks.sender import SendResult
from tests.integration.test_delivery import event, subscribe
from tests.integration.test_poll import STRIKE, rss
from tests.support.feed_server import FeedServer, Response, wait_for
from tests.support.webhook_receiver import Behaviour, WebhookReceiver

SLOW_S = 2.0
LEASE_S = 0.6  # renewed every 0.2 s


def test_a_poll_longer_than_its_lease_keeps_its_feed(engine: Engine, settings: Settings) -> None:
    s = settings.model_copy(update={"lease_s": LEASE_S})
    with FeedServer() as server:
        server.route("/slow.xml", lambda _: Response(200, rss(STRIKE), delay_s=SLOW_S))
        with session_scope(engine) as session:
            feed_store.add(session, url=server.url("/slow.xml"), title=None, now=utcnow())
        first: list[PollReport] = []
        worker = threading.Thread(
            target=lambda: first.append(poll_once(engine, settings=s, scorer=None))
        )
        worker.start()
        assert wait_for(lambda: server.count("/slow.xml") == 1, timeout_s=10)
        time.sleep(3 * LEASE_S)  # the first lease is long gone; its renewals are not
        second = poll_once(engine, settings=s, scorer=None)
        worker.join(timeout=30)
        assert second.outcomes == []
        assert [o.result for o in first[0].outcomes] == ["new"]
        assert server.count("/slow.xml") == 1
    with session_scope(engine) as session:
        feed = session.exec(select(Feed)).one()
        assert feed.lease_owner is None and feed.lease_until is None


def test_a_slow_send_keeps_its_delivery(engine: Engine, settings: Settings) -> None:
    s = settings.model_copy(update={"delivery_lease_s": LEASE_S})
    with WebhookReceiver("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") as rx:
        subscribe(engine, s, rx, "/slow")
        rx.answer("/slow", Behaviour(delay_s=SLOW_S))
        webhook_id = event(engine, "alert.firing", alert_id=1, at=utcnow())
        first: list[DeliveryReport] = []
        worker = threading.Thread(target=lambda: first.append(deliver_due(engine, settings=s)))
        worker.start()
        assert wait_for(lambda: rx.count(webhook_id) == 1, timeout_s=10)
        time.sleep(3 * LEASE_S)
        second = deliver_due(engine, settings=s)
        worker.join(timeout=30)
        assert dict(second.outcomes) == {}
        assert dict(first[0].outcomes) == {"delivered": 1}
        assert rx.count(webhook_id) == 1
    with session_scope(engine) as session:
        row = session.exec(select(Delivery)).one()
        assert row.status == "delivered" and row.lease_owner is None


def test_runs_during_an_outage_are_recorded_afterwards(engine: Engine) -> None:
    # Nothing listens on port 1: the database is away, as during a restart.
    away = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")

    def fail() -> None:
        raise RuntimeError("database unavailable")

    try:
        run_recorded(away, "outage-test", fail)  # neither the work nor its record can be done
        run_recorded(away, "outage-test", fail)
    finally:
        away.dispose()
    with session_scope(engine) as session:
        assert session.get(JobHealth, "outage-test") is None
    run_recorded(engine, "outage-test", lambda: None)  # back: the two failures, then success
    with session_scope(engine) as session:
        row = session.get(JobHealth, "outage-test")
        assert row is not None
        assert (row.runs, row.failures, row.consecutive_failures) == (3, 2, 0)
        assert row.last_error == "RuntimeError: database unavailable"


def test_the_poll_and_the_evaluation_job_evaluate_one_watch_at_once(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers")
    now = utcnow()
    with session_scope(engine) as session:
        watch_id = enable_preset(session, "pakistan-afghanistan", now=now).id or 0
        article = Article(content_hash="h", title="t", published_at=now, first_seen_at=now)
        session.add(article)
        session.flush()
        article_id = article.id or 0
    # The poll's transaction: its new attribution share-locks the watch row (foreign key)...
    poll = Session(engine)
    poll.add(Attribution(watch_id=watch_id, article_id=article_id, published_at=now, matched={}))
    poll.flush()
    job_errors: list[BaseException] = []

    def scheduled_job() -> None:  # ...while the job evaluates the watch and waits for that row
        try:
            with session_scope(engine) as session:
                session.execute(text("SET LOCAL lock_timeout = '10s'"))  # a deadlock ends here
                evaluate_watches(session, [watch_id], now=now + timedelta(seconds=1))
        except BaseException as exc:
            job_errors.append(exc)

    job = threading.Thread(target=scheduled_job)
    job.start()
    time.sleep(1)  # the job is waiting for the poll's transaction now
    started = time.monotonic()
    evaluate_watches(poll, [watch_id], now=now)  # the poll evaluates too, then commits
    poll.commit()
    poll.close()
    job.join(timeout=30)
    assert time.monotonic() - started < 5, "the poll waited for the job: a deadlock"
    assert job_errors == []


def test_lease_renewal_skips_a_delivery_another_transaction_holds(
    engine: Engine, settings: Settings
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks: SQLite serialises writers, so there is nothing to skip")
    with WebhookReceiver("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") as rx:
        subscribe(engine, settings, rx, "/a")
        subscribe(engine, settings, rx, "/b")
        event(engine, "alert.firing", alert_id=1)
    now = utcnow()
    with session_scope(engine) as session:
        claimed = delivery_store.claim_due(session, owner="w1", now=now, lease_s=30, limit=10)
        ids = sorted(d.id or 0 for d in claimed)
    assert len(ids) == 2
    # The worker's record batch is writing the first delivery (it holds the row lock).
    recording = engine.connect()
    transaction = recording.begin()
    recording.execute(text("SELECT id FROM deliveries WHERE id = :i FOR UPDATE"), {"i": ids[0]})
    later = now + timedelta(minutes=5)
    renewed = threading.Event()

    def renew() -> None:
        with session_scope(engine) as session:
            delivery_store.renew_leases(session, owner="w1", until=later)
        renewed.set()

    renewing = threading.Thread(target=renew)
    renewing.start()
    try:
        assert renewed.wait(5), "the renewal waited for the row the record batch holds"
    finally:
        transaction.rollback()
        recording.close()
        renewing.join(timeout=10)
    with session_scope(engine) as session:
        leases = {d.id: d.lease_until for d in session.exec(select(Delivery))}
    assert leases[ids[1]] == later  # the free one renewed
    assert leases[ids[0]] is not None and leases[ids[0]] < later  # the held one at the next


def test_a_deadlock_is_told_apart_from_an_outage(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL reports deadlocks; SQLite serialises writers")
    with session_scope(engine) as session:
        for n in (1, 2):
            feed_store.add(session, url=f"https://outlet{n}.example/rss", title=None, now=utcnow())
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def lock_both(first: int, second: int) -> None:  # in opposite orders: a deadlock
        try:
            with session_scope(engine) as session:
                session.execute(text("UPDATE feeds SET title = 'x' WHERE id = :i"), {"i": first})
                barrier.wait()
                session.execute(text("UPDATE feeds SET title = 'y' WHERE id = :i"), {"i": second})
        except OperationalError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=lock_both, args=a) for a in ((1, 2), (2, 1))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(errors) == 1 and is_transient(errors[0])  # PostgreSQL picked one victim
    away = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    try:
        with pytest.raises(OperationalError) as outage:
            away.connect()
    finally:
        away.dispose()
    assert not is_transient(outage.value)  # a database that is away is not retried at once


def test_late_duplicate_results_do_not_rewrite_a_delivery(
    engine: Engine, settings: Settings
) -> None:
    # Two workers sent the same delivery (the first one's lease ran out mid-send). Whatever
    # the late one reports, a delivered row stays delivered, and a failure reported on a
    # delivery another worker now holds does not decide its fate.
    with WebhookReceiver("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") as rx:
        subscribe(engine, settings, rx, "/desk")
        event(engine, "alert.firing", alert_id=1, at=utcnow())
    with session_scope(engine) as session:
        row = session.exec(select(Delivery)).one()
        item = Outgoing(row.id or 0, row.subscription_id, "http://x.invalid/", "msg", b"{}", ())
    failed = SendResult(500, 0.1, "", "HTTP 500", None, "retry")
    ok = SendResult(200, 0.1, "", None, None, "ok")
    rng = random.Random(1)
    now = utcnow()

    with session_scope(engine) as session:  # another worker holds it now
        held = session.get(Delivery, item.delivery_id)
        assert held is not None
        held.lease_owner, held.lease_until = "other", now + timedelta(minutes=1)
    assert record(engine, [(item, failed)], now, rng, "late", settings) == ["pending"]
    with session_scope(engine) as session:
        held = session.get(Delivery, item.delivery_id)
        assert held is not None and held.lease_owner == "other" and held.next_attempt_at <= now

    assert record(engine, [(item, ok)], now, rng, "other", settings) == ["delivered"]
    later = now + timedelta(seconds=5)
    assert record(engine, [(item, failed)], later, rng, "late", settings) == ["delivered"]
    assert record(engine, [(item, ok)], later, rng, "late", settings) == ["delivered"]
    with session_scope(engine) as session:
        done = session.get(Delivery, item.delivery_id)
        assert done is not None
        assert done.status == "delivered" and done.delivered_at == now and done.last_error is None
        assert len(session.exec(select(DeliveryAttempt)).all()) == 4  # every answer on record
