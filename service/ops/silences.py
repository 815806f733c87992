"""Silences: time-boxed quiet by watch and level."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from feeds.normalise import as_utc
from service.models import Silence, Watch
from service.ops.errors import InputError
from service.ops.watches import get_watch
from service.schemas import SilenceIn, SilenceOut

MAX_SILENCE = timedelta(days=90)


def create(session: Session, body: SilenceIn, *, author: str | None, now: datetime) -> Silence:
    starts = as_utc(body.starts_at) if body.starts_at else now
    ends = (
        as_utc(body.ends_at) if body.ends_at else starts + timedelta(seconds=body.duration_s or 0)
    )
    if ends <= starts:
        raise InputError("a silence needs ends_at after starts_at, or a positive duration_s")
    if ends - starts > MAX_SILENCE:
        raise InputError("a silence may last at most 90 days")
    watch_id = get_watch(session, body.watch).id if body.watch else None
    silence = Silence(
        watch_id=watch_id,
        level=body.level,
        starts_at=starts,
        ends_at=ends,
        comment=body.comment,
        created_by=author,
        created_at=now,
    )
    session.add(silence)
    session.flush()
    return silence


def to_out(session: Session, silence: Silence) -> SilenceOut:
    watch = session.get(Watch, silence.watch_id) if silence.watch_id else None
    return SilenceOut.model_validate(
        {**silence.model_dump(), "watch": watch.slug if watch else None}
    )
