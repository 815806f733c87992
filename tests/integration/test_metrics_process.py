"""Each process's own figures on /metrics (service/telemetry.py) beside the database gauges:
a real poll over loopback feeds with one failing, real scoring, real webhook deliveries, then
the scrape parsed with prometheus_client's own parser; on SQLite and PostgreSQL.

The process's counters are shared by every test in this process, so the tests compare a
scrape before with a scrape after."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from service.api.app import create_app
from service.clock import utcnow
from service.config import Settings
from service.db import session_scope
from service.jobs import run_recorded
from service.models import Article
from service.ops import subscriptions as sub_ops
from service.ops.deliver import deliver_due
from service.ops.models import ActiveModel
from service.ops.poll import poll_once
from service.store import feeds as feed_store
from tests.integration.test_alert_lifecycle import CLASHES, OPEN_WAR
from tests.support.api import ADMIN
from tests.support.feed_server import FeedServer, outlet_rss
from tests.support.webhook_receiver import WebhookReceiver

AUTH = {"Authorization": f"Bearer {ADMIN}"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient) -> Samples:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def rss(outlet: str, stories: list[tuple[str, str]]) -> bytes:
    return outlet_rss(outlet, stories, published=utcnow() - timedelta(minutes=30))


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.static("/dawn.xml", rss("dawn.example", CLASHES + OPEN_WAR))
        server.static("/tolo.xml", rss("tolonews.example", OPEN_WAR))
        server.status("/broken.xml", 503, body=b"down for maintenance")
        yield server


def test_a_poll_is_counted_by_the_process_that_ran_it(
    client: TestClient, engine: Engine, settings: Settings, feeds: FeedServer
) -> None:
    assert (
        client.post("/api/v1/watches/presets/pakistan-afghanistan", headers=AUTH).status_code == 200
    )
    with (
        WebhookReceiver("whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") as receiver,
        session_scope(engine) as session,
    ):
        for path in ("/ok", "/down"):
            sub = sub_ops.create(
                session,
                {"url": receiver.url(path)},
                owner_key_id=None,
                settings=settings,
                now=utcnow(),
            )
            receiver.use_secret(path, sub.secret)
        receiver.fail("/down", status=500)
        for path in ("/dawn.xml", "/tolo.xml", "/broken.xml"):
            feed_store.add(session, url=feeds.url(path), title=None, now=utcnow())
        session.commit()

        before = scrape(client)
        scorer = ActiveModel(engine).refresh(now=utcnow())
        report = poll_once(engine, settings=settings, scorer=scorer, rng=random.Random(1))
        deliver_due(engine, settings=settings, rng=random.Random(2))
        after = scrape(client)
        accepted, refused = len(receiver.accepted("/ok")), len(receiver.deliveries("/down"))

    with session_scope(engine) as session:
        stored = int(session.exec(select(func.count()).select_from(Article)).one())
    # Tolo's story is a syndicated copy of one of Dawn's: a second source, not a new story.
    # Whichever feed is stored first brings it, so one or both feeds count as "new".
    assert stored == report.new_articles == 3
    polls = {
        r: delta(before, after, "ceasewatch_feed_polls_total", result=r, role="api")
        for r in ("new", "unchanged", "not_modified", "error", "offline")
    }
    assert polls == {
        "new": report.count("new"),
        "unchanged": 2 - report.count("new"),
        "not_modified": 0,
        "error": 1,
        "offline": 0,
    }
    # Scoring: one observation per article scored, one batch per feed with new stories.
    assert delta(before, after, "ceasewatch_scoring_seconds_count", role="api") == stored
    assert (
        delta(before, after, "ceasewatch_scoring_batch_seconds_count", role="api") == polls["new"]
    )
    assert delta(before, after, "ceasewatch_scoring_seconds_sum", role="api") > 0
    assert delta(before, after, "ceasewatch_articles_ingested_total", role="api") == stored
    # The one failure by its kind, and no other kind.
    errors = {
        dict(labels)["kind"]: after[(name, labels)] - before.get((name, labels), 0.0)
        for (name, labels) in after
        if name == "ceasewatch_fetch_errors_total"
    }
    assert {k: n for k, n in errors.items() if n} == {"http_status": 1}
    # Deliveries by outcome, as the receivers saw them: the alert's event reached /ok and was
    # refused by /down, which is scheduled for a retry.
    assert accepted >= 1 and refused >= 1
    assert (
        delta(before, after, "ceasewatch_webhook_deliveries_total", outcome="delivered", role="api")
        == accepted
    )
    assert (
        delta(before, after, "ceasewatch_webhook_deliveries_total", outcome="pending", role="api")
        == refused
    )
    # The database gauges sit beside them, without a role: every process reports the same.
    assert value(after, "ceasewatch_articles") == stored
    assert value(after, "ceasewatch_feed_errors", kind="http_status") == 1
    assert value(after, "ceasewatch_feeds", health="failing") == 1
    assert value(after, "process_resident_memory_bytes", role="api") > 0


def test_job_durations_and_one_registry_per_process(engine: Engine, settings: Settings) -> None:
    """An api app and a worker app in one process: no duplicate registration, each labels the
    process's figures with its role, and the worker's scheduler runs show up as durations."""
    fast = settings.model_copy(update={"admin_key": ADMIN, "poll_every_s": 0.2})
    with (
        TestClient(create_app(fast, role="api")) as api,
        TestClient(create_app(fast, role="worker")) as worker,
    ):
        before = scrape(worker)

        def boom() -> None:
            time.sleep(0.02)
            raise RuntimeError("broken on purpose")

        run_recorded(engine, "metrics-test", boom)
        deadline = time.monotonic() + 10
        name = "ceasewatch_job_duration_seconds_count"
        while time.monotonic() < deadline:
            after = scrape(worker)
            if delta(before, after, name, job="poll", outcome="ok", role="worker") >= 2:
                break
            time.sleep(0.1)
        assert delta(before, after, name, job="poll", outcome="ok", role="worker") >= 2
        assert delta(before, after, name, job="metrics-test", outcome="error", role="worker") == 1
        assert (
            delta(
                before,
                after,
                "ceasewatch_job_duration_seconds_sum",
                job="metrics-test",
                outcome="error",
                role="worker",
            )
            >= 0.02
        )
        from_api = scrape(api)
        assert value(from_api, name, job="metrics-test", outcome="error", role="api") >= 1
        assert not any(dict(labels).get("role") == "worker" for _, labels in from_api)
