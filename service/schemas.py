"""API input and output shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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
