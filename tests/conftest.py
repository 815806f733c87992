"""Shared fixtures: every database test runs on a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import Engine

from service.config import Settings
from service.db import make_engine
from service.migrate import upgrade

PG_ADMIN_DSN = os.environ.get("CEASEWATCH_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def _postgres_available() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_ADMIN_DSN} is not reachable: {exc}"


@pytest.fixture(scope="session")
def postgres_reason() -> str | None:
    return _postgres_available()


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
    if postgres_reason:
        if os.environ.get("CEASEWATCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(postgres_reason)
        pytest.skip(postgres_reason)
    # A schema per test keeps tests apart without the cost of CREATE DATABASE.
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    base = PG_ADMIN_DSN.replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


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
