"""Feed leases: concurrent workers never claim the same feed; a crashed worker's lease expires."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from service.db import session_scope
from service.store import feeds as feed_store

T0 = datetime(2026, 2, 27, 6, 0, tzinfo=UTC)


def _add_feeds(engine: Engine, n: int) -> None:
    with session_scope(engine) as session:
        for i in range(n):
            feed_store.add(session, url=f"http://127.0.0.1:1/feed/{i}.xml", title=None, now=T0)


def _claim(engine: Engine, owner: str, *, now: datetime, limit: int = 100) -> set[int]:
    with session_scope(engine) as session:
        return {
            f.id or 0
            for f in feed_store.claim_due(session, owner=owner, now=now, lease_s=300, limit=limit)
        }


def test_concurrent_claims_are_disjoint(engine: Engine) -> None:
    _add_feeds(engine, 60)
    results: dict[str, set[int]] = {}
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        barrier.wait()
        got: set[int] = set()
        for _ in range(10):
            got |= _claim(engine, f"{name}-{len(got)}", now=T0, limit=7)
        results[name] = got

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [fid for got in results.values() for fid in got]
    assert len(claimed) == len(set(claimed)), "a feed was claimed by two workers"
    assert len(set(claimed)) == 60, "some feeds were never claimed"


def test_lease_blocks_until_it_expires(engine: Engine) -> None:
    _add_feeds(engine, 3)
    first = _claim(engine, "crashed-worker", now=T0)
    assert len(first) == 3
    assert _claim(engine, "other", now=T0 + timedelta(seconds=299)) == set()
    assert _claim(engine, "other", now=T0 + timedelta(seconds=301)) == first


def test_only_due_and_enabled_feeds_are_claimed(engine: Engine) -> None:
    _add_feeds(engine, 3)
    with session_scope(engine) as session:
        feeds = list(feed_store.list_all(session))
        feeds[0].next_check_at = T0 + timedelta(hours=1)
        feeds[1].enabled = False
    assert _claim(engine, "a", now=T0) == {feeds[2].id}
    with session_scope(engine) as session:
        ignoring = feed_store.claim_due(
            session, owner="b", now=T0, lease_s=60, limit=10, ignore_schedule=True
        )
        assert {f.id for f in ignoring} == {feeds[0].id}
