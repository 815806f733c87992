"""Settings: the only place that reads the environment (prefix CEASEWATCH_)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./ceasewatch.db"
# The default index reads 10 half-lives of 24 h plus a 7-day trend (17 days); a month keeps the
# dashboard's views whole. `ceasewatch prune` also checks the watches' own half-lives.
MIN_RETENTION_DAYS = 30

# Durations, intervals and counts that only make sense above zero: a concurrency of 0 made
# `poll --once` wait forever on a semaphore nobody can enter, a body cap of -1 failed every
# feed as too large. Refusing them at start names the variable instead.
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]
AtLeastOne = Annotated[int, Field(ge=1)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CEASEWATCH_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    admin_key: str | None = None
    allow_private_targets: bool = False
    install_default_feeds: bool = True

    # Model: None means the artifact shipped inside the package.
    model_path: Path | None = None
    model_dir: Path = Path("./models")
    data_dir: Path = Path("../shared/data")

    # Fetching.
    user_agent: str = (
        "Ceasewatch/0.1 (+https://github.com/ceasewatch/ceasewatch; ceasefire monitoring)"
    )
    connect_timeout_s: Seconds = 10.0
    read_timeout_s: Seconds = 20.0
    fetch_deadline_s: Seconds = 60.0
    max_body_bytes: AtLeastOne = 15 * 1024 * 1024
    max_redirects: int = Field(default=5, ge=0)  # 0: redirects are errors
    fetch_concurrency: AtLeastOne = 50
    per_host_concurrency: AtLeastOne = 4

    # Scheduling.
    poll_every_s: Seconds = 30.0
    evaluate_every_s: Seconds = 60.0
    poll_batch_size: AtLeastOne = 500
    lease_s: Seconds = 300.0
    min_interval_s: Seconds = 300.0
    max_interval_s: Seconds = 4 * 3600.0
    default_interval_s: Seconds = 900.0
    backoff_base_s: Seconds = 60.0
    backoff_cap_s: Seconds = 6 * 3600.0

    # Retention: articles older than this (published and first seen) are pruned daily, except
    # alert evidence and labelled articles. 0 keeps everything forever.
    retention_days: int = Field(default=400, ge=0)
    prune_every_s: Seconds = 24 * 3600.0
    prune_batch_size: int = Field(default=1000, ge=1, le=10000)

    # Webhook delivery.
    deliver_every_s: Seconds = 1.0
    delivery_lease_s: Seconds = 60.0
    delivery_timeout_s: Seconds = 15.0
    delivery_concurrency: AtLeastOne = 200
    delivery_per_endpoint: AtLeastOne = 4
    delivery_rate_per_endpoint: float = Field(default=20.0, gt=0, allow_inf_nan=False)
    disable_failing_after_days: float = 3.0
    external_url: str = "http://127.0.0.1:8000"

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @field_validator("retention_days")
    @classmethod
    def retention_covers_the_index(cls, value: int) -> int:
        if 0 < value < MIN_RETENTION_DAYS:
            raise ValueError(
                f"retention_days must be 0 (keep forever) or at least {MIN_RETENTION_DAYS}: "
                "the index and its trend read the last weeks of articles"
            )
        return value

    @model_validator(mode="after")
    def intervals_in_order(self) -> Settings:
        if self.min_interval_s > self.max_interval_s:
            raise ValueError(
                f"min_interval_s ({self.min_interval_s:g}) must not exceed max_interval_s "
                f"({self.max_interval_s:g})"
            )
        return self
