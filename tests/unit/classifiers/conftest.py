"""Fixtures for the classifier tests: the shipped model (no shared data needed) and the shared
data folder (tests that need it skip with a reason when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.artifacts import default_model_path, load_model
from classifiers.scoring import Scorer

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    return load_model(default_model_path())


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    if not (SHARED_DATA / "corpora").is_dir():
        pytest.skip(f"needs the shared corpora at {SHARED_DATA} (absent in a fresh clone)")
    return SHARED_DATA
