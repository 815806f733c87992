"""Retention: old articles are pruned so the database (and every query over it) stays bounded.

An article goes when it was both published and first seen more than `retention_days` ago:
publication time is what the index, its series and the articles API read, so that is what
"older than a year" means to a reader; first sighting keeps a story that a feed still carries
with an old date from being deleted and ingested again every day (its GUID, our dedup key,
lives in article_sources and goes with it).

Kept whatever their age: articles an alert names as evidence (the alert history must stay
explainable) and articles an operator labelled (training data). Deletion runs in batches,
each its own short transaction, so a million-row prune neither holds one giant transaction
nor the ids in memory, and the poller's writes interleave with it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.db import session_scope
from service.models import Watch
from service.ops.alerts import WINDOW_HALF_LIVES
from service.ops.errors import InputError
from service.ops.series import TREND_DAYS
from service.store import retention as store
from service.store import watches as watch_store


@dataclass
class PruneReport:
    cutoff: datetime | None  # None: retention is off (0 days), nothing was looked at
    dry_run: bool
    deleted: int = 0  # or, in a dry run, would be deleted
    kept_evidence: int = 0
    kept_labelled: int = 0
    batches: int = 0
    duration_s: float = 0.0

    def summary(self) -> str:
        if self.cutoff is None:
            return "retention is 0 days (keep forever): nothing pruned"
        verb = "would delete" if self.dry_run else "deleted"
        return (
            f"{verb} {self.deleted} articles published before {self.cutoff:%Y-%m-%d %H:%M} UTC "
            f"(kept {self.kept_evidence} alert evidence, {self.kept_labelled} labelled) "
            f"in {self.batches} batches, {self.duration_s:.1f} s"
        )


def days_needed(watches: Sequence[Watch]) -> float:
    """How far back the index reaches: its window (10 half-lives) before the 7-day trend's
    start. Pruning beyond that changes no index, series point of the last week, or alert."""
    half_life_h = max((w.half_life_h for w in watches), default=24.0)
    return TREND_DAYS + half_life_h * WINDOW_HALF_LIVES / 24.0


def check_retention(session: Session, retention_days: int) -> None:
    """Refuses a retention shorter than the longest window any watch's index needs."""
    if retention_days == 0:
        return
    needed = days_needed(watch_store.list_watches(session))
    if retention_days < needed:
        raise InputError(
            f"retention of {retention_days} days is shorter than the {needed:.0f} days the "
            "watches' index reads (7-day trend + 10 half-lives); raise "
            "CEASEWATCH_RETENTION_DAYS or lower the watches' half_life_h"
        )


def prune(
    engine: Engine,
    *,
    retention_days: int,
    now: datetime,
    batch_size: int = 1000,
    dry_run: bool = False,
) -> PruneReport:
    started = time.monotonic()
    if retention_days == 0:
        return PruneReport(cutoff=None, dry_run=dry_run)
    cutoff = now - timedelta(days=retention_days)
    report = PruneReport(cutoff=cutoff, dry_run=dry_run)
    with session_scope(engine) as session:
        check_retention(session, retention_days)
        # Evidence is read once: alerts written during the prune name recent articles only,
        # and the check above keeps every article the index can reach.
        evidence = store.evidence_article_ids(session)
        report.kept_labelled = store.count_labelled_before(session, cutoff=cutoff)
    after: tuple[datetime, int] | None = None
    while True:
        with session_scope(engine) as session:
            batch = store.old_articles(
                session, cutoff=cutoff, after=after, limit=batch_size, lock=not dry_run
            )
            if not batch:
                break
            after = (batch[-1][1], batch[-1][0])
            doomed = [article_id for article_id, _ in batch if article_id not in evidence]
            report.kept_evidence += len(batch) - len(doomed)
            report.deleted += len(doomed) if dry_run else store.delete_articles(session, doomed)
            report.batches += 1
            if dry_run:
                session.rollback()
    report.duration_s = time.monotonic() - started
    return report
