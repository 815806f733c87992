"""Parse throughput over the real captures in ../shared/data/feeds/captures.

Prints figures, asserts nothing: run `python bench/bench_parse.py [rounds]` from the repo root.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from feeds.parse import parse_feed

CAPTURES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "feeds" / "captures"


def main(rounds: int) -> int:
    files = sorted(CAPTURES.glob("*.xml"))
    if not files:
        print(f"no captures at {CAPTURES}; nothing to measure")
        return 0
    bodies = [(f.name, f.read_bytes()) for f in files]
    fetched_at = datetime.now(UTC)
    entries = 0
    size = sum(len(b) for _, b in bodies)
    started = time.perf_counter()
    for _ in range(rounds):
        for name, body in bodies:
            feed = parse_feed(body, content_type="application/rss+xml", url=f"https://x/{name}",
                              fetched_at=fetched_at)
            entries += len(feed.entries)
    elapsed = time.perf_counter() - started
    docs = rounds * len(bodies)
    print(f"{docs} documents, {entries} entries, {rounds * size / 1e6:.1f} MB in {elapsed:.2f} s")
    print(f"{docs / elapsed:.1f} docs/s, {entries / elapsed:.0f} entries/s, "
          f"{1000 * elapsed / docs:.1f} ms/doc, {rounds * size / 1e6 / elapsed:.2f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
