"""SQLModel tables. The schema changes only through Alembic migrations in migrations/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from service.db import UTCDateTime


def _utc(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class Feed(SQLModel, table=True):
    __tablename__ = "feeds"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2048, unique=True)
    title: str | None = Field(default=None, max_length=500)
    site_url: str | None = Field(default=None, max_length=2048)
    enabled: bool = Field(default=True)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)

    # Conditional GET validators from the last 200 answer.
    etag: str | None = Field(default=None, max_length=1024)
    last_modified: str | None = Field(default=None, max_length=200)

    # Scheduling and the lease that keeps two workers from polling the same feed.
    next_check_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    check_interval_s: float | None = None
    lease_owner: str | None = Field(default=None, max_length=64, index=True)
    lease_until: datetime | None = _utc()

    # Health, readable by people.
    last_checked_at: datetime | None = _utc()
    last_success_at: datetime | None = _utc()
    last_status: int | None = None
    consecutive_failures: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    last_error_kind: str | None = Field(default=None, max_length=40)
    last_warning: str | None = Field(default=None, max_length=1000)
    entries_seen: int = 0


class Article(SQLModel, table=True):
    """One story. Syndicated copies from several outlets are one article with several sources."""

    __tablename__ = "articles"

    id: int | None = Field(default=None, primary_key=True)
    canonical_link: str | None = Field(default=None, max_length=2048, unique=True)
    content_hash: str = Field(max_length=64, index=True)
    title: str = Field(max_length=500)
    summary: str = Field(default="", max_length=4000)
    language: str | None = Field(default=None, max_length=20)
    published_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    first_seen_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    source_count: int = 1


class ArticleSource(SQLModel, table=True):
    """An entry as one feed carried it: the GUID dedup key and the outlet for corroboration."""

    __tablename__ = "article_sources"
    __table_args__ = (UniqueConstraint("feed_id", "guid", name="uq_source_feed_guid"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True, ondelete="CASCADE")
    feed_id: int = Field(foreign_key="feeds.id", index=True, ondelete="CASCADE")
    guid: str = Field(max_length=2048)
    link: str | None = Field(default=None, max_length=2048)
    outlet: str = Field(max_length=255)
    published_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    seen_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class ArticleScore(SQLModel, table=True):
    __tablename__ = "article_scores"
    __table_args__ = (
        UniqueConstraint("article_id", "model_version", name="uq_score_article_model"),
        Index("ix_score_escalation", "escalation"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True, ondelete="CASCADE")
    model_version: str = Field(max_length=100)
    escalation: float
    deescalation: float
    quad: dict[str, float] = Field(sa_column=Column(JSON, nullable=False))
    signals: dict[str, float] = Field(sa_column=Column(JSON, nullable=False))
    countries: list[str] = Field(sa_column=Column(JSON, nullable=False))
    explanation: list[list[Any]] = Field(sa_column=Column(JSON, nullable=False))
    scored_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class Label(SQLModel, table=True):
    """An operator's label for an article; `train` learns from these beside the corpora."""

    __tablename__ = "labels"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True, ondelete="CASCADE")
    quad: str | None = Field(default=None, max_length=40)
    signals: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    author: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class ModelVersion(SQLModel, table=True):
    __tablename__ = "model_versions"

    version: str = Field(primary_key=True, max_length=100)
    path: str = Field(max_length=2048)
    sha256: str = Field(max_length=64)
    metrics: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class ModelPromotion(SQLModel, table=True):
    """Append-only history of which model was active; the newest row is the active model."""

    __tablename__ = "model_promotions"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(foreign_key="model_versions.version", max_length=100)
    action: str = Field(max_length=20)  # promote | rollback | bootstrap | upgrade
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class JobHealth(SQLModel, table=True):
    __tablename__ = "job_health"

    name: str = Field(primary_key=True, max_length=100)
    runs: int = 0
    failures: int = 0
    misses: int = 0
    consecutive_failures: int = 0
    last_run_at: datetime | None = _utc()
    last_success_at: datetime | None = _utc()
    last_duration_s: float | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    last_missed_at: datetime | None = _utc()


class ApiKey(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    role: str = Field(max_length=20)
    name: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = _utc()


class AppState(SQLModel, table=True):
    """Small facts the service keeps about itself, such as 'default feeds installed'."""

    __tablename__ = "app_state"

    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=1000)


