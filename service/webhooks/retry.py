"""When to try a delivery again, and what a receiver's status code means.

The schedule follows Svix / Standard Webhooks practice: quick first retry (a receiver that
blipped), then spreading out over about a day and a half so a receiver down for a deploy or an
outage still gets the alert, after which the delivery is a dead letter the owner can replay.
"""

from __future__ import annotations

import random
from typing import Final

# Seconds to wait after attempt 1, 2, ...; after the last one the delivery is exhausted.
SCHEDULE_S: Final = (5, 300, 1800, 7200, 18000, 36000, 36000)
JITTER: Final = 0.2
# A receiver may ask for a pause, but not for us to hold an alert longer than a day per try.
MAX_RETRY_AFTER_S: Final = 24 * 3600.0

OK, RETRY, GONE, REJECT = "ok", "retry", "gone", "reject"
# 408 and 425 mean "try again", 429 is rate limiting; everything 5xx may be transient.
_RETRYABLE_4XX: Final = frozenset({408, 425, 429})


def next_delay_s(attempt: int, *, retry_after_s: float | None, rng: random.Random) -> float | None:
    """Seconds until the next attempt after ``attempt`` attempts, or None when exhausted.

    Jitter (±20 %) spreads the retries of many deliveries that failed together (one receiver
    down behind many subscriptions) so they do not come back as one burst. ``Retry-After`` is
    a floor: we never retry sooner than the receiver asked, but keep our own longer backoff.
    """
    if attempt < 1:
        raise ValueError(f"attempt counts attempts already made, so it is >= 1, not {attempt}")
    if attempt > len(SCHEDULE_S):
        return None
    base = SCHEDULE_S[attempt - 1]
    delay = base * rng.uniform(1 - JITTER, 1 + JITTER)
    if retry_after_s is not None and retry_after_s > 0:
        delay = max(delay, min(retry_after_s, MAX_RETRY_AFTER_S))
    return delay


def classify(status: int | None) -> str:
    """``ok`` (2xx), ``retry`` (no answer, 408, 425, 429, 5xx), ``gone`` (410), else ``reject``.

    3xx is a rejection: redirects are not followed, since the new target was never checked
    against the address rules and a subscription URL should be fixed by its owner instead.
    """
    if status is None:
        return RETRY
    if 200 <= status < 300:
        return OK
    if status == 410:
        return GONE
    if status in _RETRYABLE_4XX or 500 <= status < 600:
        return RETRY
    return REJECT
