"""The per-process memory of each watch's index (service/ops/index_cache.py): status answers
what a fresh computation would, as soon as new evidence is stored, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from feeds.normalise import content_hash
from feeds.parse import Entry
from service.clock import utcnow
from service.db import make_engine, session_scope
from service.migrate import upgrade
from service.ops import status as status_ops
from service.ops.index_cache import TTL_S
from service.ops.ingest import ingest_entries
from service.ops.models import ActiveModel
from service.ops.series import current_and_trend
from service.ops.watches import enable_preset
from service.store import feeds as feed_store
from service.store import watches as watch_store
from tests.integration.test_alert_lifecycle import CLASHES, OPEN_WAR


def ingest(engine: Engine, outlet: str, stories: list[tuple[str, str]], at: datetime) -> None:
    scorer = ActiveModel(engine).refresh(now=at)
    with session_scope(engine) as session:
        url = f"https://{outlet}/rss"
        feed = feed_store.get_by_url(session, url) or feed_store.add(
            session, url=url, title=None, now=at
        )
        ingest_entries(
            session,
            feed_id=feed.id or 0,
            feed_url=url,
            entries=[
                Entry(
                    guid=f"{outlet}-{title}",
                    title=title,
                    summary=text,
                    link=f"https://{outlet}/{content_hash(title, text)[:12]}",
                    published=at - timedelta(minutes=30),
                    language="en",
                    # The same story from every outlet: a further source, not a new article.
                    content_hash=content_hash(title, text),
                )
                for title, text in stories
            ],
            scorer=scorer,
            now=at,
        )


def shown(engine: Engine, now: datetime) -> dict[str, float]:
    with session_scope(engine) as session:
        body = status_ops.status(session, now=now, started_at=now, stale_after_s=3600)
    return {w["slug"]: w["index"] for w in body["watches"]}


def fresh(engine: Engine, slug: str, now: datetime) -> float:
    with session_scope(engine) as session:
        watch = watch_store.by_slug(session, slug)
        assert watch is not None
        return current_and_trend(session, watch, now=now)[0]


def test_status_follows_new_evidence_and_time(engine: Engine) -> None:
    t0 = utcnow()
    with session_scope(engine) as session:
        enable_preset(session, "pakistan-afghanistan", now=t0)
        enable_preset(session, "india-pakistan", now=t0)
    assert shown(engine, t0)["pakistan-afghanistan"] == 0

    ingest(engine, "dawn.example", CLASHES, t0)
    first = shown(engine, t0)["pakistan-afghanistan"]
    assert first > 0 and first == fresh(engine, "pakistan-afghanistan", t0)

    # A second outlet carrying the same stories adds sources, not articles: still seen at once.
    t1 = t0 + timedelta(seconds=5)
    ingest(engine, "tolonews.example", CLASHES, t1)
    corroborated = shown(engine, t1)["pakistan-afghanistan"]
    assert corroborated > first
    assert corroborated == fresh(engine, "pakistan-afghanistan", t1)

    # A new story, and a watch it does not concern keeps its figure.
    t2 = t0 + timedelta(seconds=10)
    ingest(engine, "dawn.example", OPEN_WAR, t2)
    figures = shown(engine, t2)
    assert figures["pakistan-afghanistan"] == fresh(engine, "pakistan-afghanistan", t2)
    assert figures["pakistan-afghanistan"] > corroborated
    assert figures["india-pakistan"] == 0

    # Time alone: within the TTL the figure stands (it decays by hundredths of a point);
    # after it, the index is computed for the new time.
    later = t2 + timedelta(seconds=TTL_S / 2)
    assert (
        abs(
            shown(engine, later)["pakistan-afghanistan"]
            - fresh(engine, "pakistan-afghanistan", later)
        )
        < 0.05
    )
    much_later = t2 + timedelta(hours=12)
    decayed = shown(engine, much_later)["pakistan-afghanistan"]
    assert decayed == fresh(engine, "pakistan-afghanistan", much_later)
    assert decayed < figures["pakistan-afghanistan"]


def test_each_database_has_its_own_figures(engine: Engine, tmp_path: Path) -> None:
    """Same watch ids in two databases: neither reads the other's figures."""
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other_url)
    other = make_engine(other_url)
    try:
        now = utcnow()
        for e in (engine, other):
            with session_scope(e) as session:
                enable_preset(session, "pakistan-afghanistan", now=now)
        ingest(engine, "dawn.example", CLASHES + OPEN_WAR, now)
        assert shown(engine, now)["pakistan-afghanistan"] > 0
        assert shown(other, now)["pakistan-afghanistan"] == 0
        assert shown(engine, now)["pakistan-afghanistan"] > 0
    finally:
        other.dispose()
