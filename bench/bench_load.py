"""Load benchmark (issue 7): the whole service under HTTP load while its scheduler polls.

On the seeded database (bench/seed.py: 100,000 articles, 20 watches), `ceasewatch serve`
(role all: API and scheduler in one process, as `make run` starts it) polls 200 loopback feeds
whose stories are real archive items, a new one per feed every two minutes, while `wrk` drives
each endpoint in turn: /api/v1/status, /api/v1/articles (a watch and an escalation filter) and
the dashboard at /. For each it prints requests/s, p50 and p99 latency and errors, and what
the scheduler did meanwhile: poll runs and their mean duration (from /metrics), feeds polled,
stories stored, misses recorded in job_health.

    .venv/bin/python bench/bench_load.py [--database-url URL] [--duration 30] [--connections 8]
                                         [--split]

`--split` runs `serve --role api` and `serve --role worker` as two processes (the API then
does not share its interpreter with the poller) and drives the api one.

SQLite by default (the file bench/bench_status.py seeds, reused); a PostgreSQL URL uses the
`ceasewatch_bench` schema in that database. Needs wrk (/usr/bin/wrk).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete, func
from sqlmodel import col, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.seed import (  # noqa: E402
    ARCHIVE,
    DEFAULT_URL,
    ensure_seeded,
    serving,
    unique_stories,
    viewer_key,
)
from service.db import make_engine, session_scope  # noqa: E402
from service.models import Article, Feed, JobHealth  # noqa: E402
from service.store import feeds as feed_store  # noqa: E402
from tests.support.feed_server import RSS_TYPE, FeedServer, Request, Response  # noqa: E402

LOAD_FEEDS_PREFIX = "http://127.0.0.1:"
ITEMS_PER_FEED = 20
# (name, path, most connections): a dashboard page takes seconds of CPU, so eight at once
# only measure wrk's timeout.
ENDPOINTS = (
    ("status", "/api/v1/status", 64),
    ("articles", "/api/v1/articles?watch=israel-hamas&min_escalation=0.5&limit=50", 64),
    ("dashboard", "/", 2),
)
SERVICE_ENV = {
    "CEASEWATCH_ALLOW_PRIVATE_TARGETS": "true",  # the feeds are on loopback
    "CEASEWATCH_POLL_EVERY_S": "5",
    "CEASEWATCH_MIN_INTERVAL_S": "20",  # each feed about every 20-60 s during the run
    "CEASEWATCH_DEFAULT_INTERVAL_S": "20",
    "CEASEWATCH_MAX_INTERVAL_S": "60",
}


class LoadFeeds:
    """200 feeds of real archive stories: feed n gains a story every `period_s` (staggered),
    shows its newest 20, and answers 304 to a conditional GET when nothing is new."""

    def __init__(self, server: FeedServer, feeds: int, period_s: float) -> None:
        self.stories = [(i.entry.title, i.entry.summary) for i in unique_stories(ARCHIVE)]
        self.feeds, self.period_s = feeds, period_s
        self.started = time.time()
        # Each run's stories are new to a database earlier runs wrote to; the same text from
        # two feeds is one story with two sources, as syndication is.
        self.run = random.Random().randrange(len(self.stories))
        self.offsets = [random.Random(n).uniform(0, period_s) for n in range(feeds)]
        server.route("/feed/{n}.xml", self.answer)

    def answer(self, request: Request) -> Response:
        n = int(request.params["n"])
        newest = int((time.time() - self.started + self.offsets[n]) // self.period_s)
        etag = f'"{n}-{newest}"'
        if request.headers.get("if-none-match") == etag:
            return Response(304, b"", [("ETag", etag)])
        items = []
        for k in range(max(0, newest - ITEMS_PER_FEED + 1), newest + 1):
            title, text = self.stories[(self.run + n * 104_729 + k * 7_919) % len(self.stories)]
            published = datetime.fromtimestamp(
                self.started + k * self.period_s - self.offsets[n], UTC
            )
            link = f"https://outlet{n}.load.example/{self.run}/{k}"
            items.append(
                f"<item><guid>{link}</guid><link>{link}</link><title>{escape(title)}</title>"
                f"<description>{escape(text)}</description>"
                f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate></item>"
            )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Load feed {n}</title><link>https://outlet{n}.load.example/</link>"
            + "".join(reversed(items))
            + "</channel></rss>"
        ).encode()
        return Response(200, body, [("Content-Type", RSS_TYPE), ("ETag", etag)])


@dataclass
class WrkResult:
    requests_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk(url: str, key: str, *, duration_s: int, connections: int) -> WrkResult:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration_s}s",
            "--timeout",
            "20s",
            "--latency",
            "-H",
            f"Authorization: Bearer {key}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    if set(latency) != {"50", "99"}:
        raise SystemExit(f"could not read wrk's output:\n{out}")
    errors = []
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors.append(f"{m.group(1)} non-2xx")
    if m := re.search(r"Socket errors: (.*)$", out, re.M):
        errors.append(f"socket errors: {m.group(1)}")
    return WrkResult(
        requests_s=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        errors="; ".join(errors) or "none",
    )


def timed_get(client: httpx.Client, url: str, key: str) -> float:
    started = time.perf_counter()
    answer = client.get(url, headers={"Authorization": f"Bearer {key}"})
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}: {answer.text[:300]}")
    return (time.perf_counter() - started) * 1000


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(base: str) -> Samples:
    text = httpx.get(f"{base}/metrics", timeout=60).text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def metric(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@dataclass
class Scheduler:
    """What the worker did between two moments, from the database and /metrics."""

    poll_runs: float
    poll_mean_s: float
    feeds_polled: int
    stories: int
    misses: int
    failures: int
    overdue: int

    def line(self) -> str:
        kept = self.poll_runs >= 1 and self.feeds_polled > 0 and not self.failures
        verdict = "yes" if kept and not self.overdue else "NO" if not kept else "behind"
        return (
            f"scheduler kept polling: {verdict} ({self.poll_runs:.0f} poll runs, mean "
            f"{self.poll_mean_s:.1f} s; {self.feeds_polled} feeds polled, {self.stories} new "
            f"stories; {self.overdue} feeds overdue at the end; {self.misses} job runs skipped "
            f"or missed, {self.failures} failed)"
        )


def scheduler_between(
    url: str,
    before: Samples,
    after: Samples,
    since: datetime,
    misses_before: tuple[int, int],
    *,
    role: str,
) -> Scheduler:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            polled = session.exec(
                select(func.count())
                .select_from(Feed)
                .where(
                    col(Feed.url).startswith(LOAD_FEEDS_PREFIX), col(Feed.last_checked_at) >= since
                )
            ).one()
            stories = session.exec(
                select(func.count()).select_from(Article).where(col(Article.first_seen_at) >= since)
            ).one()
            misses, failures = _misses(session)
            # Due more than two scheduler looks ago and still not polled: the worker is behind.
            overdue = session.exec(
                select(func.count())
                .select_from(Feed)
                .where(
                    col(Feed.url).startswith(LOAD_FEEDS_PREFIX),
                    col(Feed.next_check_at) < datetime.now(UTC) - timedelta(seconds=10),
                )
            ).one()
    finally:
        engine.dispose()
    count = "ceasewatch_job_duration_seconds_count"
    total = "ceasewatch_job_duration_seconds_sum"
    poll = {"job": "poll", "outcome": "ok", "role": role}
    runs = metric(after, count, **poll) - metric(before, count, **poll)
    seconds = metric(after, total, **poll) - metric(before, total, **poll)
    return Scheduler(
        runs,
        seconds / runs if runs else 0.0,
        int(polled),
        int(stories),
        misses - misses_before[0],
        failures - misses_before[1],
        int(overdue),
    )


def _misses(session: object) -> tuple[int, int]:
    rows = session.exec(select(JobHealth)).all()  # type: ignore[attr-defined]
    return sum(r.misses for r in rows), sum(r.failures for r in rows)


def set_feeds(url: str, server: FeedServer | None, feeds: int) -> None:
    """The loopback feeds of this run (none with `server` None): those of an earlier run
    point at ports nobody answers any more, and would change what bench_status measures.
    Their stories stay."""
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            session.execute(delete(Feed).where(col(Feed.url).startswith(LOAD_FEEDS_PREFIX)))
            now = datetime.now(UTC)
            for n in range(feeds if server is not None else 0):
                assert server is not None
                feed_store.add(session, url=server.url(f"/feed/{n}.xml"), title=None, now=now)
    finally:
        engine.dispose()


def wait_first_cycle(url: str, feeds: int, timeout_s: float = 600) -> float:
    started = time.monotonic()
    engine = make_engine(url)
    try:
        while time.monotonic() - started < timeout_s:
            with session_scope(engine) as session:
                done = session.exec(
                    select(func.count())
                    .select_from(Feed)
                    .where(
                        col(Feed.url).startswith(LOAD_FEEDS_PREFIX),
                        col(Feed.last_success_at).is_not(None),
                    )
                ).one()
            if done >= feeds:
                return time.monotonic() - started
            time.sleep(1)
    finally:
        engine.dispose()
    raise SystemExit(f"the first poll of {feeds} feeds did not finish in {timeout_s:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action="store_true", help="seed the database again")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--story-every-s", type=float, default=120.0)
    parser.add_argument("--duration", type=int, default=30, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--split",
        action="store_true",
        help="serve --role api and --role worker as two processes instead of --role all",
    )
    args = parser.parse_args()
    if not ARCHIVE.is_file():
        raise SystemExit(f"the archive is not at {ARCHIVE} (shared data, not in the repository)")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    url = ensure_seeded(args.database_url, fresh=args.fresh, articles=100_000, days=60)
    key = viewer_key(url)
    log = Path(tempfile.mkdtemp(prefix="bench-load-")) / "serve.log"
    with FeedServer() as server:
        LoadFeeds(server, args.feeds, args.story_every_s)
        set_feeds(url, server, args.feeds)
        with ExitStack() as running:
            running.callback(set_feeds, url, None, 0)
            if args.split:
                base = running.enter_context(
                    serving(url, role="api", env=SERVICE_ENV, log_path=log.with_name("api.log"))
                )
                worker = running.enter_context(
                    serving(url, role="worker", env=SERVICE_ENV, log_path=log)
                )
            else:
                base = worker = running.enter_context(
                    serving(url, role="all", env=SERVICE_ENV, log_path=log)
                )
            role = "worker" if args.split else "all"
            first = wait_first_cycle(url, args.feeds)
            print(
                f"service up (serve --role {'api + worker' if args.split else 'all'}; "
                f"{'PostgreSQL' if 'postgresql' in url else 'SQLite'}); first poll "
                f"of {args.feeds} loopback feeds ({args.feeds * ITEMS_PER_FEED:,} stories) "
                f"done {first:.0f} s after start; wrk -t1 -d{args.duration}s per endpoint; "
                f"log: {log}"
            )
            with httpx.Client(timeout=120) as client:
                for name, path, _ in ENDPOINTS:
                    alone = sorted(timed_get(client, base + path, key) for _ in range(5))
                    print(f"{name:<10} one request at a time: median {alone[2]:.0f} ms")
            for name, path, most in ENDPOINTS:
                connections = min(args.connections, most)
                engine = make_engine(url)
                with session_scope(engine) as session:
                    misses = _misses(session)
                engine.dispose()
                since = datetime.now(UTC) - timedelta(seconds=0.5)
                before = scrape(worker)
                result = wrk(base + path, key, duration_s=args.duration, connections=connections)
                after = scrape(worker)
                work = scheduler_between(url, before, after, since, misses, role=role)
                print(
                    f"{name:<10} -c{connections:<2} {result.requests_s:7.1f} req/s  p50 "
                    f"{result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  ({result.requests} "
                    f"requests, errors: {result.errors})"
                )
                print(f"{'':<10} {work.line()}")
    print("(2-core machine shared with other work, wrk on the same cores: figures include that)")


if __name__ == "__main__":
    main()
