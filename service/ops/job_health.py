"""Scheduler job health: runs, failures and misses are recorded, not only logged."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from service.store import state


def record_run(
    session: Session, name: str, *, ok: bool, duration_s: float, error: str | None, now: datetime
) -> None:
    row = state.job_health(session, name)
    row.runs += 1
    row.last_run_at = now
    row.last_duration_s = duration_s
    if ok:
        row.last_success_at = now
        row.consecutive_failures = 0
    else:
        row.failures += 1
        row.consecutive_failures += 1
        row.last_error = (error or "unknown error")[:1000]
    session.flush()


def record_miss(session: Session, name: str, *, reason: str, now: datetime) -> None:
    row = state.job_health(session, name)
    row.misses += 1
    row.last_missed_at = now
    row.last_error = reason[:1000]
    session.flush()
