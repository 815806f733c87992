"""API keys: created once and shown once, stored as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session

from service.models import ApiKey
from service.ops.errors import InputError
from service.store import state

ROLES = ("admin", "operator", "viewer", "subscriber")
# Which roles a role includes: an admin may do what an operator may, and so on.
GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset(ROLES),
    "operator": frozenset({"operator", "viewer"}),
    "viewer": frozenset({"viewer"}),
    "subscriber": frozenset({"subscriber"}),
}


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, *, role: str, name: str | None, now: datetime) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    key = "cw_" + secrets.token_urlsafe(32)
    state.add_key(
        session,
        ApiKey(key_hash=hash_key(key), prefix=key[:10], role=role, name=name, created_at=now),
    )
    return key


def bootstrap_admin(session: Session, key: str, *, now: datetime) -> bool:
    """Registers CEASEWATCH_ADMIN_KEY as an admin key; True when it was new."""
    if len(key) < 16:
        raise InputError("CEASEWATCH_ADMIN_KEY must be at least 16 characters long")
    if state.key_by_hash(session, hash_key(key)) is not None:
        return False
    state.add_key(
        session,
        ApiKey(
            key_hash=hash_key(key), prefix=key[:6], role="admin", name="bootstrap", created_at=now
        ),
    )
    return True


def authenticate(session: Session, key: str) -> ApiKey | None:
    row = state.key_by_hash(session, hash_key(key))
    if row is None or row.revoked_at is not None:
        return None
    return row


def allows(role: str, needed: str) -> bool:
    return needed in GRANTS.get(role, frozenset())
