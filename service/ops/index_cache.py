"""Each watch's current index and 7-day trend, remembered by the process between requests.

Computing them reads every attributed article of the last 17 days (10 half-lives plus the
week of the trend): about 7,000 rows and a quarter of a second for 20 watches on 100,000
articles (bench/bench_status.py), far too slow to repeat on every /api/v1/status and /metrics
request. The figures change in two ways only, and the cache follows both:

- new evidence: every ingest that stores a story, or a further outlet for one, adds an article
  source. One indexed query for the newest source id tells whether anything arrived; when
  something did, a second query over the new sources alone names the watches they concern,
  and only those are computed again;
- time: the index decays (by 0.02% a minute at the default 24 h half-life), so a figure is
  recomputed once it is `ttl_s` old.

One request computes at a time. Requests that arrive meanwhile are given the previous figure
if it is less than twice `ttl_s` old, rather than queueing behind a computation of a quarter
of a second (under a busy poll, new evidence for a big watch arrives every few seconds); a
request that finds nobody computing computes, so a lone client always sees the newest evidence.

Anything else that touches the inputs (a source deleted by retention, which prunes only
articles far older than the window; a transaction committed out of id order on PostgreSQL) is
seen at the latest after `ttl_s`. The cache is per process; every entry is keyed by the
database URL, the watch and its half-life, so another database or a new half-life never reads
another's figures; other edits to a watch (terms, parties) show within the 30 s refresh.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.models import Watch
from service.ops.series import current_and_trend
from service.store import watches as watch_store

TTL_S = 30.0


@dataclass(frozen=True)
class _Figure:
    computed_at: datetime
    index: float
    trend: str
    outdated: bool = False  # new evidence for the watch arrived after it was computed

    def within(self, now: datetime, age: timedelta) -> bool:
        return timedelta(0) <= now - self.computed_at < age

    def fresh(self, now: datetime, ttl: timedelta) -> bool:
        """Servable as it is: no new evidence since, and younger than the ttl."""
        return not self.outdated and self.within(now, ttl)


class WatchIndexCache:
    def __init__(self, *, ttl_s: float = TTL_S) -> None:
        self.ttl = timedelta(seconds=ttl_s)
        self._figures: dict[tuple[str, int, float], _Figure] = {}
        self._marks: dict[str, int] = {}  # database -> newest article source id seen
        self._lock = threading.Lock()  # guards the two dicts
        self._computing = threading.Lock()  # one computation at a time

    def current(
        self, session: Session, watches: Sequence[Watch], *, now: datetime
    ) -> dict[int, tuple[float, str]]:
        """{watch id: (index, trend)} as `series.current_and_trend` gives them."""
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        database = engine.url.render_as_string(hide_password=True)
        mark = self._mark_changed(session, database)
        out: dict[int, tuple[float, str]] = {}
        for watch in watches:
            key = (database, watch.id or 0, watch.half_life_h)
            figure = self._get(key)
            if figure is None or not figure.fresh(now, self.ttl):
                figure = self._refresh(session, watch, key, now, mark, previous=figure)
            out[watch.id or 0] = (figure.index, figure.trend)
        return out

    def _refresh(
        self,
        session: Session,
        watch: Watch,
        key: tuple[str, int, float],
        now: datetime,
        mark: int,
        *,
        previous: _Figure | None,
    ) -> _Figure:
        # While another request computes, a previous figure that is only a little old (or has
        # new evidence waiting) is served rather than making this request wait; a request that
        # finds nobody computing computes, so a lone client always sees the newest evidence.
        if previous is not None and previous.within(now, 2 * self.ttl):
            if not self._computing.acquire(blocking=False):
                return previous
        else:
            self._computing.acquire()
        try:
            # Another request may have computed it while this one waited.
            figure = self._get(key)
            if figure is not None and figure.fresh(now, self.ttl):
                return figure
            return self._compute(session, watch, key, now, mark)
        finally:
            self._computing.release()

    def _mark_changed(self, session: Session, database: str) -> int:
        """Marks the figures new sources may have changed; returns the newest source id."""
        mark = watch_store.newest_source_id(session)
        with self._lock:
            seen = self._marks.get(database)
        if seen == mark:
            return mark
        # First look at this database, or fewer sources than before (a database built anew at
        # the same URL): forget all of it. Otherwise only the watches that gained sources.
        changed = (
            None
            if seen is None or mark < seen
            else watch_store.watches_with_sources_after(session, seen)
        )
        with self._lock:
            for key, figure in list(self._figures.items()):
                if key[0] != database:
                    continue
                if changed is None:
                    del self._figures[key]
                elif key[1] in changed:
                    self._figures[key] = replace(figure, outdated=True)
            self._marks[database] = mark
        return mark

    def _get(self, key: tuple[str, int, float]) -> _Figure | None:
        with self._lock:
            return self._figures.get(key)

    def _compute(
        self,
        session: Session,
        watch: Watch,
        key: tuple[str, int, float],
        now: datetime,
        mark: int,
    ) -> _Figure:
        index, trend = current_and_trend(session, watch, now=now)
        figure = _Figure(now, index, trend)
        with self._lock:
            # Kept only if no new source was seen meanwhile: this request's reads may predate
            # it, and its invalidation has already happened.
            if self._marks.get(key[0]) == mark:
                self._figures[key] = figure
        return figure


# One per process, like a connection pool: what it holds is only ever a copy of what the
# database says, and it is built empty.
CACHE = WatchIndexCache()


def current_indices(
    session: Session, watches: Sequence[Watch], *, now: datetime
) -> dict[int, tuple[float, str]]:
    return CACHE.current(session, watches, now=now)
