"""Liveness, readiness, status, job health and models."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from service.api.deps import ContextDep, SessionDep, Viewer
from service.clock import utcnow
from service.migrate import is_at_head
from service.ops import models as model_ops
from service.ops import status as status_ops
from service.schemas import (
    HealthOut,
    JobHealthOut,
    ModelOut,
    Problem,
    StatusOut,
)
from service.store import state

router = APIRouter()
AUTH_ERRORS: dict[int | str, dict[str, object]] = {401: {"model": Problem}, 403: {"model": Problem}}


@router.get("/healthz", response_model=HealthOut, tags=["health"])
def healthz() -> HealthOut:
    """The process is alive and answering."""
    return HealthOut(status="ok")


@router.get(
    "/readyz", response_model=HealthOut, responses={503: {"model": HealthOut}}, tags=["health"]
)
def readyz(ctx: ContextDep) -> JSONResponse:
    """Ready to serve: the database answers, its schema is current, and a model is loaded."""
    checks: dict[str, str] = {}
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        at_head = is_at_head(ctx.engine, ctx.settings.database_url)
        checks["database"] = "ok"
        checks["migrations"] = (
            "ok" if at_head else "schema is not at head: run `ceasewatch migrate`"
        )
    except Exception as exc:  # any database failure means not ready, with the reason
        checks["database"] = f"unreachable: {type(exc).__name__}"
    scorer = ctx.model.scorer
    checks["model"] = f"ok ({scorer.version})" if scorer else (ctx.model.last_error or "not loaded")
    ready = all(v == "ok" or v.startswith("ok ") for v in checks.values())
    body = HealthOut(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


@router.get("/api/v1/status", response_model=StatusOut, responses=AUTH_ERRORS, tags=["system"])
def status(session: SessionDep, ctx: ContextDep, _: Viewer) -> StatusOut:
    """Whether things are fine: watches, feed health, delivery backlog, model, jobs."""
    body = status_ops.status(
        session,
        now=utcnow(),
        started_at=ctx.started_at,
        stale_after_s=3 * ctx.settings.max_interval_s,
    )
    return StatusOut.model_validate(body)


@router.get(
    "/api/v1/jobs", response_model=list[JobHealthOut], responses=AUTH_ERRORS, tags=["system"]
)
def jobs(session: SessionDep, _: Viewer) -> list[JobHealthOut]:
    return [JobHealthOut.model_validate(j.model_dump()) for j in state.list_job_health(session)]


@router.get("/api/v1/models", response_model=list[ModelOut], responses=AUTH_ERRORS, tags=["models"])
def models(session: SessionDep, _: Viewer) -> list[ModelOut]:
    active = model_ops.active_version(session)
    return [
        ModelOut(
            version=m.version,
            sha256=m.sha256,
            active=active is not None and active.version == m.version,
            created_at=m.created_at,
            metrics=m.metrics,
        )
        for m in model_ops.list_versions(session)
    ]
