"""Silences: time-boxed quiet by watch and level."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from feeds.normalise import as_utc
from service.models import Silence
from service.ops.errors import InputError
from service.ops.watches import get_watch

MAX_SILENCE = timedelta(days=90)


def create(
    session: Session,
    *,
    watch: str | None,
    level: str | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    duration_s: float | None,
    comment: str,
    author: str | None,
    now: datetime,
) -> Silence:
    if ends_at is not None and duration_s is not None:
        raise InputError("give ends_at or duration_s, not both")  # which one was meant?
    starts = as_utc(starts_at) if starts_at else now
    try:
        ends = as_utc(ends_at) if ends_at else starts + timedelta(seconds=duration_s or 0)
    except OverflowError:
        raise InputError("a silence must end before the year 10000") from None
    if ends <= starts:
        raise InputError("a silence needs ends_at after starts_at, or a positive duration_s")
    if ends - starts > MAX_SILENCE:
        raise InputError("a silence may last at most 90 days")
    watch_id = get_watch(session, watch).id if watch else None
    silence = Silence(
        watch_id=watch_id,
        level=level,
        starts_at=starts,
        ends_at=ends,
        comment=comment,
        created_by=author,
        created_at=now,
    )
    session.add(silence)
    session.flush()
    return silence