class Watch(SQLModel, table=True):
    """A conflict or ceasefire being monitored, with its parties and alert thresholds."""

    __tablename__ = "watches"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True)
    name: str = Field(max_length=200)
    enabled: bool = True
    # [{"name": "Afghanistan", "countries": ["AF"], "actors": ["Taliban", ...]}, ...]
    parties: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    include_terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    exclude_terms: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # {"start": "2025-10-19", "expires": null, "mediators": ["Qatar", "Turkey"]}
    ceasefire: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    warning_enter: float = 40.0
    warning_exit: float = 30.0
    critical_enter: float = 70.0
    critical_exit: float = 55.0
    half_life_h: float = 24.0
    pending_s: float = 0.0
    keep_firing_s: float = 3600.0
    reminder_s: float = 6 * 3600.0
    min_sources_critical: int = 2
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class Attribution(SQLModel, table=True):
    """An article concerns a watch; `matched` keeps the terms that made it so."""

    __tablename__ = "attributions"
    __table_args__ = (
        UniqueConstraint("watch_id", "article_id", name="uq_attribution"),
        # One watch's articles in a time window: every evaluation, series and status reads
        # that; on published_at alone the window of every watch was scanned for each one.
        Index("ix_attribution_watch_published", "watch_id", "published_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int = Field(foreign_key="watches.id", index=True, ondelete="CASCADE")
    article_id: int = Field(foreign_key="articles.id", index=True, ondelete="CASCADE")
    published_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    matched: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Alert(SQLModel, table=True):
    """One episode of trouble on one watch: pending, firing, then resolved."""

    __tablename__ = "alerts"
    # At most one open episode per watch, even with several evaluators racing.
    __table_args__ = (
        Index(
            "uq_alert_open_per_watch",
            "watch_id",
            unique=True,
            sqlite_where=text("state IN ('pending', 'firing')"),
            postgresql_where=text("state IN ('pending', 'firing')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int = Field(foreign_key="watches.id", index=True, ondelete="CASCADE")
    fingerprint: str = Field(max_length=64, index=True)
    state: str = Field(max_length=20, index=True)  # pending | firing | resolved | cancelled
    level: str = Field(max_length=20)  # warning | critical
    pending_since: datetime = Field(sa_type=UTCDateTime, nullable=False)
    started_at: datetime | None = _utc()
    resolved_at: datetime | None = _utc()
    below_exit_since: datetime | None = _utc()
    peak_index: float = 0.0
    last_index: float = 0.0
    notified_level: str | None = Field(default=None, max_length=20)
    last_notified_at: datetime | None = _utc()
    rationale: str = Field(default="", max_length=1000)
    evidence: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    updated_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class Silence(SQLModel, table=True):
    """Time-boxed quiet for a watch (or all watches) at a level (or all levels)."""

    __tablename__ = "silences"

    id: int | None = Field(default=None, primary_key=True)
    watch_id: int | None = Field(default=None, foreign_key="watches.id", ondelete="CASCADE")
    level: str | None = Field(default=None, max_length=20)
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    comment: str = Field(default="", max_length=500)
    created_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class OutboxEvent(SQLModel, table=True):
    """An event for webhook delivery, written in the transaction that caused it."""

    __tablename__ = "outbox_events"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64, unique=True)  # the stable webhook-id
    type: str = Field(max_length=40, index=True)
    watch_id: int | None = Field(default=None, foreign_key="watches.id", ondelete="SET NULL")
    alert_id: int | None = Field(default=None, foreign_key="alerts.id", ondelete="SET NULL")
    level: str | None = Field(default=None, max_length=20)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


class Subscription(SQLModel, table=True):
    """A webhook receiver: which watches, levels and events it wants, and in which format."""

    __tablename__ = "subscriptions"

    id: int | None = Field(default=None, primary_key=True)
    owner_key_id: int | None = Field(
        default=None, foreign_key="api_keys.id", index=True, ondelete="SET NULL"
    )
    url: str = Field(max_length=2048)
    watches: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_level: str = Field(default="warning", max_length=20)
    events: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    format: str = Field(default="standard", max_length=20)
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_until: datetime | None = _utc()
    enabled: bool = True
    disabled_reason: str | None = Field(default=None, max_length=500)
    consecutive_failures: int = 0
    failing_since: datetime | None = _utc()
    circuit_open_until: datetime | None = _utc()
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class Delivery(SQLModel, table=True):
    """One event for one subscription: claimed with a lease, retried, or dead-lettered."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id", name="uq_delivery_event_subscription"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="outbox_events.id", index=True, ondelete="CASCADE")
    subscription_id: int = Field(foreign_key="subscriptions.id", index=True, ondelete="CASCADE")
    alert_id: int | None = Field(default=None, index=True)  # keeps one alert's events in order
    status: str = Field(default="pending", max_length=20)  # pending|delivered|failed|rejected
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = _utc()
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    delivered_at: datetime | None = _utc()


class DeliveryAttempt(SQLModel, table=True):
    """Every attempt, kept: what was answered, how fast, and what went wrong."""

    __tablename__ = "delivery_attempts"

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="deliveries.id", index=True, ondelete="CASCADE")
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    status_code: int | None = None
    latency_s: float = 0.0
    outcome: str = Field(max_length=20)
    response_excerpt: str = Field(default="", max_length=4096)
    error: str | None = Field(default=None, max_length=1000)
