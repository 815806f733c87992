"""Retention: old articles go with their sources, scores and attributions, in batches; alert
evidence and labelled articles stay; the index and its series do not change; a retention
shorter than a watch's window is refused. Real model, real ingest path, both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, func, select
from typer.testing import CliRunner

from classifiers.artifacts import default_model_path
from feeds.normalise import content_hash
from feeds.parse import Entry
from service.cli import app
from service.config import Settings
from service.db import session_scope
from service.jobs import PRUNE_JOB, build_scheduler
from service.models import (
    Alert,
    Article,
    ArticleScore,
    ArticleSource,
    Attribution,
    JobHealth,
    Label,
    Watch,
)
from service.ops.alerts import evaluate_watches
from service.ops.backup import sha256_of
from service.ops.errors import InputError
from service.ops.ingest import ingest_entries
from service.ops.models import ActiveModel, load_verified
from service.ops.retention import prune
from service.ops.series import Point, current_and_trend, index_series
from service.ops.watches import enable_preset, update_watch
from service.store import feeds as feed_store
from tests.integration.test_alert_lifecycle import CLASHES, OPEN_WAR

NOW = datetime(2026, 2, 26, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=500)
SLUG = "pakistan-afghanistan"
STRIKES = [(f"{t} ({n})", d) for n in range(3) for t, d in CLASHES + OPEN_WAR]  # 9 stories
CALM = [("Cup final tonight in Lahore stadium", "Football fans gather.")]


def ingest(
    engine: Engine, stories: list[tuple[str, str]], *, published: datetime, now: datetime, tag: str
) -> list[int]:
    scorer = load_verified(default_model_path(), sha256_of(default_model_path()))
    entries = [
        Entry(
            guid=f"{tag}/{title}",
            title=title,
            summary=summary,
            link=f"https://dawn.example/{tag}/{i}",
            published=published + timedelta(minutes=i),
            language="en",
            content_hash=content_hash(title, summary),
        )
        for i, (title, summary) in enumerate(stories)
    ]
    with session_scope(engine) as session:
        new = ingest_entries(
            session,
            feed_id=1,
            feed_url="https://dawn.example/rss",
            entries=entries,
            scorer=scorer,
            now=now,
        )
    return [s.id for s in new]


@pytest.fixture
def world(engine: Engine) -> dict[str, list[int]]:
    with session_scope(engine) as session:
        feed_store.add(session, url="https://dawn.example/rss", title=None, now=OLD)
        enable_preset(session, SLUG, now=OLD)
    # A war 500 days ago: an alert then, whose evidence is five of these nine stories; it
    # calmed down and the alert resolved long ago.
    ids = {"old": ingest(engine, STRIKES, published=OLD, now=OLD + timedelta(hours=1), tag="old")}
    with session_scope(engine) as session:
        evaluate_watches(session, [1], now=OLD + timedelta(days=20))
        evaluate_watches(session, [1], now=OLD + timedelta(days=20, hours=2))
        assert session.exec(select(Alert)).one().state == "resolved"
    ids["old_calm"] = ingest(engine, CALM, published=OLD, now=OLD, tag="calm")
    with session_scope(engine) as session:
        session.add(Label(article_id=ids["old_calm"][0], quad="neutral", created_at=NOW))
    # An old date first seen today (a feed still carrying it): kept for now.
    ids["old_seen_now"] = ingest(
        engine,
        [("Cricket season opens in Karachi", "Teams gather.")],
        published=OLD,
        now=NOW,
        tag="late",
    )
    ids["recent"] = ingest(
        engine, STRIKES[:3], published=NOW - timedelta(days=2), now=NOW, tag="recent"
    )
    return ids


def evidence_ids(engine: Engine) -> set[int]:
    with session_scope(engine) as session:
        return {e["article_id"] for a in session.exec(select(Alert)).all() for e in a.evidence}


def rows_for(engine: Engine, model: type, ids: list[int]) -> int:
    with session_scope(engine) as session:
        column = col(model.article_id)  # type: ignore[attr-defined]
        query = select(func.count()).select_from(model).where(column.in_(ids))
        return int(session.exec(query).one())


def view(engine: Engine) -> tuple[tuple[Point, ...], tuple[float, str]]:
    with session_scope(engine) as session:
        watch = session.exec(select(Watch)).one()
        series = index_series(
            session, watch, since=NOW - timedelta(days=30), until=NOW, step=timedelta(hours=6)
        )
        return (tuple(series), current_and_trend(session, watch, now=NOW))


def test_prune_keeps_evidence_labels_and_the_index(
    engine: Engine, world: dict[str, list[int]]
) -> None:
    evidence = evidence_ids(engine)
    assert evidence and evidence < set(world["old"])  # the old alert names five of nine
    doomed = sorted(set(world["old"]) - evidence)
    assert rows_for(engine, ArticleScore, doomed) and rows_for(engine, Attribution, doomed)
    before = view(engine)
    assert before[1][0] > 0  # the recent stories move today's index

    dry = prune(engine, retention_days=400, now=NOW, batch_size=2, dry_run=True)
    report = prune(engine, retention_days=400, now=NOW, batch_size=2)

    assert (dry.deleted, dry.kept_evidence, dry.kept_labelled) == (len(doomed), 5, 1)
    assert (report.deleted, report.kept_evidence, report.kept_labelled) == (len(doomed), 5, 1)
    assert report.batches >= 3  # bounded batches, not one statement
    with session_scope(engine) as session:
        left = set(session.exec(select(Article.id)).all())
    kept = evidence | set(world["old_calm"]) | set(world["old_seen_now"]) | set(world["recent"])
    assert left == kept
    for model in (ArticleSource, ArticleScore, Attribution):
        assert rows_for(engine, model, doomed) == 0, model
        assert rows_for(engine, model, sorted(evidence)) > 0, model
    assert rows_for(engine, Label, world["old_calm"]) == 1
    assert view(engine) == before
    # Nothing more to do on a second run.
    assert prune(engine, retention_days=400, now=NOW).deleted == 0


def test_retention_shorter_than_a_watch_window_is_refused(
    engine: Engine, world: dict[str, list[int]]
) -> None:
    with session_scope(engine) as session:
        update_watch(session, SLUG, {"half_life_h": 24 * 60}, now=NOW)  # reads 600 days back
    with pytest.raises(InputError, match="shorter than the 607 days"):
        prune(engine, retention_days=400, now=NOW)
    assert prune(engine, retention_days=0, now=NOW).cutoff is None  # keep forever
    with session_scope(engine) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 14
    with pytest.raises(ValueError, match="at least 30"):
        Settings(retention_days=10)


def test_prune_job_and_cli(
    engine: Engine, settings: Settings, database_url: str, world: dict[str, list[int]]
) -> None:
    runner = CliRunner()
    env = {"CEASEWATCH_DATABASE_URL": database_url, "CEASEWATCH_RETENTION_DAYS": "400"}
    dry = runner.invoke(app, ["prune", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("would delete 4 articles published before")

    scheduler = build_scheduler(engine, settings, ActiveModel(engine))
    job = scheduler.get_job(PRUNE_JOB)
    assert job is not None and job.coalesce and job.max_instances == 1
    assert job.misfire_grace_time == 86400 and job.trigger.interval == timedelta(days=1)
    job.func(*job.args)  # one run, as the scheduler would do it (wall clock: 2026-02 is old)
    with session_scope(engine) as session:
        health = session.get(JobHealth, PRUNE_JOB)
        assert health is not None and health.runs == 1 and health.failures == 0
        assert session.exec(select(func.count()).select_from(Article)).one() < 14
    off = build_scheduler(
        engine, settings.model_copy(update={"retention_days": 0}), ActiveModel(engine)
    )
    assert off.get_job(PRUNE_JOB) is None
