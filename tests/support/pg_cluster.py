"""A throwaway PostgreSQL cluster of the test's own, so that a test may restart it.

The shared server on 127.0.0.1:5432 serves everybody's tests; restarting it would break them.
This runs ``initdb`` into a temporary directory and a postmaster on a free loopback port, with
durability off (a test database need not survive a power cut). As root the binaries run as the
``postgres`` OS user, since PostgreSQL refuses to run as root.

    with PrivateCluster.create() as cluster:   # skips (or fails in CI) without the binaries
        cluster.url                             # postgresql+psycopg://postgres@127.0.0.1:P/...
        cluster.restart()                       # pg_ctl restart -m fast
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import psycopg
import pytest

DATABASE = "ceasewatch"


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    # Debian and Ubuntu keep the server binaries out of the PATH, one directory per version.
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CEASEWATCH_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"a private PostgreSQL cluster is required but {reason}")
    pytest.skip(reason)


class PrivateCluster:
    def __init__(self, bin_dir: Path, run_as: list[str], owner: pwd.struct_passwd | None) -> None:
        self.bin_dir, self._run_as, self._owner = bin_dir, run_as, owner
        self.dir = Path(tempfile.mkdtemp(prefix="ceasewatch-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = _free_port()

    @classmethod
    def create(cls) -> PrivateCluster:
        bin_dir = _bin_dir()
        if bin_dir is None:
            _unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        assert bin_dir is not None
        run_as: list[str] = []
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                _unavailable("running as root and there is no postgres OS user to run initdb as")
            run_as = ["runuser", "-u", "postgres", "--"]
        return cls(bin_dir, run_as, owner)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run(
            [*self._run_as, str(self.bin_dir / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}\n{log[-3000:]}")

    def start(self) -> PrivateCluster:
        if self._owner is not None:
            os.chown(self.dir, self._owner.pw_uid, self._owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.dir}'",
            "max_connections": "300",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        self._pg_ctl("start")
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        return self

    def _pg_ctl(self, action: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                  "-m", "fast", action)

    def restart(self, *, down_for_s: float = 0.0) -> None:
        """Fast shutdown (every session is ended, open transactions roll back), then start,
        after `down_for_s` seconds with nothing listening (a plain restart takes 0.2 s)."""
        if not down_for_s:
            self._pg_ctl("restart")
            return
        self._pg_ctl("stop")
        time.sleep(down_for_s)
        self._pg_ctl("start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PrivateCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
