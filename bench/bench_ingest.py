"""Feed ingestion benchmark (issue 2): 1,000 feeds of 50 items built from the real captures,
served from a loopback server, polled through the real poller into a real SQLite file.

Prints: the first full cycle, a second cycle where every feed answers 304, the ratio of the
ingest pipeline's time per feed (parse + normalise + dedup + store [+ score]) to bare
feedparser.parse of the same bytes in the same run, and peak memory.

    .venv/bin/python bench/bench_ingest.py [--feeds 1000] [--items 50] [--score]
Targets on a 2-core machine: first cycle < 60 s, 304 cycle < 5 s, overhead < 1.5x.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from classifiers.artifacts import default_model_path, load_model  # noqa: E402
from feeds.parse import parse_feed  # noqa: E402
from service.config import Settings  # noqa: E402
from service.db import make_engine, session_scope  # noqa: E402
from service.migrate import upgrade  # noqa: E402
from service.ops.ingest import ingest_entries  # noqa: E402
from service.ops.poll import poll_once  # noqa: E402
from service.store import feeds as feed_store  # noqa: E402
from tests.support.feed_server import FeedServer, Request, Response  # noqa: E402

CAPTURES = REPO.parent / "shared" / "data" / "feeds" / "captures"


def capture_items() -> list[tuple[str, str, str, str]]:
    items = []
    for path in sorted(CAPTURES.glob("*.xml")):
        for item in ET.parse(path).getroot().iter("item"):
            title = item.findtext("title") or ""
            items.append(
                (
                    title,
                    item.findtext("description") or "",
                    item.findtext("link") or "",
                    item.findtext("pubDate") or "",
                )
            )
    return items


def build_feed(n: int, size: int, pool: list[tuple[str, str, str, str]]) -> bytes:
    rng = random.Random(n)
    parts = []
    for k in range(size):
        title, desc, link, date = pool[rng.randrange(len(pool))]
        # Each feed's items are distinct stories, so the store does the full work per item.
        parts.append(
            f"<item><title>{escape(title)} [{n}.{k}]</title>"
            f"<description>{escape(desc)}</description>"
            f"<link>{escape(link.split('?')[0])}/{n}-{k}</link>"
            f"<guid>{escape(link)}/{n}-{k}</guid>"
            f"<pubDate>{escape(date)}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {n}</title><link>https://bench.example/{n}</link>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def pipeline(tmp: str, round_: int, sample: list[bytes], scorer: object, now: datetime) -> float:
    """Seconds for parse + normalise + dedup + store (+ score) of `sample`, one transaction
    per feed as in a poll."""
    url = f"sqlite:///{tmp}/pipeline-{round_}.db"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        ids = [
            feed_store.add(session, url=f"https://bench.example/{n}.xml", title=None, now=now).id
            or 0
            for n in range(len(sample))
        ]
    started = time.perf_counter()
    for fid, body in zip(ids, sample, strict=True):
        feed_url = f"https://bench.example/{fid}.xml"
        parsed = parse_feed(body, content_type="application/rss+xml", url=feed_url, fetched_at=now)
        with session_scope(engine) as session:
            ingest_entries(
                session,
                feed_id=fid,
                feed_url=feed_url,
                entries=parsed.entries,
                scorer=scorer,
                now=now,
            )  # type: ignore[arg-type]
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--score", action="store_true", help="score new articles too")
    args = parser.parse_args()
    if not CAPTURES.is_dir():
        sys.exit(f"needs the real captures at {CAPTURES}")

    pool = capture_items()
    bodies = {str(n): build_feed(n, args.items, pool) for n in range(args.feeds)}
    total_mb = sum(len(b) for b in bodies.values()) / 1e6
    print(
        f"{args.feeds} feeds x {args.items} items from {len(pool)} captured items, "
        f"{total_mb:.1f} MB of XML"
    )

    with tempfile.TemporaryDirectory() as tmp, FeedServer() as server:

        def handler(request: Request) -> Response:
            n = request.params["n"]
            etag = f'"{n}"'
            if request.headers.get("if-none-match") == etag:
                return Response(304, b"", [("ETag", etag)])
            return Response(
                200, bodies[n], [("Content-Type", "application/rss+xml"), ("ETag", etag)]
            )

        server.route("/feed/{n}.xml", handler)
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        now = datetime.now(UTC)
        with session_scope(engine) as session:
            for n in range(args.feeds):
                feed_store.add(session, url=server.url(f"/feed/{n}.xml"), title=None, now=now)
        # One loopback host stands in for many outlets, so the per-host limit is lifted here.
        settings = Settings(
            database_url=url,
            allow_private_targets=True,
            poll_batch_size=args.feeds,
            per_host_concurrency=50,
            fetch_concurrency=50,
        )
        scorer = load_model(default_model_path()) if args.score else None

        started = time.perf_counter()
        first = poll_once(engine, settings=settings, scorer=scorer, ignore_schedule=True)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = poll_once(engine, settings=settings, scorer=scorer, ignore_schedule=True)
        second_s = time.perf_counter() - started
        print(
            f"first cycle:  {first_s:6.2f} s  ({first.count('new')} feeds with new items, "
            f"{first.new_articles} articles, {first.count('error')} errors, "
            f"{args.feeds / first_s:.0f} feeds/s)"
        )
        print(f"304 cycle:    {second_s:6.2f} s  ({second.count('not_modified')} not modified)")

        # Parsing alone versus the pipeline, same bytes, same run; best of three rounds, each
        # round into a fresh database so every entry is new.
        sample = [bodies[str(n)] for n in range(min(args.feeds, 200))]
        bare_s = pipeline_s = float("inf")
        for round_ in range(3):
            started = time.perf_counter()
            for body in sample:
                feedparser.parse(body, response_headers={"content-type": "application/rss+xml"})
            bare_s = min(bare_s, time.perf_counter() - started)
            pipeline_s = min(pipeline_s, pipeline(tmp, round_, sample, scorer, now))
        print(
            f"per feed:     bare feedparser.parse {1000 * bare_s / len(sample):.2f} ms, "
            f"pipeline {1000 * pipeline_s / len(sample):.2f} ms, "
            f"ratio {pipeline_s / bare_s:.2f}x (target < 1.5x)"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory:  {peak_mb:.0f} MB (RSS, whole process incl. the served bodies)")
        engine.dispose()


if __name__ == "__main__":
    main()
