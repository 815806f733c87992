"""API input and output shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from classifiers.scoring import QUAD_CLASSES, SIGNALS_DEESCALATION, SIGNALS_ESCALATION


class Problem(BaseModel):
    detail: str


class FeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=1, max_length=2048, examples=["https://feeds.bbci.co.uk/news/world/rss.xml"]
    )
    title: str | None = Field(default=None, max_length=500)


class FeedPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool | None = None
    title: str | None = Field(default=None, max_length=500)


class FeedOut(BaseModel):
    id: int
    url: str
    title: str | None
    site_url: str | None
    enabled: bool
    health: str
    created_at: datetime
    next_check_at: datetime
    check_interval_s: float | None
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_status: int | None
    consecutive_failures: int
    last_error: str | None
    last_error_kind: str | None
    last_warning: str | None
    entries_seen: int


class ImportOut(BaseModel):
    added: list[str]
    skipped: list[str]
    invalid: list[list[str]]


class JobHealthOut(BaseModel):
    name: str
    runs: int
    failures: int
    misses: int
    consecutive_failures: int
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_duration_s: float | None
    last_error: str | None
    last_missed_at: datetime | None


class ModelOut(BaseModel):
    version: str
    sha256: str
    active: bool
    created_at: datetime
    metrics: dict[str, Any]


class ScoreOut(BaseModel):
    model_version: str
    escalation: float
    deescalation: float
    quad: dict[str, float]
    signals: dict[str, float]
    countries: list[str]
    explanation: list[list[Any]]


class ArticleOut(BaseModel):
    id: int
    title: str
    summary: str
    link: str | None
    language: str | None
    published_at: datetime
    source_count: int
    score: ScoreOut | None


class HealthOut(BaseModel):
    status: str
    checks: dict[str, str] = {}


class WatchOut(BaseModel):
    id: int
    slug: str
    name: str
    enabled: bool
    parties: list[dict[str, Any]]
    include_terms: list[str]
    exclude_terms: list[str]
    ceasefire: dict[str, Any]
    warning_enter: float
    warning_exit: float
    critical_enter: float
    critical_exit: float
    half_life_h: float
    pending_s: float
    keep_firing_s: float
    reminder_s: float
    min_sources_critical: int
    index: float
    trend: str
    level: str
    open_alert_id: int | None


class IndexPointOut(BaseModel):
    t: datetime
    index: float
    level: str


class AlertOut(BaseModel):
    id: int
    watch: str
    fingerprint: str
    state: str
    level: str
    pending_since: datetime
    started_at: datetime | None
    resolved_at: datetime | None
    peak_index: float
    last_index: float
    rationale: str
    evidence: list[dict[str, Any]]


class SilenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    watch: str | None = Field(default=None, description="slug; none means every watch")
    level: Literal["warning", "critical"] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    duration_s: float | None = Field(default=None, gt=0)
    comment: str = Field(default="", max_length=500)


class SilenceOut(BaseModel):
    id: int
    watch: str | None
    level: str | None
    starts_at: datetime
    ends_at: datetime
    comment: str
    created_by: str | None


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=2048)
    watches: list[str] = Field(default_factory=list, description="slugs; empty means all")
    min_level: Literal["warning", "critical"] = "warning"
    events: list[str] = Field(default_factory=list, description="types; empty means all")
    format: Literal["standard", "alertmanager", "slack"] = "standard"


class SubscriptionPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(default=None, min_length=1, max_length=2048)
    watches: list[str] | None = None
    min_level: Literal["warning", "critical"] | None = None
    events: list[str] | None = None
    format: Literal["standard", "alertmanager", "slack"] | None = None
    enabled: bool | None = None


class SubscriptionOut(BaseModel):
    id: int
    url: str
    watches: list[str]
    min_level: str
    events: list[str]
    format: str
    secret: str
    enabled: bool
    disabled_reason: str | None
    consecutive_failures: int
    failing_since: datetime | None
    circuit_open_until: datetime | None
    created_at: datetime


class AttemptOut(BaseModel):
    at: datetime
    status_code: int | None
    latency_s: float
    outcome: str
    response_excerpt: str
    error: str | None


class DeliveryOut(BaseModel):
    id: int
    webhook_id: str
    type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptOut]


class TestSendOut(BaseModel):
    outcome: str
    status: int | None
    latency_s: float
    response_excerpt: str
    error: str | None


class StatusOut(BaseModel):
    status: str
    version: str
    uptime_s: float
    watches: list[dict[str, Any]]
    feeds: dict[str, int]
    deliveries: dict[str, int]
    model: dict[str, Any] | None
    jobs: list[dict[str, Any]]


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["admin", "operator", "viewer", "subscriber"]
    name: str | None = Field(default=None, max_length=100)


class KeyOut(BaseModel):
    id: int
    prefix: str
    role: str
    name: str | None
    created_at: datetime
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    key: str


class LabelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quad: str | None = Field(default=None, description="a QuadClass name")
    signals: list[str] = Field(default_factory=list, max_length=15)

    @field_validator("quad")
    @classmethod
    def known_quad(cls, value: str | None) -> str | None:
        if value is not None and value not in QUAD_CLASSES:
            raise ValueError(f"quad must be one of {', '.join(QUAD_CLASSES)}")
        return value

    @field_validator("signals")
    @classmethod
    def known_signals(cls, value: list[str]) -> list[str]:
        known = SIGNALS_ESCALATION + SIGNALS_DEESCALATION
        unknown = [s for s in value if s not in known]
        if unknown:
            raise ValueError(f"unknown signals {unknown}; known: {', '.join(known)}")
        return value


class LabelOut(BaseModel):
    id: int
    article_id: int
    quad: str | None
    signals: list[str]
    author: str | None
    created_at: datetime


class ArticlePage(BaseModel):
    items: list[ArticleOut]
    next_cursor: str | None
