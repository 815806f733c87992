"""One answer to "is everything fine?": watches, feeds, deliveries, model, jobs."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlmodel import Session

from service import __version__
from service.ops import models as model_ops
from service.ops.feeds import feed_health
from service.ops.index_cache import current_indices
from service.store import deliveries as delivery_store
from service.store import feeds as feed_store
from service.store import state
from service.store import watches as watch_store


def status(
    session: Session,
    *,
    now: datetime,
    started_at: datetime,
    stale_after_s: float,
    with_watches: bool = True,
) -> dict[str, Any]:
    """`with_watches=False` leaves `watches` empty for callers (the dashboard) that compute
    each watch's index from a series they need anyway, instead of computing it twice."""
    watches = []
    enabled = watch_store.enabled_watches_summary(session) if with_watches else []
    indices = current_indices(session, enabled, now=now) if enabled else {}
    open_alerts = watch_store.open_alerts(session) if enabled else {}
    for w in enabled:
        index, trend = indices[w.id or 0]
        open_alert = open_alerts.get(w.id or 0)
        firing = open_alert is not None and open_alert.state == "firing"
        watches.append(
            {
                "slug": w.slug,
                "name": w.name,
                "level": open_alert.level if firing and open_alert else "calm",
                "index": index,
                "trend": trend,
                "open_alert": None
                if open_alert is None
                else {
                    "id": open_alert.id,
                    "state": open_alert.state,
                    "level": open_alert.level,
                    "rationale": open_alert.rationale,
                    "started_at": open_alert.started_at,
                },
            }
        )
    health = Counter(
        feed_health(f, now=now, stale_after_s=stale_after_s) for f in feed_store.list_all(session)
    )
    backlog = delivery_store.backlog(session)
    active = model_ops.active_version(session)
    jobs = [
        {
            "name": j.name,
            "runs": j.runs,
            "failures": j.failures,
            "misses": j.misses,
            "last_success_at": j.last_success_at,
            "last_error": j.last_error if j.consecutive_failures else None,
        }
        for j in state.list_job_health(session)
    ]
    ok = not health.get("failing") and not any(j["last_error"] for j in jobs)
    return {
        "status": "ok" if ok else "degraded",
        "version": __version__,
        "uptime_s": round((now - started_at).total_seconds(), 1),
        "watches": watches,
        "feeds": {"total": sum(health.values()), **dict(health)},
        "deliveries": {
            "backlog": backlog.get("pending", 0),
            "dead_letters": backlog.get("failed", 0),
            "rejected": backlog.get("rejected", 0),
        },
        "model": None
        if active is None
        else {
            "version": active.version,
            "age_days": round((now - active.created_at).total_seconds() / 86400, 1),
            "metrics": model_ops.headline_metrics(active),
        },
        "jobs": jobs,
    }
