"""Scoring throughput, overhead over the bare pipeline, load time and memory of the model.

    cd /work/main && .venv/bin/python bench/bench_scoring.py [--data ../shared/data] [-n 10000]

Scores N real archive items (title + description) in one batch and one at a time, and times a
single bare `Pipeline.predict_proba` call on the same texts in the same run (the floor). BLAS
threads are pinned to one so figures are per core. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # per-core figures: before numpy is imported

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("-n", type=int, default=10_000)
    parser.add_argument("--model", type=Path, default=None, help="default: the shipped model")
    args = parser.parse_args()

    import numpy  # noqa: F401  (imports are not part of the model load time)
    import sklearn.pipeline  # noqa: F401
    import skops.io  # noqa: F401

    from classifiers.artifacts import default_model_path, load_model
    from classifiers.datasets import clean_text
    from classifiers.gazetteer import gazetteer
    from classifiers.scoring import TextItem

    rss_before = _rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    model_path = args.model or default_model_path()
    scorer = load_model(model_path)
    load_s = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_model = _rss_mb()
    started = time.perf_counter()
    gazetteer()
    gazetteer_s = time.perf_counter() - started

    items: list[TextItem] = []
    with (args.data / "archive" / "world_news_rss_items_2023.jsonl").open() as handle:
        for number, line in enumerate(handle):
            if len(items) == args.n:
                break
            record = json.loads(line)
            items.append(TextItem(
                id=str(number),
                title=clean_text(record.get("title") or ""),
                text=clean_text(record.get("description") or ""),
            ))
    texts = [item.full_text() for item in items]
    scorer.score(items[:50])  # warm caches (compiled patterns) outside the timings
    mean_chars = sum(map(len, texts)) / len(texts)

    started = time.perf_counter()
    scorer.pipeline.predict_proba(texts)
    bare_s = time.perf_counter() - started
    started = time.perf_counter()
    scorer.score(items)
    batch_s = time.perf_counter() - started
    started = time.perf_counter()
    for item in items:
        scorer.score([item])
    single_s = time.perf_counter() - started
    # For context: sklearn's own per-call cost dominates one-at-a-time scoring.
    started = time.perf_counter()
    for text in texts:
        scorer.pipeline.predict_proba([text])
    bare_single_s = time.perf_counter() - started
    rss_after = _rss_mb()

    n = len(items)
    print(f"model {scorer.version} ({model_path.stat().st_size / 1e6:.1f} MB on disk)")
    print(f"items: {n} real archive items, mean {mean_chars:.0f} characters")
    print(f"load: {load_s:.3f} s (skops, after imports); gazetteer build: {gazetteer_s:.3f} s")
    print(f"memory: RSS {rss_before:.0f} MB before load, {rss_model:.0f} MB loaded "
          f"(+{rss_model - rss_before:.0f} MB), {rss_after:.0f} MB after scoring; "
          f"tracemalloc peak during load {traced_peak / 1e6:.0f} MB")
    print(f"bare Pipeline.predict_proba: {n / bare_s:8.0f} articles/s ({bare_s:.3f} s)")
    print(f"Scorer.score batch:          {n / batch_s:8.0f} articles/s ({batch_s:.3f} s), "
          f"{batch_s / bare_s:.2f}x the bare pipeline")
    print(f"Scorer.score one at a time:  {n / single_s:8.0f} articles/s ({single_s:.3f} s), "
          f"{single_s / bare_s:.2f}x the bare pipeline's batch call")
    print(f"bare predict_proba one at a time: {n / bare_single_s:8.0f} articles/s "
          f"({bare_single_s:.3f} s); Scorer.score one at a time is "
          f"{single_s / bare_single_s:.2f}x that")


if __name__ == "__main__":
    main()
