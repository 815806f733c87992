"""API input and output shapes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    field_validator,
    model_validator,
)

from classifiers.scoring import QUAD_CLASSES, SIGNALS_DEESCALATION, SIGNALS_ESCALATION
from service.ops.subscriptions import EVENT_TYPES
from service.ops.watches import Party


def _not_a_number(value: object) -> object:
    # Pydantic reads a bare number as seconds since 1970; whoever sends "0.5" meant something else.
    if isinstance(value, int | float) or (
        isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+(\.\d*)?\s*", value)
    ):
        raise ValueError("must be an ISO 8601 date-time such as 2026-02-27T06:00:00Z")
    return value


def _in_utc(value: datetime) -> datetime:
    """Naive times are taken as UTC; times whose UTC falls outside years 1-9999 are refused."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


# Request bodies: unknown fields are refused, and JSON types are taken as they are (no 0 for
# false, no "5" for 5), so what the document says is exactly what is accepted.
REQUEST = ConfigDict(extra="forbid", strict=True)
# An ISO 8601 date-time (a date alone means its midnight), always given back in UTC.
IsoDateTime = Annotated[
    datetime, Strict(False), BeforeValidator(_not_a_number), AfterValidator(_in_utc)
]


class FieldProblem(BaseModel):
    """One thing wrong with a request: which field, where it was, and what is wrong with it."""

    model_config = ConfigDict(populate_by_name=True)
    field: str = Field(description="dotted path of the field; empty for the body as a whole")
    where: Literal["body", "query", "path", "header", "cookie"] | None = Field(
        default=None, alias="in", description="where the field is; absent when not known"
    )
    problem: str


class Problem(BaseModel):
    """Every error the API answers: what went wrong and what to do about it."""

    detail: str = Field(description="what went wrong, in words that say what to fix")
    errors: list[FieldProblem] = Field(
        default_factory=list,
        description="each problem, with its field and where it is when known (at least one)",
    )


class FeedIn(BaseModel):
    model_config = REQUEST
    url: str = Field(
        min_length=1, max_length=2048, examples=["https://feeds.bbci.co.uk/news/world/rss.xml"]
    )
    title: str | None = Field(default=None, max_length=500)


class FeedPatch(BaseModel):
    model_config = REQUEST
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


class WatchPatch(BaseModel):
    """Any of a watch's fields but its slug; the result is checked as a whole (thresholds)."""

    model_config = REQUEST
    name: str | None = Field(default=None, min_length=1, max_length=200)
    enabled: bool | None = None
    parties: list[Party] | None = Field(default=None, min_length=1, max_length=4)
    include_terms: list[str] | None = Field(default=None, max_length=100)
    exclude_terms: list[str] | None = Field(default=None, max_length=100)
    ceasefire: dict[str, Any] | None = None
    warning_enter: float | None = Field(default=None, gt=0, le=100)
    warning_exit: float | None = Field(default=None, ge=0, le=100)
    critical_enter: float | None = Field(default=None, gt=0, le=100)
    critical_exit: float | None = Field(default=None, ge=0, le=100)
    half_life_h: float | None = Field(default=None, gt=0, le=24 * 90)
    pending_s: float | None = Field(default=None, ge=0)
    keep_firing_s: float | None = Field(default=None, ge=0)
    reminder_s: float | None = Field(default=None, ge=60)
    min_sources_critical: int | None = Field(default=None, ge=1, le=20)


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
    model_config = REQUEST
    watch: str | None = Field(default=None, description="slug; none means every watch")
    level: Literal["warning", "critical"] | None = None
    starts_at: IsoDateTime | None = None
    ends_at: IsoDateTime | None = None
    duration_s: float | None = Field(default=None, gt=0, le=90 * 86400)
    comment: str = Field(default="", max_length=500)
    # ends_at and duration_s together are refused by service.ops.silences.create (422).


class SilenceOut(BaseModel):
    id: int
    watch: str | None
    level: str | None
    starts_at: datetime
    ends_at: datetime
    comment: str
    created_by: str | None


class SubscriptionIn(BaseModel):
    model_config = REQUEST
    url: str = Field(min_length=1, max_length=2048)
    watches: list[str] = Field(default_factory=list, description="slugs; empty means all")
    min_level: Literal["warning", "critical"] = "warning"
    events: list[str] = Field(
        default_factory=list,
        description="types; empty means all",
        json_schema_extra={"items": {"enum": list(EVENT_TYPES), "type": "string"}},
    )
    format: Literal["standard", "alertmanager", "slack"] = "standard"


class SubscriptionPatch(BaseModel):
    model_config = REQUEST
    url: str | None = Field(default=None, min_length=1, max_length=2048)
    watches: list[str] | None = None
    min_level: Literal["warning", "critical"] | None = None
    events: list[str] | None = Field(
        default=None,
        json_schema_extra={
            "anyOf": [
                {"type": "array", "items": {"enum": list(EVENT_TYPES), "type": "string"}},
                {"type": "null"},
            ]
        },
    )
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
    model_config = REQUEST
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
    model_config = REQUEST
    # The names are listed in the document; the validators below say what is wrong in words.
    quad: str | None = Field(
        default=None,
        description="a QuadClass name",
        json_schema_extra={"anyOf": [{"enum": list(QUAD_CLASSES)}, {"type": "null"}]},
    )
    signals: list[str] = Field(
        default_factory=list,
        max_length=15,
        json_schema_extra={
            "items": {"enum": list(SIGNALS_ESCALATION + SIGNALS_DEESCALATION), "type": "string"}
        },
    )

    @model_validator(mode="after")
    def says_something(self) -> LabelIn:
        # An empty label would be stored and teach the next training run nothing.
        if self.quad is None and not self.signals:
            raise ValueError("a label needs a quad, or at least one signal, or both")
        return self

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
