"""When to check a feed next. Pure functions: ``now`` and ``rng`` are parameters."""

from __future__ import annotations

import itertools
import random
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from feeds.normalise import as_utc

# A Retry-After above a day is almost always a misconfiguration; honouring it literally would
# silently park a feed, which the failure policy promises never to do.
MAX_RETRY_AFTER_S = 86_400.0
# Entry gaps beyond this many recent entries say little about the current rhythm.
_RECENT_ENTRIES = 20
_JITTER = 0.10
_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?", re.I | re.ASCII)
# Caching hints beyond a year mean "never"; the interval is capped far lower anyway, and
# bounding here keeps the arithmetic in range (a 400-digit <ttl> overflowed float()).
_MAX_HINT_S = 366 * 86_400.0


@dataclass(frozen=True)
class Hints:
    ttl_minutes: int | None = None
    cache_control: str | None = None
    expires: str | None = None
    retry_after_s: float | None = None


def _cache_floor_s(hints: Hints, now: datetime) -> float:
    """The longest wait the server asked for through caching headers (0 when none)."""
    floors = [0.0]
    if hints.ttl_minutes and hints.ttl_minutes > 0:
        floors.append(min(hints.ttl_minutes, _MAX_HINT_S / 60) * 60.0)
    if hints.cache_control:
        lowered = hints.cache_control.lower()
        # no-cache/no-store mean "revalidate", not "come back later"; they set no floor.
        if "no-cache" not in lowered and "no-store" not in lowered:
            match = _MAX_AGE.search(hints.cache_control)
            if match:
                digits = match.group(1).lstrip("0") or "0"
                # Compared by length first: a 400-digit max-age is a year too, not inf.
                too_long = len(digits) > len(str(int(_MAX_HINT_S)))
                floors.append(_MAX_HINT_S if too_long else min(float(digits), _MAX_HINT_S))
    if hints.expires:
        try:
            expires = as_utc(parsedate_to_datetime(hints.expires))
        except (TypeError, ValueError, IndexError, OverflowError):
            # "Expires: 0" and other junk mean "already expired"; year 9999 at -14:00 is
            # beyond datetime's range in UTC (OverflowError).
            expires = None
        if expires is not None:
            floors.append(min((expires - now).total_seconds(), _MAX_HINT_S))
    return max(floors)


def _median_gap_s(entry_times: Sequence[datetime], now: datetime) -> float | None:
    moments = sorted({as_utc(t) for t in entry_times if as_utc(t) <= now}, reverse=True)
    recent = moments[:_RECENT_ENTRIES]
    if len(recent) < 2:
        return None
    gaps = [(a - b).total_seconds() for a, b in itertools.pairwise(recent)]
    return float(statistics.median(gaps))


def _retry_after(value: float | None) -> float:
    return min(max(value or 0.0, 0.0), MAX_RETRY_AFTER_S)


def next_check_after_success(
    *,
    now: datetime,
    hints: Hints,
    entry_times: Sequence[datetime],
    min_interval_s: float,
    max_interval_s: float,
    default_interval_s: float,
    rng: random.Random,
) -> datetime:
    """Next check after a good fetch.

    The interval follows the feed's own rhythm (median gap between recent entries, so a feed
    posting every 10 minutes is checked about every 10 minutes), jittered by ±10% so feeds do
    not fall into lockstep. Caching hints (ttl, max-age, Expires) are lower bounds inside
    [min, max]: max_interval_s stays the operator's ceiling so that a year-long max-age on a
    misconfigured server cannot park a feed. Retry-After is honoured beyond the ceiling (up
    to a day), since it is an explicit request not to come back sooner.
    """
    now = as_utc(now)
    gap = _median_gap_s(entry_times, now)
    interval = (gap if gap is not None else default_interval_s) * rng.uniform(
        1 - _JITTER, 1 + _JITTER
    )
    floor = _cache_floor_s(hints, now)
    if interval < floor:
        # Jitter upwards only, so the server's floor is never undercut.
        interval = floor * rng.uniform(1.0, 1 + _JITTER)
    interval = min(max(interval, min_interval_s), max_interval_s)
    interval = max(interval, _retry_after(hints.retry_after_s))
    return now + timedelta(seconds=interval)


def failure_delay_bounds_s(consecutive_failures: int, *, base_s: float, cap_s: float) -> float:
    """The backoff ceiling for the n-th consecutive failure: base * 2^(n-1), capped."""
    n = max(1, consecutive_failures)
    # Compare exponents rather than computing 2**n for huge n (no overflow, no float inf).
    if n - 1 >= 63 or base_s * 2.0 ** (n - 1) >= cap_s:
        return cap_s
    return base_s * 2.0 ** (n - 1)


def next_check_after_failure(
    *,
    now: datetime,
    consecutive_failures: int,
    retry_after_s: float | None,
    base_s: float,
    cap_s: float,
    rng: random.Random,
) -> datetime:
    """Next check after a failed fetch: exponential backoff with "equal jitter" (a random
    point in the upper half of [0, ceiling]), so failing feeds spread out but are never retried
    almost at once. At the cap the feed keeps being retried every cap/2..cap forever: it is
    never parked, because outlets come back. Retry-After is a lower bound (up to a day)."""
    ceiling = failure_delay_bounds_s(consecutive_failures, base_s=base_s, cap_s=cap_s)
    delay = rng.uniform(ceiling / 2, ceiling)
    delay = max(delay, _retry_after(retry_after_s))
    return as_utc(now) + timedelta(seconds=delay)
