"""A seeded database for the status and load benchmarks (issues 6 and 7).

100,000 stories built from the real 2023 archive and scored by the shipped model, 20 enabled
watches (the 10 presets and 10 more) with their attributions, alerts and their outbox events
made by the real evaluation path, 40 webhook subscriptions with their deliveries, the archive's
feeds with health, and job health rows.

    .venv/bin/python bench/seed.py [--database-url URL] [--articles 100000] [--days 60]

The archive's 16,536 items are scored once, in batch, by the shipped model; each item then
stands for about six stories (distinct links, GUIDs and hashes; the same text, so the same
score), spread evenly over the last `days` days up to now in the archive's own order, so its
bursts (the Gaza war from October 2023) recur. 100,000 stories over 60 days is about 1,700 a
day, a deployment of some hundred feeds. Rows are bulk-inserted; attribution uses the service's
own matcher on each archive item once; alerts come from `evaluate_watches` stepped through the
last days. The database must hold no articles yet.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Table, insert, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from classifiers.artifacts import default_model_path, load_model  # noqa: E402
from classifiers.scoring import Score, TextItem  # noqa: E402
from service.config import Settings  # noqa: E402
from service.db import make_engine, session_scope  # noqa: E402
from service.jobs import DELIVER_JOB, EVALUATE_JOB, MODEL_JOB, POLL_JOB, run_recorded  # noqa: E402
from service.migrate import upgrade  # noqa: E402
from service.models import (  # noqa: E402
    Article,
    ArticleScore,
    ArticleSource,
    Attribution,
    Delivery,
    Feed,
    Watch,
)
from service.ops import models as model_ops  # noqa: E402
from service.ops import subscriptions as sub_ops  # noqa: E402
from service.ops.alerts import evaluate_watches  # noqa: E402
from service.ops.backtest import ArchiveItem, read_archive  # noqa: E402
from service.ops.ingest import outlet_of, score_row  # noqa: E402
from service.ops.keys import create_key  # noqa: E402
from service.ops.watches import (  # noqa: E402
    WatchSpec,
    create_watch,
    enable_preset,
    install_default_watches,
    match_watch,
    presets,
)

ARCHIVE = REPO.parent / "shared" / "data" / "archive" / "world_news_rss_items_2023.jsonl"
# Outside the checkout (it is some 200 MB), kept between runs so it is seeded once.
DEFAULT_DB = Path(tempfile.gettempdir()) / "ceasewatch-bench" / "seeded.db"
DEFAULT_URL = f"sqlite:///{DEFAULT_DB}"
CHUNK = 5000

# Ten watches beside the presets, over pairs the 2023 archive reports on now and then.
EXTRA_WATCHES: list[tuple[str, str, tuple[str, list[str]], tuple[str, list[str]]]] = [
    ("china-taiwan", "China-Taiwan strait", ("CN", ["PLA", "Beijing"]), ("TW", ["Taipei"])),
    ("korean-peninsula", "Korean peninsula", ("KP", ["Pyongyang"]), ("KR", ["Seoul"])),
    ("us-iran", "United States-Iran", ("US", ["Pentagon"]), ("IR", ["Tehran", "IRGC"])),
    ("saudi-yemen", "Saudi Arabia-Yemen (Houthis)", ("SA", ["Riyadh"]), ("YE", ["Houthi"])),
    ("turkey-syria", "Turkey-Syria border", ("TR", ["Ankara", "Erdogan"]), ("SY", ["Damascus"])),
    ("ethiopia-eritrea", "Ethiopia-Eritrea", ("ET", ["Tigray", "ENDF"]), ("ER", ["Asmara"])),
    ("venezuela-guyana", "Venezuela-Guyana (Essequibo)", ("VE", ["Maduro"]), ("GY", ["Essequibo"])),
    ("china-india", "China-India (LAC)", ("CN", ["PLA"]), ("IN", ["New Delhi"])),
    ("israel-syria", "Israel-Syria", ("IL", ["IDF"]), ("SY", ["Damascus"])),
    (
        "serbia-kosovo",
        "Serbia-Kosovo",
        ("RS", ["Belgrade", "Vucic"]),
        ("XK", ["Kosovo", "Pristina"]),
    ),
]
JOBS = (POLL_JOB, MODEL_JOB, EVALUATE_JOB, DELIVER_JOB)


@dataclass
class SeedReport:
    articles: int = 0
    attributions: int = 0
    watches: int = 0
    alerts: int = 0
    deliveries: int = 0
    feeds: int = 0
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())

    def summary(self) -> str:
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in self.steps.items())
        return (
            f"seeded {self.articles:,} articles, {self.attributions:,} attributions, "
            f"{self.watches} watches, {self.alerts} alerts, {self.deliveries:,} deliveries, "
            f"{self.feeds} feeds in {self.seconds:.0f}s ({steps})"
        )


def article_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.exec(select(func.count()).select_from(Article)).one())


def seed(
    database_url: str,
    *,
    articles: int = 100_000,
    days: float = 60.0,
    alert_days: float = 7.0,
    subscriptions: int = 40,
    now: datetime | None = None,
    archive: Path = ARCHIVE,
    log: Callable[[str], None] = print,
) -> SeedReport:
    now = now or datetime.now(UTC)
    report = SeedReport()
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        report.steps[name] = time.perf_counter() - clock
        log(f"  {name}: {report.steps[name]:.1f}s")
        clock = time.perf_counter()

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        if article_count(engine):
            raise SystemExit(
                f"{database_url} already holds articles: seed a fresh database "
                "(delete the SQLite file, or use a new PostgreSQL schema)"
            )
        items = unique_stories(archive)
        scorer = load_model(default_model_path())
        scores = scorer.score(
            [
                TextItem(id=str(n), title=i.entry.title, text=i.entry.summary)
                for n, i in enumerate(items)
            ]
        )
        step(f"read and score {len(items):,} archive items")

        with session_scope(engine) as session:
            install_default_watches(session, now=now)
            for slug in presets():
                enable_preset(session, slug, now=now)
            for slug, name, (c1, a1), (c2, a2) in EXTRA_WATCHES:
                spec = WatchSpec.model_validate(
                    {
                        "slug": slug,
                        "name": name,
                        "parties": [
                            {"name": c1, "countries": [c1] if c1 != "XK" else [], "actors": a1},
                            {"name": c2, "countries": [c2] if c2 != "XK" else [], "actors": a2},
                        ],
                    }
                )
                create_watch(session, spec, now=now)
            watches = list(session.exec(select(Watch).where(col(Watch.enabled).is_(True))).all())
            model_ops.ensure_default(session, now=now)
            feed_ids = _feeds(session, items, now=now)
            settings = Settings(database_url=database_url, allow_private_targets=True)
            for n in range(subscriptions):
                sub_ops.create(
                    session,
                    {
                        "url": f"http://127.0.0.1:9/hooks/{n}",
                        "min_level": "warning" if n % 2 else "critical",
                        "watches": [] if n % 4 else [watches[n % len(watches)].slug],
                    },
                    owner_key_id=None,
                    settings=settings,
                    now=now,
                )
        report.watches, report.feeds = len(watches), len(feed_ids)
        matches = [
            {
                w.id or 0: m
                for w in watches
                if (
                    m := match_watch(
                        w, text=f"{i.entry.title}\n{i.entry.summary}", countries=s.countries
                    )
                )
                is not None
            }
            for i, s in zip(items, scores, strict=True)
        ]
        step("watches, feeds, subscriptions, attribution matching")

        report.articles, report.attributions = _insert_stories(
            engine, items, scores, matches, feed_ids, articles=articles, days=days, now=now
        )
        step(f"insert {report.articles:,} stories with sources, scores, attributions")

        # Alerts through the real evaluation path, stepped through the last days as the
        # scheduler would have (every 6 hours here, so seeding stays quick).
        watch_ids = [w.id or 0 for w in watches]
        t = now - timedelta(days=alert_days)
        while t < now:
            with session_scope(engine) as session:
                evaluate_watches(session, watch_ids, now=t)
            t += timedelta(hours=6)
        with session_scope(engine) as session:
            evaluate_watches(session, watch_ids, now=now)
            report.alerts = int(session.execute(text("SELECT count(*) FROM alerts")).scalar_one())
            # Old deliveries went out long ago; a few died or were refused. None is due now,
            # so the delivery job of a benchmarked service has nothing to send.
            ids = [d for d in session.exec(select(Delivery.id).order_by(col(Delivery.id))).all()]
            report.deliveries = len(ids)
            for status, every in (("failed", 20), ("rejected", 19)):
                wanted = [d for d in ids if d and d % every == 0]
                session.execute(
                    update(Delivery)
                    .where(col(Delivery.id).in_(wanted))
                    .values(status=status, attempts=8, last_status=500)
                )
            session.execute(
                update(Delivery)
                .where(col(Delivery.status) == "pending")
                .values(status="delivered", attempts=1, last_status=200, delivered_at=now)
            )
        for job in JOBS:
            run_recorded(engine, job, lambda: None)
        step(f"alerts over the last {alert_days:g} days, deliveries, job health")
        _analyze(engine)
        step("analyze")
    finally:
        engine.dispose()
    return report


def unique_stories(archive: Path) -> list[ArchiveItem]:
    """The archive's items in time order, one per link: a daily capture can carry an item
    twice, and the service would store it once."""
    seen: set[str] = set()
    unique = []
    for item in read_archive(archive):
        if item is None or (item.entry.link or item.entry.guid) in seen:
            continue
        seen.add(item.entry.link or item.entry.guid)
        unique.append(item)
    return sorted(unique, key=lambda i: i.entry.published)


def _feeds(session: Session, items: Sequence[ArchiveItem], *, now: datetime) -> dict[str, int]:
    """One feed per archive source, healthy and not due for a month (nobody polls the real
    outlets from a benchmark), two of them failing."""
    ids: dict[str, int] = {}
    for n, url in enumerate(sorted({i.feed_url for i in items})):
        failing = n < 2
        feed = Feed(
            url=url,
            created_at=now - timedelta(days=90),
            next_check_at=now + timedelta(days=30),
            check_interval_s=900,
            last_checked_at=now - timedelta(minutes=5),
            last_success_at=now - timedelta(minutes=5 if not failing else 600),
            last_status=503 if failing else 200,
            consecutive_failures=3 if failing else 0,
            last_error="server answered 503 Service Unavailable" if failing else None,
            last_error_kind="http_status" if failing else None,
            entries_seen=50,
        )
        session.add(feed)
        session.flush()
        ids[url] = feed.id or 0
    return ids


def _insert_stories(
    engine: Engine,
    items: Sequence[ArchiveItem],
    scores: Sequence[Score],
    matches: Sequence[dict[int, dict[str, Any]]],
    feed_ids: dict[str, int],
    *,
    articles: int,
    days: float,
    now: datetime,
) -> tuple[int, int]:
    start = now - timedelta(days=days)
    step = timedelta(days=days) / articles
    attributions = 0
    tables: dict[str, Table] = {
        "articles": Article.__table__,  # type: ignore[attr-defined]
        "sources": ArticleSource.__table__,  # type: ignore[attr-defined]
        "scores": ArticleScore.__table__,  # type: ignore[attr-defined]
        "attributions": Attribution.__table__,  # type: ignore[attr-defined]
    }
    for lo in range(0, articles, CHUNK):
        rows: dict[str, list[dict[str, Any]]] = {k: [] for k in tables}
        for j in range(lo, min(articles, lo + CHUNK)):
            n, copy = j % len(items), j // len(items)
            item, score = items[n], scores[n]
            entry = item.entry
            published = start + step * (j + 0.5)
            link = f"{entry.link}#copy-{copy}" if entry.link else None
            article_id = j + 1
            rows["articles"].append(
                {
                    "id": article_id,
                    "canonical_link": link,
                    "content_hash": hashlib.sha256(
                        f"{entry.content_hash}/{copy}".encode()
                    ).hexdigest(),
                    "title": entry.title,
                    "summary": entry.summary,
                    "language": entry.language,
                    "published_at": published,
                    "first_seen_at": published + timedelta(minutes=3),
                    "source_count": 1,
                }
            )
            rows["sources"].append(
                {
                    "id": article_id,
                    "article_id": article_id,
                    "feed_id": feed_ids[item.feed_url],
                    "guid": f"{entry.guid}#copy-{copy}",
                    "link": link,
                    "outlet": outlet_of(entry.link, item.feed_url),
                    "published_at": published,
                    "seen_at": published + timedelta(minutes=3),
                }
            )
            rows["scores"].append(
                {
                    "id": article_id,
                    **score_row(score, scored_at=published + timedelta(minutes=3)),
                    "article_id": article_id,
                }
            )
            for watch_id, matched in matches[n].items():
                attributions += 1
                rows["attributions"].append(
                    {
                        "id": attributions,
                        "watch_id": watch_id,
                        "article_id": article_id,
                        "published_at": published,
                        "matched": matched,
                    }
                )
        with engine.begin() as conn:
            for key, table in tables.items():
                if rows[key]:
                    conn.execute(insert(table), rows[key])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:  # explicit ids: move the sequences past them
            for table in ("articles", "article_sources", "article_scores", "attributions"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    return articles, attributions


def _analyze(engine: Engine) -> None:
    """Planner statistics, as a long-running database would have them."""
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))


BENCH_SCHEMA = "ceasewatch_bench"


def bench_database(url: str, *, fresh: bool) -> str:
    """The URL of the benchmark database: `url` itself for SQLite, a schema of its own inside
    the given PostgreSQL database (the tests' schemas stay apart). `fresh` starts it over."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return url
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1).split("?", 1)[0]
    with psycopg.connect(plain, autocommit=True) as conn:
        if fresh:
            conn.execute(f"DROP SCHEMA IF EXISTS {BENCH_SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {BENCH_SCHEMA}")
    base = plain.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}?options=-csearch_path%3D{BENCH_SCHEMA}"


