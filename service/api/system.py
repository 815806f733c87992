"""Liveness, readiness, status, job health and models."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from service.api.deps import STRICT_QUERY, ContextDep, Operator, SessionDep, Viewer
from service.api.errors import AUTH, problems
from service.clock import utcnow
from service.migrate import is_at_head
from service.models import ModelVersion
from service.ops import models as model_ops
from service.ops import status as status_ops
from service.schemas import (
    HealthOut,
    JobHealthOut,
    ModelOut,
    StatusOut,
)
from service.store import state

router = APIRouter(dependencies=STRICT_QUERY)


@router.get("/healthz", response_model=HealthOut, tags=["health"])
def healthz() -> HealthOut:
    """The process is alive and answering."""
    return HealthOut(status="ok")


@router.get(
    "/readyz",
    response_model=HealthOut,
    responses={503: {"model": HealthOut, "description": "Not ready; `checks` says why."}},
    tags=["health"],
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


@router.get("/api/v1/status", response_model=StatusOut, responses=problems(*AUTH), tags=["system"])
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
    "/api/v1/jobs", response_model=list[JobHealthOut], responses=problems(*AUTH), tags=["system"]
)
def jobs(session: SessionDep, _: Viewer) -> list[JobHealthOut]:
    return [JobHealthOut.model_validate(j.model_dump()) for j in state.list_job_health(session)]


@router.get(
    "/api/v1/models", response_model=list[ModelOut], responses=problems(*AUTH), tags=["models"]
)
def models(session: SessionDep, _: Viewer) -> list[ModelOut]:
    active = model_ops.active_version(session)
    return [model_out(m, active) for m in model_ops.list_versions(session)]


def model_out(row: ModelVersion, active: ModelVersion | None) -> ModelOut:
    return ModelOut(
        version=row.version,
        sha256=row.sha256,
        active=active is not None and active.version == row.version,
        created_at=row.created_at,
        metrics=model_ops.headline_metrics(row),
    )


def _activate(ctx: ContextDep, *, version: str | None) -> ModelOut:
    row = ctx.model.activate(version, now=utcnow())
    return model_out(row, row)


@router.post(
    "/api/v1/models/{version}/promote",
    response_model=ModelOut,
    responses=problems(*AUTH, 404, 422),
    tags=["models"],
)
def promote_model(version: str, ctx: ContextDep, _: Operator) -> ModelOut:
    """Activates a registered version, after loading and verifying it."""
    return _activate(ctx, version=version)


@router.post(
    "/api/v1/models/rollback",
    response_model=ModelOut,
    responses=problems(*AUTH, 409),
    tags=["models"],
)
def rollback_model(ctx: ContextDep, _: Operator) -> ModelOut:
    """Undoes the newest promotion not yet undone, re-activating the version before it;
    repeated rollbacks step further back. 409 when no earlier version is left."""
    return _activate(ctx, version=None)
