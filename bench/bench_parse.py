"""Parse throughput over the real captures in ../shared/data/feeds/captures, beside bare
feedparser.parse of the same bytes (its defaults, and the options parse_feed uses), measured
document by document in turns so that other load on the machine falls on all three alike.

Prints figures, asserts nothing: run `python bench/bench_parse.py [rounds]` from the repo root.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import feedparser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feeds.parse import parse_feed

CAPTURES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feeds" / "captures"
HEADERS = {"content-type": "application/rss+xml"}


def main(rounds: int) -> int:
    files = sorted(CAPTURES.glob("*.xml"))
    if not files:
        print(f"no captures at {CAPTURES}; nothing to measure")
        return 0
    bodies = [(f.name, f.read_bytes()) for f in files]
    fetched_at = datetime.now(UTC)
    entries = 0
    size = sum(len(b) for _, b in bodies)
    ours = bare = lean = 0.0
    for _ in range(rounds):
        for name, body in bodies:
            started = time.perf_counter()
            feed = parse_feed(body, content_type="application/rss+xml", url=f"https://x/{name}",
                              fetched_at=fetched_at)
            parsed = time.perf_counter()
            feedparser.parse(body, response_headers=HEADERS)
            bared = time.perf_counter()
            feedparser.parse(body, response_headers=HEADERS, sanitize_html=False,
                             resolve_relative_uris=False)
            ours += parsed - started
            bare += bared - parsed
            lean += time.perf_counter() - bared
            entries += len(feed.entries)
    docs = rounds * len(bodies)
    print(f"{docs} documents, {entries} entries, {rounds * size / 1e6:.1f} MB in {ours:.2f} s")
    print(f"{docs / ours:.1f} docs/s, {entries / ours:.0f} entries/s, "
          f"{1000 * ours / docs:.1f} ms/doc, {rounds * size / 1e6 / ours:.2f} MB/s")
    print(f"parse_feed / feedparser.parse: {ours / bare:.2f}x with its defaults "
          f"({1000 * bare / docs:.1f} ms/doc), {ours / lean:.2f}x with parse_feed's options "
          f"({1000 * lean / docs:.1f} ms/doc)")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