def ensure_seeded(
    url: str, *, fresh: bool, articles: int, days: float, log: Callable[[str], None] = print
) -> str:
    """A seeded benchmark database, reused when it already holds `articles` articles (its
    stories then end when it was seeded, so the newest index window thins out with age)."""
    target = bench_database(url, fresh=fresh)
    upgrade(target)
    engine = make_engine(target)
    try:
        held = article_count(engine)
    finally:
        engine.dispose()
    if held >= articles:
        log(f"reusing {held:,} seeded articles in {target} (--fresh seeds again)")
        return target
    if held:
        target = bench_database(url, fresh=True)
    log(f"seeding {target}")
    log(seed(target, articles=articles, days=days, log=log).summary())
    return target


def viewer_key(url: str) -> str:
    """A new viewer key for the benchmark's requests."""
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return create_key(session, role="viewer", name="benchmark", now=datetime.now(UTC))
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(
    url: str, *, role: str, env: dict[str, str] | None = None, log_path: Path
) -> Iterator[str]:
    """`ceasewatch serve` in a process of its own on a loopback port, as an operator runs it;
    yields its base URL once /readyz answers 200, and stops it with SIGTERM afterwards."""
    port = free_port()
    environment = {
        **os.environ,
        "CEASEWATCH_DATABASE_URL": url,
        "CEASEWATCH_INSTALL_DEFAULT_FEEDS": "false",
        **(env or {}),
    }
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "service.cli.entry",
                "serve",
                "--role",
                role,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"the service exited; see {log_path}")
                try:
                    if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"the service was not ready within 120 s; see {log_path}")
                time.sleep(0.2)
            yield base
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": ordered[-1]}


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--days", type=float, default=60.0)
    parser.add_argument("--fresh", action="store_true", help="drop what is there and seed again")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not ARCHIVE.is_file():
        raise SystemExit(f"the archive is not at {ARCHIVE} (shared data, not in the repository)")
    ensure_seeded(args.database_url, fresh=args.fresh, articles=args.articles, days=args.days)


if __name__ == "__main__":
    main()
