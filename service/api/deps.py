"""Request-scoped dependencies: the unit of work and the caller's API key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.engine import Engine
from sqlmodel import Session

from service.config import Settings
from service.db import session_scope
from service.ops import keys
from service.ops.models import ActiveModel


@dataclass
class AppContext:
    settings: Settings
    engine: Engine
    model: ActiveModel
    started_at: datetime
    role: str


def context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def db_session(ctx: Annotated[AppContext, Depends(context)]) -> Iterator[Session]:
    with session_scope(ctx.engine) as session:
        yield session


@dataclass(frozen=True)
class Caller:
    key_id: int
    role: str


def require(role: str) -> Callable[..., Caller]:
    """A dependency that admits keys whose role grants `role` (admin grants everything)."""

    def check(request: Request, session: Annotated[Session, Depends(db_session)]) -> Caller:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(
                401,
                "missing API key: send 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        row = keys.authenticate(session, token.strip())
        if row is None or row.id is None:
            raise HTTPException(
                401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"}
            )
        if not keys.allows(row.role, role):
            raise HTTPException(403, f"this key has role {row.role!r}; this needs {role!r}")
        return Caller(key_id=row.id, role=row.role)

    return check


SessionDep = Annotated[Session, Depends(db_session)]
ContextDep = Annotated[AppContext, Depends(context)]
Viewer = Annotated[Caller, Depends(require("viewer"))]
Operator = Annotated[Caller, Depends(require("operator"))]
