"""Status latency benchmark (issue 6): GET /api/v1/status over loopback against a real
`ceasewatch serve --role api` process on a seeded database (bench/seed.py: 100,000 articles,
20 watches with attributions, alerts, deliveries).

Prints p50/p95/p99/max over `--requests` sequential requests on one kept-alive connection,
after a few warm-up requests, with the target; the same for /metrics (which computes the same
per-watch figures); and the first request after start (nothing cached yet).

    .venv/bin/python bench/bench_status.py [--database-url URL] [--fresh] [--requests 300]

SQLite by default (a file in the temporary directory, seeded on first use and reused
after); with a PostgreSQL URL the data goes into a schema of its own (`ceasewatch_bench`) in
that database.
Target on a 2-core machine: p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.seed import (  # noqa: E402
    ARCHIVE,
    DEFAULT_URL,
    ensure_seeded,
    percentiles,
    serving,
    viewer_key,
)

TARGET_P99_MS = 50.0


def timed(client: httpx.Client, url: str, headers: dict[str, str], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        answer = client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"{url} answered {answer.status_code}: {answer.text[:300]}")
    return samples


def line(name: str, samples: list[float]) -> str:
    p = percentiles(samples)
    return (
        f"{name:<16} n={len(samples):<4} p50 {p['p50']:6.1f} ms  p95 {p['p95']:6.1f} ms  "
        f"p99 {p['p99']:6.1f} ms  max {p['max']:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--fresh", action="store_true", help="seed the database again")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--days", type=float, default=60.0)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    if not ARCHIVE.is_file():
        raise SystemExit(f"the archive is not at {ARCHIVE} (shared data, not in the repository)")

    url = ensure_seeded(
        args.database_url, fresh=args.fresh, articles=args.articles, days=args.days
    )
    auth = {"Authorization": f"Bearer {viewer_key(url)}"}
    log = Path(tempfile.mkdtemp(prefix="bench-status-")) / "serve.log"
    with serving(url, role="api", log_path=log) as base, httpx.Client(timeout=60) as client:
        started = time.perf_counter()
        first = client.get(f"{base}/api/v1/status", headers=auth)
        cold_ms = (time.perf_counter() - started) * 1000
        body = first.json()
        timed(client, f"{base}/api/v1/status", auth, 20)  # warm-up
        status = timed(client, f"{base}/api/v1/status", auth, args.requests)
        timed(client, f"{base}/metrics", {}, 5)
        metrics = timed(client, f"{base}/metrics", {}, max(50, args.requests // 6))

    levels = sorted(
        (w["slug"], w["level"], w["index"]) for w in body["watches"] if w["level"] != "calm"
    )
    print(
        f"database: {url.split('?')[0]} ({'PostgreSQL' if 'postgresql' in url else 'SQLite'}); "
        f"{len(body['watches'])} watches, {body['feeds']['total']} feeds; not calm: {levels}"
    )
    print(f"first request after start (nothing cached): {cold_ms:.0f} ms")
    print(line("/api/v1/status", status))
    print(line("/metrics", metrics))
    p99 = percentiles(status)["p99"]
    verdict = "met" if p99 < TARGET_P99_MS else "NOT met"
    print(f"target: /api/v1/status p99 < {TARGET_P99_MS:.0f} ms: {verdict} ({p99:.1f} ms)")
    print("(2-core machine shared with other work: figures include that load)")


if __name__ == "__main__":
    main()
