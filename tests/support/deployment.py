"""Several `ceasewatch serve` processes on one private PostgreSQL cluster, with the feed server
and webhook receiver they talk to, and what a test asks of them: start, wait until ready, make
every feed due (a poll cycle), wait until the cycle is done and count requests per feed, wait
until every event is delivered, and read the database directly.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.support.bulk_feed_server import BulkFeedServer
from tests.support.pg_cluster import PrivateCluster
from tests.support.webhook_receiver import WebhookReceiver

CLI = [sys.executable, "-m", "service.cli.entry"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    role: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.proc.poll() is None


@dataclass
class Probe:
    """Asks every API process for /api/v1/status and /readyz, over and over, from a thread."""

    bases: list[str]
    headers: dict[str, str]
    results: list[tuple[float, str, str]] = field(default_factory=list)  # (time, url, outcome)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(timeout=10, headers=self.headers) as client:
            while not self.stop.is_set():
                for url in (f"{b}{route}" for b in self.bases
                            for route in ("/api/v1/status", "/readyz")):
                    try:
                        outcome = str(client.get(url).status_code)
                    except httpx.HTTPError as exc:  # the process did not answer at all
                        outcome = type(exc).__name__
                    self.results.append((time.monotonic(), url, outcome))
                self.stop.wait(0.2)

    def failures(self, since: float = 0.0, until: float = float("inf")) -> list[Any]:
        return [r for r in self.results if since <= r[0] <= until and r[2] != "200"]


class Deployment:
    """The service processes of one test, their database, feed server and webhook receiver.

    `settings` are CEASEWATCH_* variables for every process, on top of the database URL.
    """

    def __init__(self, cluster: PrivateCluster, feeds: BulkFeedServer, rx: WebhookReceiver,
                 tmp: Path, settings: dict[str, str]) -> None:
        self.cluster, self.feeds, self.rx, self.tmp = cluster, feeds, rx, tmp
        self.processes: list[Process] = []
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CEASEWATCH_")},
            "CEASEWATCH_DATABASE_URL": cluster.url,
            **settings,
        }

    def start(self, role: str) -> Process:
        port = free_port()
        log = self.tmp / f"{role}-{port}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*CLI, "serve", "--port", str(port), "--role", role],
                env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )
        process = Process(role, port, proc, log)
        self.processes.append(process)
        return process

    def wait_ready(self, processes: list[Process], timeout_s: float = 180) -> None:
        def ready(p: Process) -> bool:
            assert p.alive(), f"{p.role} process died:\n{p.log.read_text()[-3000:]}"
            try:
                return httpx.get(f"{p.base}/readyz", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait(lambda: all(ready(p) for p in processes), timeout_s, "processes ready")

    def stop_all(self) -> None:
        for p in self.processes:
            if p.alive():
                p.proc.send_signal(signal.SIGTERM)
        for p in self.processes:
            try:
                p.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.proc.kill()
                p.proc.wait()

    def logs(self) -> str:
        """Each process's log without the routine lines, and what the database is doing."""
        routine = ("maximum number of running instances", '"GET /', "Application startup",
                   "Waiting for application", "Uvicorn running", "Started server process")
        parts = []
        for p in self.processes:
            lines = [ln for ln in p.log.read_text().splitlines()
                     if not any(r in ln for r in routine)]
            parts.append(f"--- {p.role}:{p.port} (pid {p.proc.pid}, exit {p.proc.poll()})\n"
                         + "\n".join(lines)[-6000:])
        try:
            activity = self.sql(
                "SELECT pid, state, wait_event, now() - xact_start, left(query, 200) "
                "FROM pg_stat_activity WHERE datname = current_database()")
            parts.append("--- pg_stat_activity\n" + "\n".join(map(str, activity)))
        except psycopg.Error as exc:
            parts.append(f"--- pg_stat_activity unavailable: {exc}")
        return "\n".join(parts)

    # -- the database, read and nudged directly ---------------------------------------------
    def sql(self, query: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.cluster.dsn, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def start_cycle(self) -> dict[int, int]:
        """Makes every feed due now; returns the request counts so far."""
        before = self.feeds.counts()
        self.sql("UPDATE feeds SET next_check_at = %(now)s", {"now": naive_utc()})
        return before

    def finish_cycle(self, before: dict[int, int], timeout_s: float = 180) -> dict[int, int]:
        """Waits until every feed was fetched and rescheduled, with no lease left; returns the
        requests per feed in this cycle, after a pause that would reveal a second fetch."""
        soon = naive_utc() + timedelta(minutes=30)

        def done() -> bool:
            counts = self.feeds.counts()
            if any(counts.get(n, 0) <= before.get(n, 0) for n in range(self.feeds.feeds)):
                return False
            [(left,)] = self.sql(
                "SELECT count(*) FROM feeds WHERE next_check_at < %(soon)s "
                "OR lease_owner IS NOT NULL", {"soon": soon})
            return int(left) == 0

        wait(done, timeout_s, "every feed polled and rescheduled")
        time.sleep(2)  # four poll ticks: a double poll would show now
        counts = self.feeds.counts()
        return {n: counts.get(n, 0) - before.get(n, 0) for n in range(self.feeds.feeds)}

    def feed_number(self, url: str) -> int:
        return int(url.rsplit("/", 1)[1].removesuffix(".xml"))

    def wait_delivered(self, paths: dict[int, str], timeout_s: float = 120) -> set[str]:
        """Waits until every event reached every subscription; returns the event ids."""
        def done() -> bool:
            [(pending,)] = self.sql("SELECT count(*) FROM deliveries WHERE status <> 'delivered'")
            return int(pending) == 0

        wait(done, timeout_s, "every delivery delivered")
        events = {e for (e,) in self.sql("SELECT event_id FROM outbox_events")}
        for sub_id, path in paths.items():
            queued = {e for (e,) in self.sql(
                "SELECT o.event_id FROM deliveries d JOIN outbox_events o ON o.id = d.event_id "
                "WHERE d.subscription_id = %(s)s", {"s": sub_id})}
            assert queued == events, f"{path}: events without a delivery"
            received = {d.webhook_id for d in self.rx.accepted(path)}
            assert received == events, f"{path}: missing {events - received}"
        assert self.rx.rejected() == []
        return events

    def unrecorded_sends(self, paths: dict[int, str]) -> dict[tuple[str, str], int]:
        """Requests the receiver got beyond the attempts the database recorded, per (path,
        webhook-id): a send nobody accounted for, as when two workers send one delivery. A
        retry after a timeout is recorded, so it is no surprise; only a killed worker's send,
        or one whose record died with the database, should show here."""
        got: dict[tuple[str, str], int] = {}
        for d in self.rx.deliveries():
            got[(d.path, d.webhook_id)] = got.get((d.path, d.webhook_id), 0) + 1
        recorded = {(paths[s], e): n for s, e, n in self.sql(
            "SELECT d.subscription_id, o.event_id, d.attempts FROM deliveries d "
            "JOIN outbox_events o ON o.id = d.event_id")}
        return {k: n - recorded.get(k, 0) for k, n in got.items() if n != recorded.get(k, 0)}

    def leases_of(self, table: str, pid: int) -> list[tuple[Any, ...]]:
        return self.sql(f"SELECT id FROM {table} WHERE lease_owner LIKE %(p)s",
                        {"p": f"%:{pid}:%"})


def naive_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def wait(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not reached within {timeout_s:.0f} s: {what}")


def pid_of(owner: str) -> int:
    return int(owner.split(":")[-2])
