"""Request-scoped dependencies: the unit of work and the caller's API key.

Who may do what (issue 6): admin everything, keys included; operator feeds, watches, labels,
models and silences, and reads; viewer reads; subscriber its own subscriptions and their
deliveries, and nothing else. `service.ops.keys.GRANTS` says which roles include which."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request, Security
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
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


# "function" scope commits before the response is sent: a client that got 201 can read what it
# made at once, and a failed commit answers an error instead of a success already sent.
SessionDep = Annotated[Session, Depends(db_session, scope="function")]
ContextDep = Annotated[AppContext, Depends(context)]
# Declares the scheme in OpenAPI; the check below answers 401 itself, with a useful message.
bearer = HTTPBearer(
    auto_error=False, scheme_name="apiKey", description="An API key: `Authorization: Bearer <key>`"
)


# Ids are 32-bit integers in the database: anything larger names nothing, and SQLite cannot even
# bind it. Routes also write `{name:int}` in their paths, so `/feeds/import` never reads as an id.
MAX_ID = 2**31 - 1


def id_path(what: str, *, example: int = 1) -> Any:
    return Path(ge=1, le=MAX_ID, description=f"the {what}'s id", examples=[example])


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def known_query_only(request: Request) -> None:
    """Refuses query parameters the route does not take: a misspelt filter (`?limt=5`,
    `?wacth=`) would otherwise be ignored, and the caller would get everything without knowing
    why. A router dependency of every /api/v1 router."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = f"it takes {', '.join(sorted(known))}" if known else "it takes none"
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("query", name),
                    "msg": f"is not a parameter of this route ({takes})",
                }
                for name in unknown
            ]
        )


STRICT_QUERY = [Depends(known_query_only)]


@dataclass(frozen=True)
class Caller:
    key_id: int
    role: str


def require(role: str) -> Callable[..., Caller]:
    """A dependency that admits keys whose role grants `role` (admin grants everything)."""

    def check(
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    ) -> Caller:
        token = credentials.credentials.strip() if credentials else ""
        if not token:
            raise HTTPException(
                401,
                "missing API key: send 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        row = keys.authenticate(session, token)
        if row is None or row.id is None:
            raise HTTPException(
                401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"}
            )
        if not keys.allows(row.role, role):
            raise HTTPException(403, f"this key has role {row.role!r}; this needs {role!r}")
        return Caller(key_id=row.id, role=row.role)

    return check


Viewer = Annotated[Caller, Depends(require("viewer"))]
Operator = Annotated[Caller, Depends(require("operator"))]
Subscriber = Annotated[Caller, Depends(require("subscriber"))]
Admin = Annotated[Caller, Depends(require("admin"))]
