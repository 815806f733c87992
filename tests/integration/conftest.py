"""The in-process API client, shared by the API tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from service.api.app import create_app
from service.config import Settings
from tests.support.api import ADMIN


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"admin_key": ADMIN}), role="api")
    with TestClient(app) as c:
        yield c
