"""The retry schedule, its jitter and Retry-After floor, and what each status means."""

from __future__ import annotations

import random

import pytest

from service.webhooks.retry import MAX_RETRY_AFTER_S, SCHEDULE_S, classify, next_delay_s


@pytest.mark.parametrize("attempt", range(1, len(SCHEDULE_S) + 1))
def test_delays_follow_schedule_within_jitter(attempt: int) -> None:
    rng = random.Random(attempt)
    base = SCHEDULE_S[attempt - 1]
    delays = [next_delay_s(attempt, retry_after_s=None, rng=rng) for _ in range(200)]
    assert all(d is not None and 0.8 * base <= d <= 1.2 * base for d in delays)
    assert len({round(d or 0, 6) for d in delays}) > 100  # jitter actually spreads them


def test_schedule_is_the_documented_one() -> None:
    assert SCHEDULE_S == (5, 300, 1800, 7200, 18000, 36000, 36000)


def test_exhausted_after_seven_retries() -> None:
    rng = random.Random(0)
    assert next_delay_s(7, retry_after_s=None, rng=rng) is not None
    assert next_delay_s(8, retry_after_s=None, rng=rng) is None
    assert next_delay_s(50, retry_after_s=3600, rng=rng) is None


def test_same_seed_same_delays() -> None:
    a = [next_delay_s(n, retry_after_s=None, rng=random.Random(9)) for n in range(1, 8)]
    b = [next_delay_s(n, retry_after_s=None, rng=random.Random(9)) for n in range(1, 8)]
    assert a == b


def test_retry_after_is_a_floor_not_a_ceiling() -> None:
    rng = random.Random(1)
    assert next_delay_s(1, retry_after_s=120, rng=rng) == 120  # longer than ~5 s: honoured
    later = next_delay_s(3, retry_after_s=10, rng=rng)  # shorter than ~30 min: our backoff wins
    assert later is not None and later >= 0.8 * 1800


def test_retry_after_is_capped_at_a_day() -> None:
    delay = next_delay_s(1, retry_after_s=10 * 86400, rng=random.Random(2))
    assert delay == MAX_RETRY_AFTER_S == 86400


def test_attempt_zero_is_a_caller_error() -> None:
    with pytest.raises(ValueError):
        next_delay_s(0, retry_after_s=None, rng=random.Random(0))


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "ok"),
        (201, "ok"),
        (202, "ok"),
        (204, "ok"),
        (299, "ok"),
        (None, "retry"),
        (408, "retry"),
        (425, "retry"),
        (429, "retry"),
        (500, "retry"),
        (502, "retry"),
        (503, "retry"),
        (504, "retry"),
        (599, "retry"),
        (410, "gone"),
        (400, "reject"),
        (401, "reject"),
        (403, "reject"),
        (404, "reject"),
        (413, "reject"),
        (422, "reject"),
        (301, "reject"),
        (302, "reject"),
        (307, "reject"),
        (308, "reject"),
        (304, "reject"),
        (100, "reject"),
    ],
)
def test_classify(status: int | None, outcome: str) -> None:
    assert classify(status) == outcome
