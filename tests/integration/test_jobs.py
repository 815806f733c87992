"""Scheduler job health is recorded in the database, not only logged."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from service.clock import utcnow
from service.config import Settings
from service.db import session_scope
from service.jobs import build_scheduler, run_recorded
from service.models import JobHealth
from service.ops.models import ActiveModel
from service.store import feeds as feed_store
from tests.integration.test_poll import STRIKE, rss
from tests.support.feed_server import FeedServer, Response, wait_for


def boom() -> None:
    raise RuntimeError("feed table on fire")


def test_runs_and_failures_are_recorded(engine: Engine) -> None:
    run_recorded(engine, "poll", lambda: None)
    run_recorded(engine, "poll", boom)
    with session_scope(engine) as session:
        row = session.get(JobHealth, "poll")
        assert row is not None
        assert (row.runs, row.failures, row.consecutive_failures) == (2, 1, 1)
        assert row.last_error == "RuntimeError: feed table on fire"
        assert row.last_success_at is not None and row.last_duration_s is not None
    run_recorded(engine, "poll", lambda: None)
    with session_scope(engine) as session:
        row = session.get(JobHealth, "poll")
        assert row is not None and row.consecutive_failures == 0


def test_overlapping_runs_are_recorded_as_misses(engine: Engine, settings: Settings) -> None:
    """A poll slower than its interval is not overlapped; the skipped run is on record."""
    with FeedServer() as server:
        server.route("/slow.xml", lambda _req: Response(200, rss(STRIKE), delay_s=1.5))
        with session_scope(engine) as session:
            feed_store.add(session, url=server.url("/slow.xml"), title=None, now=utcnow())
        fast = settings.model_copy(update={"poll_every_s": 0.3})
        scheduler = build_scheduler(engine, fast, ActiveModel(engine))
        scheduler.start()
        try:
            assert wait_for(lambda: _health(engine, "poll").misses >= 1, timeout_s=10)
            assert wait_for(lambda: _health(engine, "poll").runs >= 1, timeout_s=10)
        finally:
            scheduler.shutdown(wait=True)
    assert server.count("/slow.xml") == 1  # never polled twice at once
    row = _health(engine, "poll")
    assert row.last_missed_at is not None and "still going" in (row.last_error or "")


def _health(engine: Engine, name: str) -> JobHealth:
    with session_scope(engine) as session:
        return session.get(JobHealth, name) or JobHealth(name=name)
