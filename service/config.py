"""Settings: the only place that reads the environment (prefix CEASEWATCH_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./ceasewatch.db"
# The default index reads 10 half-lives of 24 h plus a 7-day trend (17 days); a month keeps the
# dashboard's views whole. `ceasewatch prune` also checks the watches' own half-lives.
MIN_RETENTION_DAYS = 30


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
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    fetch_deadline_s: float = 60.0
    max_body_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    fetch_concurrency: int = 50
    per_host_concurrency: int = 4

    # Scheduling.
    poll_every_s: float = 30.0
    evaluate_every_s: float = 60.0
    poll_batch_size: int = 500
    lease_s: float = 300.0
    min_interval_s: float = 300.0
    max_interval_s: float = 4 * 3600.0
    default_interval_s: float = 900.0
    backoff_base_s: float = 60.0
    backoff_cap_s: float = 6 * 3600.0

    # Retention: articles older than this (published and first seen) are pruned daily, except
    # alert evidence and labelled articles. 0 keeps everything forever.
    retention_days: int = Field(default=400, ge=0)
    prune_every_s: float = Field(default=24 * 3600.0, gt=0)
    prune_batch_size: int = Field(default=1000, ge=1, le=10000)

    # Webhook delivery.
    deliver_every_s: float = 1.0
    delivery_lease_s: float = 60.0
    delivery_timeout_s: float = 15.0
    delivery_concurrency: int = 200
    delivery_per_endpoint: int = 4
    delivery_rate_per_endpoint: float = Field(default=20.0, gt=0)
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
