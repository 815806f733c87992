"""The worker role's scheduler: APScheduler jobs with explicit coalescing and misfire rules.

Every run and every miss lands in the job_health table, so the API can say whether the worker
is doing its work, not only whether the process is alive; runs while the database is away are
written once it is back. A job that fails is run again at its next time, whatever the error.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from service import telemetry
from service.clock import utcnow
from service.config import Settings
from service.db import session_scope
from service.ops.alerts import evaluate_watches
from service.ops.deliver import deliver_due
from service.ops.job_health import record_miss, record_run
from service.ops.models import ActiveModel
from service.ops.poll import poll_once
from service.ops.retention import prune
from service.store.watches import list_watches

log = logging.getLogger(__name__)

POLL_JOB = "poll"
MODEL_JOB = "model_refresh"
EVALUATE_JOB = "evaluate_alerts"
DELIVER_JOB = "deliver_webhooks"
PRUNE_JOB = "prune_articles"
MODEL_REFRESH_S = 60


def run_recorded(engine: Engine, name: str, work: Callable[[], object]) -> None:
    started = time.monotonic()
    error: str | None = None
    try:
        work()
    except Exception as exc:  # a job error must not kill the scheduler; it is recorded
        log.exception("job %s failed", name)
        error = f"{type(exc).__name__}: {exc}"
    telemetry.record_job(name, seconds=time.monotonic() - started, ok=error is None)
    _record(engine, name, _Run(error is None, time.monotonic() - started, error, utcnow()))


@dataclass(frozen=True)
class _Run:
    ok: bool
    duration_s: float
    error: str | None
    at: datetime


# Runs that could not be recorded because the database was away (the usual reason a job
# fails): they are written with the next run that can be, so job_health shows the outage.
_unrecorded: dict[str, list[_Run]] = {}
_unrecorded_lock = threading.Lock()
MAX_UNRECORDED = 500  # per job; older ones are dropped (about 8 minutes of a 1 s job)


def _record(engine: Engine, name: str, run: _Run) -> None:
    with _unrecorded_lock:
        runs = [*_unrecorded.pop(name, []), run][-MAX_UNRECORDED:]
    try:
        with session_scope(engine) as session:
            for r in runs:
                record_run(
                    session, name, ok=r.ok, duration_s=r.duration_s, error=r.error, now=r.at
                )
    except Exception:  # the scheduler must go on; the next run tries again
        log.warning("job %s: %d runs not recorded yet (database unavailable?)", name, len(runs))
        with _unrecorded_lock:
            _unrecorded[name] = [*runs, *_unrecorded.get(name, [])][-MAX_UNRECORDED:]


def build_scheduler(engine: Engine, settings: Settings, model: ActiveModel) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=UTC, executors={"default": ThreadPoolExecutor(max_workers=4)}
    )
    rng = random.Random()

    def poll() -> None:
        report = poll_once(engine, settings=settings, scorer=model.scorer, rng=rng)
        if report.outcomes:
            log.info(
                "polled %d feeds in %.1fs: %d new articles, %d failed%s",
                len(report.outcomes),
                report.duration_s,
                report.new_articles,
                report.count("error"),
                ", offline: nobody penalised" if report.offline else "",
            )

    def refresh_model() -> None:
        model.refresh(now=utcnow())
        if model.last_error:
            raise RuntimeError(model.last_error)

    def evaluate() -> None:
        # Resolution and reminders must happen even when no new article arrives.
        with session_scope(engine) as session:
            watch_ids = [w.id for w in list_watches(session, enabled_only=True) if w.id]
            evaluate_watches(session, watch_ids, now=utcnow())

    first_run = utcnow() + timedelta(seconds=1)

    def every(seconds: float, name: str, work: Callable[[], object], *, now: bool) -> None:
        # coalesce: a backlog of missed runs becomes one run; max_instances=1: a slow run is
        # never overlapped by the next; misfire grace: a run late by less than one interval
        # still runs. Both kinds of miss are recorded by on_missed below.
        scheduler.add_job(
            run_recorded,
            "interval",
            seconds=seconds,
            args=(engine, name, work),
            id=name,
            name=name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(seconds)),
            **({"next_run_time": first_run} if now else {}),
        )

    every(settings.poll_every_s, POLL_JOB, poll, now=True)
    every(MODEL_REFRESH_S, MODEL_JOB, refresh_model, now=False)
    every(settings.evaluate_every_s, EVALUATE_JOB, evaluate, now=False)
    every(
        settings.deliver_every_s,
        DELIVER_JOB,
        lambda: deliver_due(engine, settings=settings, rng=rng),
        now=True,
    )

    def prune_old() -> None:
        report = prune(
            engine,
            retention_days=settings.retention_days,
            now=utcnow(),
            batch_size=settings.prune_batch_size,
        )
        if report.deleted:
            log.info("%s", report.summary())

    # Daily, and once at start so a worker restarted more often than daily still prunes;
    # retention 0 keeps everything, so there is no job to record.
    if settings.retention_days:
        every(settings.prune_every_s, PRUNE_JOB, prune_old, now=True)

    def on_missed(event: JobEvent) -> None:
        reason = (
            "skipped: previous run still going"
            if event.code == EVENT_JOB_MAX_INSTANCES
            else ("missed its run time (misfire grace exceeded)")
        )
        try:
            with session_scope(engine) as session:
                record_miss(session, event.job_id, reason=reason, now=utcnow())
        except Exception:  # a miss while the database is away goes unrecorded, not unlogged
            log.warning("job %s: %s (not recorded: database unavailable?)", event.job_id, reason)

    scheduler.add_listener(on_missed, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    return scheduler
