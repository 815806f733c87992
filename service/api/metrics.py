"""/metrics in Prometheus format: gauges read from the database at scrape time, and this
process's own counters and histograms (service/telemetry.py).

The database gauges are the same from any process, whichever process did the work. The
process's own figures (scoring latency, polls and fetch errors, articles ingested, deliveries,
job durations, CPU and memory) count only what this process did, so every process must be
scraped; they carry a `role` label (all, api or worker) to tell the processes apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from service import telemetry
from service.api.deps import ContextDep
from service.clock import utcnow
from service.db import session_scope
from service.models import Alert, Article, Feed, Watch
from service.ops.feeds import feed_health
from service.ops.index_cache import current_indices
from service.store import deliveries as delivery_store
from service.store import state

router = APIRouter(tags=["health"])


class DatabaseCollector(Collector):
    def __init__(self, engine: Engine, *, stale_after_s: float) -> None:
        self.engine, self.stale_after_s = engine, stale_after_s

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        now = utcnow()
        with session_scope(self.engine) as session:
            feeds = session.exec(select(Feed)).all()
            health = GaugeMetricFamily("ceasewatch_feeds", "Feeds by health", labels=["health"])
            for name, n in Counter(
                feed_health(f, now=now, stale_after_s=self.stale_after_s) for f in feeds
            ).items():
                health.add_metric([name], n)
            yield health
            errors = GaugeMetricFamily(
                "ceasewatch_feed_errors", "Failing feeds by error kind", labels=["kind"]
            )
            for kind, n in Counter(f.last_error_kind for f in feeds if f.last_error_kind).items():
                errors.add_metric([kind or "unknown"], n)
            yield errors
            checked = [f for f in feeds if f.last_status is not None]
            ratio = sum(1 for f in checked if f.last_status == 304) / len(checked) if checked else 0
            yield GaugeMetricFamily(
                "ceasewatch_feeds_not_modified_ratio",
                "Share of feeds whose last answer was 304 Not Modified",
                value=ratio,
            )
            articles = session.exec(select(func.count()).select_from(Article)).one()
            yield GaugeMetricFamily("ceasewatch_articles", "Stored stories", value=articles)
            index = GaugeMetricFamily("ceasewatch_watch_index", "Stability index", labels=["watch"])
            enabled = session.exec(select(Watch).where(Watch.enabled == True)).all()  # noqa: E712
            figures = current_indices(session, enabled, now=now) if enabled else {}
            for watch in enabled:
                index.add_metric([watch.slug], figures[watch.id or 0][0])
            yield index
            alerts = GaugeMetricFamily("ceasewatch_alerts", "Alerts", labels=["state", "level"])
            rows = session.exec(
                select(Alert.state, Alert.level, func.count()).group_by(Alert.state, Alert.level)
            ).all()
            for alert_state, level, n in rows:
                alerts.add_metric([alert_state, level], n)
            yield alerts
            deliveries = GaugeMetricFamily(
                "ceasewatch_deliveries", "Webhook deliveries by status", labels=["status"]
            )
            for status, n in delivery_store.backlog(session).items():
                deliveries.add_metric([status], n)
            yield deliveries
            jobs = state.list_job_health(session)
            for name, help_, attr in (
                ("ceasewatch_job_runs", "Scheduler job runs", "runs"),
                ("ceasewatch_job_failures", "Scheduler job failures", "failures"),
                ("ceasewatch_job_misses", "Scheduler job runs missed or skipped", "misses"),
            ):
                family = CounterMetricFamily(name, help_, labels=["job"])
                for job in jobs:
                    family.add_metric([job.name], getattr(job, attr))
                yield family
            duration = GaugeMetricFamily(
                "ceasewatch_job_last_duration_seconds", "Last run's duration", labels=["job"]
            )
            for job in jobs:
                duration.add_metric([job.name], job.last_duration_s or 0.0)
            yield duration


class ProcessCollector(Collector):
    """This process's telemetry, each sample labelled with the role the process serves."""

    def __init__(self, role: str) -> None:
        self.role = role

    def collect(self) -> Iterator[Metric]:
        for family in telemetry.get().registry.collect():
            labelled = Metric(family.name, family.documentation, family.type, family.unit)
            for sample in family.samples:
                labelled.add_sample(
                    sample.name,
                    {**sample.labels, "role": self.role},
                    sample.value,
                    sample.timestamp,
                    sample.exemplar,
                    sample.native_histogram,
                )
            yield labelled


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(ctx: ContextDep) -> Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(ctx.engine, stale_after_s=3 * ctx.settings.max_interval_s))
    registry.register(ProcessCollector(ctx.role))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
