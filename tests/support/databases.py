"""The test PostgreSQL: whether it answers, and a fresh schema per test (or per module)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

PG_ADMIN_DSN = os.environ.get("CEASEWATCH_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_unavailable() -> str | None:
    """Why the test PostgreSQL cannot be used, or None."""
    try:
        with psycopg.connect(PG_ADMIN_DSN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_ADMIN_DSN} is not reachable: {exc}"


@contextmanager
def postgres_schema(postgres_reason: str | None) -> Iterator[str]:
    """A fresh schema in the test database, as a SQLAlchemy URL, dropped afterwards. A schema
    per test keeps tests apart without the cost of CREATE DATABASE. Skips where PostgreSQL is
    not reachable, unless CI requires it (CEASEWATCH_REQUIRE_POSTGRES=1)."""
    if postgres_reason:
        if os.environ.get("CEASEWATCH_REQUIRE_POSTGRES") == "1":
            pytest.fail(postgres_reason)
        pytest.skip(postgres_reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    base = PG_ADMIN_DSN.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
