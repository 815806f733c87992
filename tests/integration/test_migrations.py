"""The schema comes only from migrations, and they go up and down on both databases."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import SQLModel

import service.models  # noqa: F401
from service.db import make_engine
from service.migrate import downgrade, is_at_head, upgrade


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
        assert is_at_head(engine, database_url)

        downgrade(database_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert not is_at_head(engine, database_url)

        upgrade(database_url)
        assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_match_the_models(database_url: str) -> None:
    """Autogenerate finds nothing to do: the models and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
    finally:
        engine.dispose()
