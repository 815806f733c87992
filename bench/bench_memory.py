"""Worker memory with 10,000 feeds and 1,000,000 articles (issue 7).

Seeds a database (a SQLite file by default; `--database-url` for PostgreSQL) with synthetic
but realistic rows: feeds with their state, articles spread over 450 days with one source,
one score (JSON signals, explanation) each, attributions to two watches, resolved alerts with
evidence, labels. Then a fresh worker process runs the scheduler's own jobs (the functions
`serve --role worker` schedules, through run_recorded) several times: poll every feed over a
loopback server (first cycle: each feed has two new items, so ingest, scoring, attribution
and alert evaluation run; later cycles: 304s, and one feed in a hundred has a new item),
evaluate alerts, deliver, prune (retention 400 days: the first prune deletes the oldest 50
days), model refresh. It prints RSS after each cycle and the peak. The same is done with
100,000 articles: the worker's memory should not follow the article count.

    .venv/bin/python bench/bench_memory.py [--feeds 10000] [--articles 1000000]
        [--compare 100000] [--cycles 3] [--keep DIR]

The feed server runs in its own process so that its memory is not counted. Seeding 1M
articles takes a few minutes; `--keep DIR` keeps (and reuses) the seeded files.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import multiprocessing
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

NOW = datetime.now(UTC).replace(microsecond=0)
HISTORY_DAYS = 450
# Short word lists read better as one string each.
WORDS = (  # noqa: SIM905
    "ceasefire talks border army strike militants province minister rebels capital drone "
    "artillery village envoy truce troops killed wounded refugees aid convoy market election "
    "parliament protest court economy inflation harvest flood storm football cricket"
).split()
SIGNALS = (  # noqa: SIM905
    "airstrike shelling armed_clash bombing cross_border_attack ceasefire_violation "
    "war_rhetoric mobilization territorial_seizure casualties ceasefire_agreement talks "
    "prisoner_exchange withdrawal humanitarian_access"
).split()
QUADS = (
    "neutral",
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)


ITEMS = (
    ("Envoys meet in Doha as talks on the ceasefire continue", "Aid convoys waited."),
    (
        "Pakistani and Afghan Taliban forces trade fire at the Torkham border crossing",
        "Several soldiers were wounded in Kurram, officials in Kabul and Islamabad said.",
    ),
)


# -- the loopback feed server, in its own process ---------------------------------------------


def feed_body(n: int, generation: int) -> bytes:
    items = "".join(
        f"<item><guid>bench-{n}-{generation}-{k}</guid>"
        f"<link>https://outlet{n % 500}.example/{n}/{generation}/{k}</link>"
        f"<title>{title} ({n}.{generation})</title><description>{text} ({n})</description></item>"
        for k, (title, text) in enumerate(ITEMS)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench {n}</title>'
        f"<link>https://outlet{n % 500}.example/</link>{items}</channel></rss>"
    ).encode()


def server_process(port: int) -> None:
    """Feed n answers 304 to its ETag (seeded as if polled before), except every hundredth
    feed, which has two new items at every request: one calm, one about a border clash that
    the pakistan-afghanistan watch picks up (so every cycle ingests, scores, attributes and
    evaluates)."""
    import uvicorn

    requests: dict[int, int] = {}

    async def app(scope: dict, receive, send) -> None:  # type: ignore[no-untyped-def, type-arg]
        if scope["type"] != "http":
            return
        n = int(scope["path"].rsplit("/", 1)[-1].split(".")[0])
        count = requests[n] = requests.get(n, 0) + 1
        generation = count + 1 if n % 100 == 0 else 1
        etag = f'"{n}-{generation}"'.encode()
        headers = dict(scope["headers"])
        if headers.get(b"if-none-match") == etag:
            await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", etag)]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/rss+xml"), (b"etag", etag)],
            }
        )
        await send({"type": "http.response.body", "body": feed_body(n, generation)})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", backlog=4096)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- seeding -----------------------------------------------------------------------------------


def seed(url: str, *, feeds: int, articles: int, server: str) -> None:
    from sqlalchemy import insert

    from service.db import make_engine, session_scope
    from service.migrate import upgrade
    from service.models import (
        Alert,
        Article,
        ArticleScore,
        ArticleSource,
        Attribution,
        Feed,
        Label,
    )
    from service.ops.models import ensure_default
    from service.ops.watches import enable_preset

    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(7)
    started = time.perf_counter()
    with session_scope(engine) as session:
        model_version = ensure_default(session, now=NOW).version
        watch_ids = [
            enable_preset(session, s, now=NOW).id for s in ("pakistan-afghanistan", "israel-hamas")
        ]
        session.execute(
            insert(Feed),
            [
                {
                    "url": f"{server}/feed/{n}.xml",
                    "title": f"Bench {n}",
                    "enabled": True,
                    "created_at": NOW - timedelta(days=HISTORY_DAYS),
                    "next_check_at": NOW,
                    "last_checked_at": NOW - timedelta(minutes=10),
                    "last_success_at": NOW - timedelta(minutes=10),
                    "last_status": 200,
                    "check_interval_s": 900.0,
                    "consecutive_failures": 0,
                    "entries_seen": 2,
                    # Polled before: its validator from the last 200 (the server's ETag).
                    "etag": f'"{n}-1"',
                }
                for n in range(feeds)
            ],
        )
    batch = 5000
    evidence_pool: list[int] = []
    for start in range(0, articles, batch):
        rows, sources, scores, attributions = [], [], [], []
        for i in range(start, min(start + batch, articles)):
            article_id = i + 1
            published = NOW - timedelta(seconds=HISTORY_DAYS * 86400 * (1 - i / articles))
            title = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize() + f" #{i}"
            summary = " ".join(rng.choice(WORDS) for _ in range(45)) + "."
            link = f"https://outlet{i % 500}.example/news/{i}"
            rows.append(
                {
                    "id": article_id,
                    "canonical_link": link,
                    "content_hash": hashlib.sha256(title.encode()).hexdigest(),
                    "title": title,
                    "summary": summary,
                    "language": "en",
                    "published_at": published,
                    "first_seen_at": published + timedelta(minutes=7),
                    "source_count": 1,
                }
            )
            sources.append(
                {
                    "article_id": article_id,
                    "feed_id": 1 + i % feeds,
                    "guid": link,
                    "link": link,
                    "outlet": f"outlet{i % 500}.example",
                    "published_at": published,
                    "seen_at": published + timedelta(minutes=7),
                }
            )
            escalation = rng.random() ** 3
            scores.append(
                {
                    "article_id": article_id,
                    "model_version": model_version,
                    "escalation": escalation,
                    "deescalation": rng.random() ** 3,
                    "quad": {q: round(rng.random() / 5, 4) for q in QUADS},
                    "signals": {s: round(rng.random() ** 4, 4) for s in SIGNALS},
                    "countries": rng.sample(["PK", "AF", "IL", "PS", "IN", "UA", "RU"], 2),
                    "explanation": [[rng.choice(WORDS), round(rng.random(), 3)] for _ in range(5)],
                    "scored_at": published + timedelta(minutes=7),
                }
            )
            if rng.random() < 0.05:
                watch_id = watch_ids[i % 2]
                attributions.append(
                    {
                        "watch_id": watch_id,
                        "article_id": article_id,
                        "published_at": published,
                        "matched": {"countries": ["PK", "AF"], "actors": ["Taliban"]},
                    }
                )
                if escalation > 0.5:
                    evidence_pool.append(article_id)
        with session_scope(engine) as session:
            session.execute(insert(Article), rows)
            session.execute(insert(ArticleSource), sources)
            session.execute(insert(ArticleScore), scores)
            if attributions:
                session.execute(insert(Attribution), attributions)
        if start % 100_000 == 0:
            print(f"  seeded {start + len(rows):>9,} articles", flush=True)
    with session_scope(engine) as session:
        for k in range(200):  # resolved alerts over the years, each with five evidence articles
            at = NOW - timedelta(days=HISTORY_DAYS - 2 * k)
            session.add(
                Alert(
                    watch_id=watch_ids[k % 2] or 0,
                    fingerprint=f"bench{k % 2}",
                    state="resolved",
                    level="warning",
                    pending_since=at,
                    started_at=at,
                    resolved_at=at + timedelta(days=1),
                    peak_index=50.0,
                    last_index=20.0,
                    rationale="bench",
                    evidence=[{"article_id": a} for a in rng.sample(evidence_pool, 5)],
                    updated_at=at + timedelta(days=1),
                )
            )
        for article_id in rng.sample(range(1, articles + 1), 500):
            session.add(Label(article_id=article_id, quad="neutral", created_at=NOW))
    if engine.dialect.name == "postgresql":
        from service.store.backup import fix_sequences

        with engine.begin() as connection:
            fix_sequences(connection)
    engine.dispose()
    print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)


# -- the worker, in a fresh process ------------------------------------------------------------


def rss_mb() -> tuple[float, float]:
    """(current RSS, peak RSS) of this process in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def worker(url: str, feeds: int, cycles: int) -> None:
    from sqlalchemy import update
    from sqlmodel import func, select

    from service.config import Settings
    from service.db import make_engine, session_scope
    from service.jobs import build_scheduler
    from service.models import Article, Feed
    from service.ops.models import ActiveModel

    settings = Settings(
        database_url=url,
        allow_private_targets=True,
        poll_batch_size=feeds,  # one poll run takes every feed: the worst case for memory
        per_host_concurrency=50,  # one loopback host stands in for many outlets
        retention_days=400,
    )
    engine = make_engine(url)
    model = ActiveModel(engine)
    model.refresh(now=datetime.now(UTC))
    scheduler = build_scheduler(engine, settings, model)
    jobs = scheduler.get_jobs()
    gc.collect()
    rss, _ = rss_mb()
    print(json.dumps({"cycle": 0, "rss_mb": rss, "jobs": [j.id for j in jobs]}), flush=True)
    for cycle in range(1, cycles + 1):
        with session_scope(engine) as session:  # time passes: every feed is due again
            session.execute(update(Feed).values(next_check_at=datetime.now(UTC)))
        times = {}
        for job in jobs:  # the scheduler's own job functions, one after the other
            started = time.perf_counter()
            job.func(*job.args)
            times[job.id] = round(time.perf_counter() - started, 1)
        gc.collect()
        rss, peak = rss_mb()
        with session_scope(engine) as session:
            stored = session.exec(select(func.count()).select_from(Article)).one()
        print(
            json.dumps(
                {"cycle": cycle, "rss_mb": rss, "peak_mb": peak, "articles": stored, "s": times}
            ),
            flush=True,
        )
    engine.dispose()


