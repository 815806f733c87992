"""Running Alembic from code, so `ceasewatch migrate` and `serve` need no alembic.ini.

Every process migrates on start (`serve`, each CLI command), and in a compose deployment the
API and the workers start at the same moment. Two Alembic runs on a fresh database both see no
`alembic_version`, both create the first table, and all but one fail ("already exists"). So a
migration runs under an exclusive lock: a PostgreSQL advisory lock held on the connection that
migrates, or, for a SQLite file, an flock on a file beside it. Whoever waited then finds the
schema at head and has nothing to do.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import NullPool

import migrations

log = logging.getLogger(__name__)

# pg_advisory_lock takes a bigint; any fixed number works as long as nothing else in the same
# database uses it. These are the first 8 bytes of sha256("ceasewatch.migrate"), signed.
PG_MIGRATION_LOCK = -730_634_582_636_603_750


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    # '%' would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    _locked(database_url, lambda config: command.upgrade(config, revision))


def downgrade(database_url: str, revision: str) -> None:
    _locked(database_url, lambda config: command.downgrade(config, revision))


def is_at_head(engine: Engine, database_url: str) -> bool:
    heads = set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current == heads


def _locked(database_url: str, run: Callable[[Config], None]) -> None:
    config = alembic_config(database_url)
    with migration_lock(database_url) as conn:
        if conn is not None:
            # migrations/env.py runs on this connection, so the lock and the DDL share a session.
            config.attributes["connection"] = conn
        run(config)


@contextmanager
def migration_lock(database_url: str) -> Iterator[Connection | None]:
    """Held by whoever migrates this database; others wait. Yields PostgreSQL's connection."""
    backend = make_url(database_url).get_backend_name()
    if backend == "postgresql":
        with _postgres_lock(database_url) as conn:
            yield conn
    elif backend == "sqlite":
        with _sqlite_file_lock(database_url):
            yield None
    else:
        yield None


@contextmanager
def _postgres_lock(database_url: str) -> Iterator[Connection]:
    # NullPool: closing the connection ends the session, and with it the lock, even when the
    # migration failed halfway and the connection is unusable; no explicit unlock can be missed.
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": PG_MIGRATION_LOCK}
            ).scalar_one()
            if not got:
                log.info("another process is migrating this database; waiting for it")
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            # A session-level lock outlives this commit; Alembic then opens its own transaction.
            conn.commit()
            yield conn
    finally:
        engine.dispose()


@contextmanager
def _sqlite_file_lock(database_url: str) -> Iterator[None]:
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield  # one process's own database: nobody to race with
        return
    # A separate file: an flock on the database itself is safe from SQLite's own fcntl locks,
    # but closing any descriptor of that file would drop the locks SQLite holds in this process.
    lock_path = Path(database).with_name(Path(database).name + "-migrate.lock")
    with open(lock_path, "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another process is migrating %s; waiting for it", database)
            fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
