"""`ceasewatch serve` as a real process: migrates, polls a loopback feed on its schedule,
scores what it stores, answers the API, and records job health."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.test_poll import STRIKE, rss
from tests.support.feed_server import FeedServer

ADMIN = "flows-admin-key-0123456789"
CLI = [sys.executable, "-m", "service.cli.entry"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate, timeout_s: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("CEASEWATCH_")},
        "CEASEWATCH_DATABASE_URL": database_url,
        "CEASEWATCH_ADMIN_KEY": ADMIN,
        "CEASEWATCH_ALLOW_PRIVATE_TARGETS": "true",
        "CEASEWATCH_INSTALL_DEFAULT_FEEDS": "false",  # the default feeds are on the internet
        "CEASEWATCH_POLL_EVERY_S": "1",
        # Check the feed again within seconds (its ttl floor is capped by the maximum).
        "CEASEWATCH_MIN_INTERVAL_S": "1",
        "CEASEWATCH_MAX_INTERVAL_S": "2",
        "CEASEWATCH_MODEL_DIR": str(tmp_path / "models"),
    }


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.static("/world.xml", rss(STRIKE), etag='"w1"')
        yield server


def test_serve_polls_scores_and_reports(env: dict[str, str], feed_server: FeedServer) -> None:
    add = subprocess.run(
        [*CLI, "feeds", "add", feed_server.url("/world.xml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert add.returncode == 0, add.stderr
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--role", "all"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {ADMIN}"}
    try:
        wait_until(lambda: httpx.get(f"{base}/readyz").status_code == 200)
        wait_until(
            lambda: httpx.get(f"{base}/api/v1/articles", headers=headers).json()["items"] != []
        )
        article = httpx.get(f"{base}/api/v1/articles", headers=headers).json()["items"][0]
        assert article["title"].startswith("Pakistani airstrikes")
        assert article["score"]["model_version"]
        assert "AF" in article["score"]["countries"]

        feeds = httpx.get(f"{base}/api/v1/feeds", headers=headers).json()
        assert feeds[0]["health"] == "healthy" and feeds[0]["last_status"] == 200

        # The scheduler keeps polling: the next polls are conditional and answered 304.
        wait_until(lambda: feed_server.count("/world.xml") >= 2)
        last = feed_server.requests("/world.xml")[-1]
        assert last.headers.get("if-none-match") == '"w1"'
        assert "Ceasewatch" in last.headers.get("user-agent", "")
        jobs = {j["name"]: j for j in httpx.get(f"{base}/api/v1/jobs", headers=headers).json()}
        assert jobs["poll"]["runs"] >= 1 and jobs["poll"]["failures"] == 0
        assert (
            httpx.get(f"{base}/api/v1/feeds", headers={"Authorization": "Bearer x"}).status_code
            == 401
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells the truth.
    assert proc.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert "Traceback" not in output
