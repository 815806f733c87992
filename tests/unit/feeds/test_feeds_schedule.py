"""Next-check policy: rate-based interval, server hints, clamps and failure backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from feeds.schedule import (
    MAX_RETRY_AFTER_S,
    Hints,
    failure_delay_bounds_s,
    next_check_after_failure,
    next_check_after_success,
)

NOW = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)
MIN_S, MAX_S, DEFAULT_S = 300.0, 6 * 3600.0, 1800.0


def success_delay(
    *, hints: Hints = Hints(), entry_times: list[datetime] | None = None, seed: int = 0
) -> float:
    when = next_check_after_success(
        now=NOW,
        hints=hints,
        entry_times=entry_times or [],
        min_interval_s=MIN_S,
        max_interval_s=MAX_S,
        default_interval_s=DEFAULT_S,
        rng=random.Random(seed),
    )
    assert when.tzinfo is not None
    return (when - NOW).total_seconds()


def every(minutes: float, count: int = 12) -> list[datetime]:
    return [NOW - timedelta(minutes=minutes * i) for i in range(count)]


@pytest.mark.parametrize("seed", range(20))
def test_default_interval_with_jitter(seed: int) -> None:
    assert DEFAULT_S * 0.9 <= success_delay(seed=seed) <= DEFAULT_S * 1.1


def test_jitter_spreads_feeds_apart() -> None:
    assert len({round(success_delay(seed=s)) for s in range(20)}) > 10


def test_busy_feeds_are_checked_more_often_than_sleepy_ones() -> None:
    busy = success_delay(entry_times=every(10))
    sleepy = success_delay(entry_times=every(120))
    assert 540 <= busy <= 660
    assert 120 * 60 * 0.9 <= sleepy <= 120 * 60 * 1.1
    assert busy < sleepy


def test_entry_rate_is_clamped_to_min_and_max() -> None:
    assert success_delay(entry_times=every(0.5)) == MIN_S
    assert success_delay(entry_times=every(60 * 24 * 3)) == MAX_S
    # Entries dated in the future (bad publisher clocks) are ignored, not read as a burst.
    future = [NOW + timedelta(seconds=i) for i in range(10)]
    assert DEFAULT_S * 0.9 <= success_delay(entry_times=future) <= DEFAULT_S * 1.1


@pytest.mark.parametrize(
    "hints",
    [
        Hints(ttl_minutes=90),
        Hints(cache_control="public, max-age=5400"),
        Hints(expires=format_datetime(NOW + timedelta(minutes=90), usegmt=True)),
        Hints(retry_after_s=5400),
    ],
)
@pytest.mark.parametrize("seed", range(5))
def test_server_hints_are_lower_bounds(hints: Hints, seed: int) -> None:
    delay = success_delay(hints=hints, entry_times=every(10), seed=seed)
    assert 5400 <= delay <= 5400 * 1.1


def test_hints_never_shorten_the_interval_and_junk_is_ignored() -> None:
    base = success_delay(entry_times=every(120))
    for hints in (
        Hints(ttl_minutes=1),
        Hints(cache_control="no-cache, max-age=99999"),
        Hints(cache_control="max-age=abc"),
        Hints(expires="0"),
        Hints(expires=format_datetime(NOW - timedelta(hours=1), usegmt=True)),
    ):
        assert success_delay(hints=hints, entry_times=every(120)) == base


def test_caching_hints_stay_under_the_operator_ceiling() -> None:
    assert success_delay(hints=Hints(cache_control="max-age=31536000")) == MAX_S
    assert success_delay(hints=Hints(ttl_minutes=60 * 24 * 7)) == MAX_S
    # Retry-After is honoured beyond the ceiling, up to a day.
    assert success_delay(hints=Hints(retry_after_s=12 * 3600)) == 12 * 3600
    assert success_delay(hints=Hints(retry_after_s=10**9)) == MAX_RETRY_AFTER_S


def failure_delay(n: int, *, retry_after_s: float | None = None, seed: int = 0) -> float:
    when = next_check_after_failure(
        now=NOW,
        consecutive_failures=n,
        retry_after_s=retry_after_s,
        base_s=60,
        cap_s=3600,
        rng=random.Random(seed),
    )
    return (when - NOW).total_seconds()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_backoff_doubles_within_bounds(n: int) -> None:
    ceiling = min(60 * 2 ** (n - 1), 3600)
    delays = [failure_delay(n, seed=s) for s in range(50)]
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len(set(delays)) > 40  # jittered


def test_backoff_stays_at_the_cap_forever() -> None:
    for n in (7, 10, 100, 10_000, 10**9):
        assert failure_delay_bounds_s(n, base_s=60, cap_s=3600) == 3600
        assert 1800 <= failure_delay(n) <= 3600
    assert failure_delay_bounds_s(0, base_s=60, cap_s=3600) == 60


def test_retry_after_is_a_lower_bound_on_failure() -> None:
    assert failure_delay(1, retry_after_s=900) == 900
    assert 1800 <= failure_delay(10, retry_after_s=5) <= 3600
    assert failure_delay(1, retry_after_s=10**9) == MAX_RETRY_AFTER_S


def test_same_seed_same_answer() -> None:
    assert failure_delay(3, seed=42) == failure_delay(3, seed=42)
    assert success_delay(seed=7) == success_delay(seed=7)
