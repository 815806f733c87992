"""Scheduler job health is recorded in the database, not only logged."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from service.db import session_scope
from service.jobs import run_recorded
from service.models import JobHealth


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
