"""Index series and trends for watches, computed from stored articles (deterministic)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from service.models import Watch
from service.ops import stability
from service.ops.alerts import WINDOW_HALF_LIVES
from service.ops.errors import InputError
from service.ops.evidence import contributions_for

MAX_POINTS = 5000
TREND_DAYS = 7
CHUNK_DAYS = 30


@dataclass(frozen=True)
class Point:
    t: datetime
    index: float
    level: str  # calm | warning | critical


def level_of(index: float, watch: Watch) -> str:
    if index >= watch.critical_enter:
        return "critical"
    if index >= watch.warning_enter:
        return "warning"
    return "calm"


def index_series(
    session: Session, watch: Watch, *, since: datetime, until: datetime, step: timedelta
) -> list[Point]:
    if step <= timedelta(0):
        raise InputError("step must be positive, e.g. 3600 (seconds)")
    if until < since:
        raise InputError("since must be before until")
    if (until - since) / step > MAX_POINTS:
        raise InputError(f"more than {MAX_POINTS} points: choose a larger step or a later since")
    window = timedelta(hours=watch.half_life_h * WINDOW_HALF_LIVES)
    points = []
    t = since
    # A month of points at a time: a year's series holds one month (plus the window) of
    # articles in memory, not the year, and each point sums only its own window's slice.
    chunk = max(step, timedelta(days=CHUNK_DAYS))
    while t <= until:
        last = min(until, t + chunk)
        contributions, _ = contributions_for(session, watch.id or 0, since=t - window, until=last)
        contributions.sort(key=lambda c: c.published_at)
        prepared = stability.Prepared(contributions)
        lo = hi = 0
        while t <= last:
            while hi < len(contributions) and contributions[hi].published_at <= t:
                hi += 1
            while lo < hi and contributions[lo].published_at < t - window:
                lo += 1
            value = prepared.index(lo, hi, now=t, half_life_h=watch.half_life_h)
            points.append(Point(t, value, level_of(value, watch)))
            t += step
    return points


def current_and_trend(session: Session, watch: Watch, *, now: datetime) -> tuple[float, str]:
    week_ago = now - timedelta(days=TREND_DAYS)
    points = index_series(session, watch, since=week_ago, until=now, step=now - week_ago)
    current, before = points[-1].index, points[0].index
    return current, stability.trend(current, before)
