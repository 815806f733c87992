"""Alert evaluation: index -> level (with hysteresis and corroboration) -> alert lifecycle.

One alert row is one episode on one watch: pending, then firing, then resolved (or cancelled
if it never fired). Escalation from warning to critical updates the same alert, which is also
how inhibition works: while an episode is critical, no warning-level notification is sent for
that watch. Every notification is an outbox row written in the same transaction as the state
change that caused it.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from service.models import Alert, OutboxEvent, Watch
from service.ops import stability
from service.ops.evidence import contributions_for, evidence_items, rationale
from service.ops.outbox import publish
from service.store import watches as watch_store

LEVELS = {"warning": 1, "critical": 2}
EVIDENCE_LIMIT = 5
# Articles older than this many half-lives weigh under 0.1% and are not read.
WINDOW_HALF_LIVES = 10
# On SQLite, serialises evaluation inside the process (the poller's writer and the scheduled
# job); on PostgreSQL the watch row lock does it, across processes too.
_EVALUATION = threading.Lock()


@dataclass(frozen=True)
class Evaluation:
    watch_slug: str
    index: float
    level: str | None  # what the index says now: None, warning or critical
    corroborating_outlets: int
    alert_id: int | None
    alert_state: str | None
    events: tuple[str, ...]


def fingerprint(watch: Watch) -> str:
    """Stable per watch, like Alertmanager's label hash: receivers group episodes by it."""
    return hashlib.sha256(f"ceasewatch/watch/{watch.slug}".encode()).hexdigest()[:16]


def target_level(
    index: float, current: str | None, watch: Watch, *, corroborated: bool
) -> str | None:
    critical_at = watch.critical_exit if current == "critical" else watch.critical_enter
    warning_at = watch.warning_exit if current is not None else watch.warning_enter
    if index >= critical_at and (corroborated or current == "critical"):
        return "critical"
    if index >= warning_at:
        return "warning"
    return None


def evaluate_watches(
    session: Session, watch_ids: Iterable[int], *, now: datetime
) -> list[Evaluation]:
    # PostgreSQL's watch row lock serialises evaluators, in every process; taking this lock as
    # well would deadlock the poller (its new attributions already share-lock the watch row)
    # against the scheduled job (holding this lock, waiting for that row). SQLite needs it.
    sqlite = session.get_bind().dialect.name == "sqlite"
    with _EVALUATION if sqlite else nullcontext():
        results = []
        for watch_id in sorted(set(watch_ids)):
            watch = watch_store.lock_watch(session, watch_id)
            if watch is not None and watch.enabled:
                results.append(evaluate(session, watch, now=now))
        return results


def evaluate(session: Session, watch: Watch, *, now: datetime) -> Evaluation:
    assert watch.id is not None
    since = now - timedelta(hours=watch.half_life_h * WINDOW_HALF_LIVES)
    contributions, articles = contributions_for(session, watch.id, since=since, until=now)
    index = stability.index_at(contributions, now=now, half_life_h=watch.half_life_h)
    top = stability.top_evidence(
        contributions, now=now, half_life_h=watch.half_life_h, limit=EVIDENCE_LIMIT
    )
    evidence = evidence_items(session, top, articles)
    outlets = {o for item in evidence if item["strength"] >= 0.5 for o in item["outlets"]}
    alert = watch_store.open_alert(session, watch.id)
    level = target_level(
        index,
        alert.level if alert else None,
        watch,
        corroborated=len(outlets) >= watch.min_sources_critical,
    )
    emitted: list[str] = []
    if alert is None and level is not None:
        alert = Alert(
            watch_id=watch.id,
            fingerprint=fingerprint(watch),
            state="pending",
            level=level,
            pending_since=now,
            updated_at=now,
        )
        session.add(alert)
    if alert is not None:
        _advance(alert, watch, level=level, index=index, now=now)
        if index >= alert.peak_index or not alert.evidence:
            alert.peak_index = max(alert.peak_index, index)
            alert.evidence = evidence
            alert.rationale = rationale(evidence, index=index)
        alert.last_index = index
        alert.updated_at = now
        session.flush()
        emitted = _notify(session, alert, watch, now=now)
    return Evaluation(
        watch.slug,
        index,
        level,
        len(outlets),
        alert.id if alert else None,
        alert.state if alert else None,
        tuple(emitted),
    )


def close_open_alert(session: Session, watch: Watch, *, now: datetime) -> None:
    """Ends the watch's open episode because the watch stops (disabled or deleted): a pending
    one is cancelled, a firing one resolved, and the resolution told to those who heard it,
    silences notwithstanding."""
    alert = watch_store.open_alert(session, watch.id or 0)
    if alert is None:
        return
    if alert.state == "pending":
        alert.state = "cancelled"
    else:
        alert.state = "resolved"
    alert.resolved_at = alert.updated_at = now
    session.flush()
    _notify(session, alert, watch, now=now)


def _advance(alert: Alert, watch: Watch, *, level: str | None, index: float, now: datetime) -> None:
    if level is None:
        if alert.state == "pending":
            alert.state, alert.resolved_at = "cancelled", now
            return
        alert.below_exit_since = alert.below_exit_since or now
        if (now - alert.below_exit_since).total_seconds() >= watch.keep_firing_s:
            alert.state, alert.resolved_at = "resolved", now
        return
    alert.below_exit_since = None
    if LEVELS[level] > LEVELS[alert.level]:
        alert.level = level  # escalation keeps the episode; a fall keeps the peak level
    if alert.state == "pending" and (now - alert.pending_since).total_seconds() >= watch.pending_s:
        alert.state, alert.started_at = "firing", now


def _notify(session: Session, alert: Alert, watch: Watch, *, now: datetime) -> list[str]:
    if alert.state not in ("firing", "resolved"):
        return []
    # A silence quiets firing, escalation and reminders; a resolution is always told to those
    # who heard the firing, so no receiver is left with an alert open forever.
    silenced = alert.state == "firing" and bool(
        watch_store.active_silences(session, watch_id=watch.id or 0, level=alert.level, now=now)
    )
    if silenced:
        return []
    kind: str | None = None
    if alert.state == "resolved":
        kind = "alert.resolved" if alert.notified_level is not None else None
    elif alert.notified_level is None:
        kind = "alert.firing"
    elif LEVELS[alert.level] > LEVELS[alert.notified_level]:
        kind = "alert.escalated"
    elif (
        alert.last_notified_at
        and (now - alert.last_notified_at).total_seconds() >= watch.reminder_s
    ):
        kind = "alert.reminder"
    if kind is None:
        return []
    alert.notified_level, alert.last_notified_at = alert.level, now
    publish(
        session,
        OutboxEvent(
            event_id=f"msg_{uuid.uuid4().hex}",
            type=kind,
            watch_id=watch.id,
            alert_id=alert.id,
            level=alert.level,
            payload={
                "type": kind,
                "timestamp": now.isoformat(),
                "data": alert_payload(alert, watch),
            },
            created_at=now,
        ),
        now=now,
    )
    return [kind]


def alert_payload(alert: Alert, watch: Watch) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "alert": {
            "id": alert.id,
            "fingerprint": alert.fingerprint,
            "status": alert.state,
            "level": alert.level,
            "started_at": iso(alert.started_at),
            "resolved_at": iso(alert.resolved_at),
            "peak_index": alert.peak_index,
            "index": alert.last_index,
            "rationale": alert.rationale,
            "evidence": alert.evidence,
        },
        "watch": {"slug": watch.slug, "name": watch.name},
    }
