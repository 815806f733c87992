"""This process's own counters and histograms, exposed on /metrics beside the database gauges.

The gauges in service/api/metrics.py are read from the shared database, so every process
reports the same figures. These are different: they count what *this* process did (the worker
role polls, scores and delivers; the api role does none of that), so Prometheus must scrape
every process that runs (`serve --role api` and `serve --role worker` each serve /metrics), and
/metrics labels these samples with the process's role.

One registry per process, built on first use rather than at import, and never the library's
global default registry: however many apps a test process creates, each metric is registered
exactly once, and nothing else that uses prometheus_client can collide with our names.

Call sites use the small functions below (plain values in, nothing returned), so the use cases
that report here do not depend on prometheus_client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.process_collector import ProcessCollector

# The shipped model scores an article in about 0.1-0.2 ms in batch and a few ms alone.
PER_ARTICLE_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1.0)
BATCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
# Scheduler jobs: a delivery pass with nothing due takes milliseconds, a poll of a thousand
# feeds about half a minute.
JOB_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)


class Telemetry:
    """The process's metrics, registered in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.scoring_seconds = Histogram(
            "ceasewatch_scoring_seconds",
            "Model time per scored article (a batch's time shared among its articles); "
            "the count is the number of articles scored",
            buckets=PER_ARTICLE_BUCKETS,
            registry=r,
        )
        self.scoring_batch_seconds = Histogram(
            "ceasewatch_scoring_batch_seconds",
            "Model time per scoring call (one call per feed with new stories)",
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self.feed_polls = Counter(
            "ceasewatch_feed_polls",
            "Feed polls by result (new, unchanged, not_modified, error, offline)",
            ["result"],
            registry=r,
        )
        self.fetch_errors = Counter(
            "ceasewatch_fetch_errors",
            "Failed feed polls by error kind (timeout, connect, dns, http_status, parse, ...)",
            ["kind"],
            registry=r,
        )
        self.articles_ingested = Counter(
            "ceasewatch_articles_ingested",
            "New stories stored by polls",
            registry=r,
        )
        self.deliveries = Counter(
            "ceasewatch_webhook_deliveries",
            "Webhook delivery attempts by the delivery's status afterwards "
            "(delivered, pending for a retry, failed: dead letter, rejected, gone)",
            ["outcome"],
            registry=r,
        )
        self.job_seconds = Histogram(
            "ceasewatch_job_duration_seconds",
            "Scheduler job run durations",
            ["job", "outcome"],
            buckets=JOB_BUCKETS,
            registry=r,
        )
        # CPU, resident memory, open files: per process by nature.
        ProcessCollector(registry=r)


_lock = threading.Lock()
_telemetry: Telemetry | None = None


def get() -> Telemetry:
    """The process's telemetry, created on first use."""
    global _telemetry
    if _telemetry is None:
        with _lock:
            if _telemetry is None:
                _telemetry = Telemetry()
    return _telemetry


@contextmanager
def scoring(articles: int) -> Iterator[None]:
    """Times one scoring call of `articles` articles."""
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    t = get()
    t.scoring_batch_seconds.observe(elapsed)
    for _ in range(articles):
        t.scoring_seconds.observe(elapsed / articles)


def record_poll(results: Iterable[str], *, new_articles: int) -> None:
    """One poll pass: each polled feed's result, and the stories it stored."""
    t = get()
    for result in results:
        t.feed_polls.labels(result=result).inc()
    t.articles_ingested.inc(new_articles)


def record_fetch_error(kind: str) -> None:
    get().fetch_errors.labels(kind=kind).inc()


def record_deliveries(outcomes: Mapping[str, int]) -> None:
    t = get()
    for outcome, n in outcomes.items():
        t.deliveries.labels(outcome=outcome).inc(n)


def record_job(name: str, *, seconds: float, ok: bool) -> None:
    get().job_seconds.labels(job=name, outcome="ok" if ok else "error").observe(seconds)