def measure(url: str, feeds: int, cycles: int) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", url, "--feeds", str(feeds), "--cycles", str(cycles)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"worker failed:\n{proc.stderr[-4000:]}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--compare", type=int, default=100_000)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the seeded SQLite files")
    parser.add_argument("--database-url", help="PostgreSQL instead (seeded afresh, 1 size)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.feeds, args.cycles)
        return

    port = free_port()
    server = multiprocessing.Process(target=server_process, args=(port,), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port}"
    tmp = tempfile.TemporaryDirectory()
    folder = args.keep or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    results = {}
    try:
        sizes = [args.articles] if args.database_url else [args.compare, args.articles]
        for articles in sizes:
            url = args.database_url or f"sqlite:///{folder / f'bench-{articles}.db'}"
            path = folder / f"bench-{articles}.db"
            print(f"{args.feeds:,} feeds, {articles:,} articles: {url}", flush=True)
            if args.database_url or not path.exists():
                seed(url, feeds=args.feeds, articles=articles, server=base)
            else:  # reused: point the feeds at this run's server
                from sqlalchemy import create_engine, text

                eng = create_engine(url)
                with eng.begin() as c:
                    c.execute(
                        text("UPDATE feeds SET url = :b || substr(url, instr(url, '/feed/'))"),
                        {"b": base},
                    )
                eng.dispose()
            results[articles] = measure(url, args.feeds, args.cycles)
            for row in results[articles]:
                print("  ", json.dumps(row), flush=True)
    finally:
        server.terminate()
        tmp.cleanup()
    print()
    print(f"worker RSS (MB) after each cycle; {args.feeds:,} feeds polled per cycle")
    for articles, rows in results.items():
        after = " ".join(f"{r['rss_mb']:6.0f}" for r in rows)
        print(f"  {articles:>9,} articles: start+cycles {after}; peak {rows[-1]['peak_mb']:.0f}")
    if len(results) == 2:
        small, large = (results[s] for s in sorted(results))
        print(
            f"peak ratio {large[-1]['peak_mb'] / small[-1]['peak_mb']:.2f}x for "
            f"{max(results) / min(results):.0f}x the articles; growth from cycle 1 to "
            f"{args.cycles}: {large[-1]['rss_mb'] - large[1]['rss_mb']:+.0f} MB"
        )


if __name__ == "__main__":
    main()
