"""Helpers for tests that talk to the API in-process."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from service.clock import utcnow
from service.db import session_scope
from service.ops import keys as key_ops

ADMIN = "admin-key-for-tests-0123456789"


def key(engine: Engine, role: str) -> dict[str, str]:
    """A new API key of `role`, as an Authorization header."""
    with session_scope(engine) as session:
        token = key_ops.create_key(session, role=role, name=role, now=utcnow())
    return {"Authorization": f"Bearer {token}"}
