"""Engine and session factory, and what processes sharing one database need.

SQLite gets WAL, foreign keys and a busy timeout so the API and the scheduler threads can share
one file; PostgreSQL gets pre-ping so a restarted server does not fail the next request, and
connect and keepalive timeouts so a vanished one does not hang it. Any number of API and worker
processes may share one PostgreSQL: they take turns at start-up (`startup_lock`), name
themselves in the leases they hold (`lease_owner`), and retry what PostgreSQL rolled back to
break a deadlock (`is_transient`).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Session, create_engine


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite has no time zones, so we keep one convention."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


PG_CONNECT_DEFAULTS = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Without these a server that vanished (a network cut, not a clean restart) could hang a
    # connection attempt or a waiting query for the kernel's default of two hours, and with it
    # the scheduler job that holds it. Settings given in the URL win.
    query = make_url(url).query
    libpq = {k: v for k, v in PG_CONNECT_DEFAULTS.items() if k not in query}
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=10, connect_args=libpq
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: commits on success, rolls back on error. Only entry points use it."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def lease_owner() -> str:
    """A name for one claim's holder: host and process id, so that an operator (or a test) can
    tell which worker holds a lease, and a random part, so that every run's claim is its own.
    At most 64 characters, the width of the lease_owner columns."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:16]}"


def is_transient(exc: BaseException) -> bool:
    """A deadlock or a serialisation failure: PostgreSQL rolled the transaction back, and the
    same work tried again (in a new transaction) normally succeeds."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in {"40P01", "40001"}


# Any fixed number: the key of the PostgreSQL advisory lock that start-up work takes.
STARTUP_LOCK_KEY = 0x63657773  # "cews"


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Lets one process at a time do start-up work (migrations, first-run rows).

    Several API and worker processes may start at once on one PostgreSQL; without this, two
    of them run the same DDL or insert the same first-run row and one dies of it. A session-level
    advisory lock is released when its connection closes, so a process killed while holding it
    blocks nobody. SQLite is for one process, so nothing is taken there.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK_KEY})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK_KEY})
