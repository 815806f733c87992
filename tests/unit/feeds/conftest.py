"""Fixtures for the feeds tests: a loopback feed server and the shared real-data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.feed_server import FeedServer

# tests/unit/feeds/conftest.py -> repo root is parents[3]; the data sits beside the repo.
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture(scope="session")
def shared_feeds() -> Path:
    folder = SHARED_DATA / "feeds"
    if not folder.is_dir():
        pytest.skip(f"real feed documents not found at {folder} (../shared/data is absent)")
    return folder
