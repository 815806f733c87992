"""Migrations are safe when several processes start at once (compose: an API and workers).

Without the lock, concurrent Alembic runs on a fresh database fail with "table already
exists" in most runs, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from alembic.util.exc import CommandError

from service.db import make_engine
from service.migrate import is_at_head, migration_lock, upgrade
from tests.conftest import REPO


def _at_head(database_url: str) -> bool:
    engine = make_engine(database_url)
    try:
        return is_at_head(engine, database_url)
    finally:
        engine.dispose()


def test_upgrade_waits_while_another_holds_the_lock(database_url: str) -> None:
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(database_url)
        except BaseException as exc:  # reported below rather than lost in the thread
            errors.append(exc)

    with migration_lock(database_url):
        worker = threading.Thread(target=migrate)
        worker.start()
        worker.join(timeout=2.0)
        assert worker.is_alive(), "upgrade ran while another process held the migration lock"
        assert not _at_head(database_url)
    worker.join(timeout=60)
    assert not worker.is_alive() and errors == []
    assert _at_head(database_url)


def test_a_failed_migration_releases_the_lock(database_url: str) -> None:
    with pytest.raises(CommandError):
        upgrade(database_url, "no-such-revision")
    done = threading.Event()
    worker = threading.Thread(target=lambda: (upgrade(database_url), done.set()))
    worker.start()
    worker.join(timeout=60)
    assert done.is_set()
    assert _at_head(database_url)


@pytest.mark.slow
def test_processes_migrating_at_once_all_succeed(database_url: str) -> None:
    code = "import sys; from service.migrate import upgrade; upgrade(sys.argv[1])"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, database_url],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], "\n".join(outputs)
    assert _at_head(database_url)
