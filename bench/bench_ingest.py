"""Feed ingestion benchmark (issue 2): 1,000 feeds of 50 items built from the real captures,
served from a loopback server, polled through the real poller into a real SQLite file.

Prints: the first full cycle, a second cycle where every feed answers 304, the ratio of the
ingest pipeline's time per feed (parse + normalise + dedup + store and commit [+ score]) to
bare feedparser.parse of the same bytes in the same run, and peak memory. The pipeline is
timed as a poll runs it: parse_feed on the bytes, then ingest_entries and the commit in one
transaction per feed; the split between the two is printed too, and so is the ratio to
feedparser called with the options parse_feed uses (no sanitiser, no relative-URI rewriting),
which is the stricter measure of what our own code adds.

    .venv/bin/python bench/bench_ingest.py [--feeds 1000] [--items 50] [--score]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
With --database-url every database the benchmark needs is a fresh schema in that PostgreSQL
database, dropped at the end; without it, SQLite files in a temporary folder.
Targets on a 2-core machine: first cycle < 60 s, 304 cycle < 5 s, overhead < 1.5x.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser
import psycopg
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from classifiers.artifacts import default_model_path, load_model  # noqa: E402
from feeds.parse import parse_feed  # noqa: E402
from service.config import Settings  # noqa: E402
from service.db import make_engine, session_scope  # noqa: E402
from service.migrate import upgrade  # noqa: E402
from service.ops.ingest import TextScorer, ingest_entries  # noqa: E402
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


@contextmanager
def fresh_database(tmp: str, name: str, server_url: str | None) -> Iterator[str]:
    """A new, empty database URL: a SQLite file, or a schema of its own on PostgreSQL."""
    if server_url is None:
        yield f"sqlite:///{tmp}/{name}.db"
        return
    schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
    dsn = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        separator = "&" if "?" in server_url else "?"
        yield f"{server_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@dataclass
class Round:
    """Seconds per stage over the sample, measured feed by feed, interleaved."""

    bare: float = 0.0  # feedparser.parse with its defaults
    lean: float = 0.0  # feedparser.parse with the options parse_feed uses
    parse: float = 0.0  # parse_feed: feedparser + normalise
    store: float = 0.0  # ingest_entries + commit: dedup, inserts (+ score)

    @property
    def pipeline(self) -> float:
        return self.parse + self.store

    @property
    def ratio(self) -> float:
        return self.pipeline / self.bare


LEAN = {"sanitize_html": False, "resolve_relative_uris": False}  # what parse_feed asks for
HEADERS = {"content-type": "application/rss+xml"}


def measure_round(
    database_url: str, sample: list[bytes], scorer: TextScorer | None, now: datetime
) -> Round:
    """The pipeline as a poll runs it (parse_feed, then ingest_entries and the commit in one
    transaction per feed) beside bare feedparser.parse of the same bytes. The stages take
    turns feed by feed, in alternating order, so that the load of other processes on a shared
    machine falls on all of them alike and the ratio stays meaningful."""
    upgrade(database_url)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        ids = [
            feed_store.add(session, url=f"https://bench.example/{n}.xml", title=None, now=now).id
            or 0
            for n in range(len(sample))
        ]
    result = Round()

    def run_pipeline(fid: int, body: bytes) -> None:
        feed_url = f"https://bench.example/{fid}.xml"
        started = time.perf_counter()
        parsed = parse_feed(body, content_type="application/rss+xml", url=feed_url, fetched_at=now)
        parsed_at = time.perf_counter()
        with session_scope(engine) as session:
            ingest_entries(
                session,
                feed_id=fid,
                feed_url=feed_url,
                entries=parsed.entries,
                scorer=scorer,
                now=now,
            )
        result.parse += parsed_at - started
        result.store += time.perf_counter() - parsed_at

    def run_bare(body: bytes) -> None:
        started = time.perf_counter()
        feedparser.parse(body, response_headers=HEADERS)
        middle = time.perf_counter()
        feedparser.parse(body, response_headers=HEADERS, **LEAN)
        result.bare += middle - started
        result.lean += time.perf_counter() - middle

    for k, (fid, body) in enumerate(zip(ids, sample, strict=True)):
        if k % 2:
            run_bare(body)
            run_pipeline(fid, body)
        else:
            run_pipeline(fid, body)
            run_bare(body)
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--score", action="store_true", help="score new articles too")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database to make fresh schemas in (default: SQLite files)",
    )
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

    with (
        tempfile.TemporaryDirectory() as tmp,
        FeedServer() as server,
        fresh_database(tmp, "poll", args.database_url) as url,
    ):

        def handler(request: Request) -> Response:
            n = request.params["n"]
            etag = f'"{n}"'
            if request.headers.get("if-none-match") == etag:
                return Response(304, b"", [("ETag", etag)])
            return Response(
                200, bodies[n], [("Content-Type", "application/rss+xml"), ("ETag", etag)]
            )

        server.route("/feed/{n}.xml", handler)
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
        print(f"database:     {make_url(url).get_backend_name()}")

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
        engine.dispose()

        # Parsing alone versus the pipeline, same bytes, same run: three rounds, each into a
        # fresh database so that every entry is new; the median round is reported.
        sample = [bodies[str(n)] for n in range(min(args.feeds, 200))]
        rounds = []
        for round_ in range(3):
            with fresh_database(tmp, f"pipeline{round_}", args.database_url) as round_url:
                rounds.append(measure_round(round_url, sample, scorer, now))
        rounds.sort(key=lambda r: r.ratio)
        mid = rounds[len(rounds) // 2]

        def ms(seconds: float) -> str:
            return f"{1000 * seconds / len(sample):.2f} ms"

        print(
            f"per feed:     bare feedparser.parse {ms(mid.bare)}, pipeline {ms(mid.pipeline)} "
            f"(parse_feed {ms(mid.parse)}, dedup + store + commit"
            f"{' + score' if scorer else ''} {ms(mid.store)})"
        )
        print(
            f"ratio:        {mid.ratio:.2f}x (target < 1.5x; rounds "
            f"{', '.join(f'{r.ratio:.2f}' for r in rounds)})"
        )
        print(
            f"              feedparser.parse with parse_feed's options {ms(mid.lean)}: "
            f"pipeline / that {mid.pipeline / mid.lean:.2f}x, "
            f"parse_feed / that {mid.parse / mid.lean:.2f}x"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory:  {peak_mb:.0f} MB (RSS, whole process incl. the served bodies)")


if __name__ == "__main__":
    main()
