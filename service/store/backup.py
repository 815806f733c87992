"""Whole-table reads and writes for export and import, on a Connection (Core, not the ORM):
rows are streamed in batches, never a table at a time, and nothing here commits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import DateTime, Integer, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import service.models  # noqa: F401  (registers every table on the metadata)
from service.db import UTCDateTime


def tables() -> list[Table]:
    """Every table of the schema, parents before children (the order an import needs)."""
    return list(SQLModel.metadata.sorted_tables)


def table_named(name: str) -> Table | None:
    return SQLModel.metadata.tables.get(name)


def datetime_columns(table: Table) -> frozenset[str]:
    return frozenset(c.name for c in table.columns if isinstance(c.type, UTCDateTime | DateTime))


def schema_revision(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) if heads else None


def begin_snapshot(connection: Connection) -> None:
    """Starts a read transaction that sees one consistent state of every table.

    PostgreSQL: REPEATABLE READ on the connection. SQLite: the driver starts transactions only
    for writes, so without an explicit BEGIN each SELECT would see the latest commit and a
    story stored mid-export could appear in article_sources but not in articles."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
    else:
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))


def stream_rows(connection: Connection, table: Table, *, batch: int) -> Iterator[dict[str, Any]]:
    """Every row in primary-key order, fetched `batch` at a time (a server-side cursor on
    PostgreSQL; SQLite's cursor fetches lazily)."""
    query = select(table).order_by(*table.primary_key.columns)
    result = connection.execution_options(stream_results=True, yield_per=batch).execute(query)
    for row in result.mappings():
        yield dict(row)


def row_counts(connection: Connection) -> dict[str, int]:
    return {
        t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
        for t in tables()
    }


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        connection.execute(table.insert(), list(rows))


def fix_sequences(connection: Connection) -> None:
    """After rows came in with their ids, PostgreSQL's sequences must continue after them
    (SQLite's AUTOINCREMENT-less ids already do)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer):
            continue
        column = pk[0].name
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'(SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table.name}"), false)'
            ),
            {"table": table.name, "column": column},
        )


def article_reference(table: Table) -> str | None:
    """The column of `table` that points at articles.id, if any (sources, scores, labels...)."""
    for fk in table.foreign_keys:
        if fk.column.table.name == "articles":
            return str(fk.parent.name)
    return None


def labelled_article_ids(connection: Connection) -> set[int]:
    labels = SQLModel.metadata.tables["labels"]
    rows = connection.execution_options(yield_per=1000).execute(select(labels.c.article_id))
    return {int(i) for i in rows.scalars()}


def evidence_article_ids(connection: Connection) -> set[int]:
    alerts = SQLModel.metadata.tables["alerts"]
    ids: set[int] = set()
    rows = connection.execution_options(yield_per=1000).execute(select(alerts.c.evidence))
    for evidence in rows.scalars():
        for item in evidence or []:
            if isinstance(item, dict) and isinstance(item.get("article_id"), int):
                ids.add(item["article_id"])
    return ids
