"""Shared fixtures: every database test runs on a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from service.config import Settings
from service.db import make_engine
from service.migrate import upgrade
from tests.support.databases import postgres_schema, postgres_unavailable

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    return postgres_unavailable()


def shared_data() -> Path:
    """The shared corpora and captures, or a skip where a fresh clone has none."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (not part of the repository)")
    return SHARED_DATA


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_reason: str | None
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ceasewatch.db'}"
        return
    with postgres_schema(postgres_reason) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        allow_private_targets=True,
        install_default_feeds=False,
        model_dir=tmp_path / "models",
        admin_key=None,
        connect_timeout_s=2,
        read_timeout_s=3,
        fetch_deadline_s=5,
        backoff_base_s=60,
    )
