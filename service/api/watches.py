"""/api/v1/watches, /alerts and /silences."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from service.api.deps import STRICT_QUERY, Operator, SessionDep, Viewer, id_path
from service.api.errors import AUTH, problems
from service.clock import utcnow
from service.models import Alert, Silence, Watch
from service.ops import silences as silence_ops
from service.ops import watches as watch_ops
from service.ops.errors import NotFound
from service.ops.series import current_and_trend, index_series
from service.schemas import (
    AlertOut,
    IndexPointOut,
    IsoDateTime,
    SilenceIn,
    SilenceOut,
    WatchOut,
    WatchPatch,
)
from service.store import watches as watch_store

router = APIRouter(prefix="/api/v1", tags=["watches"], dependencies=STRICT_QUERY)
AlertId = Annotated[int, id_path("alert")]
SilenceId = Annotated[int, id_path("silence")]
Slug = Annotated[str, Path(description="the watch's slug", examples=["pakistan-afghanistan"])]
# Examples name what tests/support/api.py seeds; deleting the other watch leaves this one be.
OtherSlug = Annotated[str, Path(description="the watch's slug", examples=["india-pakistan"])]
AlertState = Literal["pending", "firing", "resolved", "cancelled"]


def watch_out(session: SessionDep, watch: Watch) -> WatchOut:
    index, trend = current_and_trend(session, watch, now=utcnow())
    open_alert = watch_store.open_alert(session, watch.id or 0)
    return WatchOut.model_validate(
        {
            **watch.model_dump(),
            "index": index,
            "trend": trend,
            "level": open_alert.level if open_alert and open_alert.state == "firing" else "calm",
            "open_alert_id": open_alert.id if open_alert else None,
        }
    )


def silence_out(session: SessionDep, silence: Silence) -> SilenceOut:
    watch = session.get(Watch, silence.watch_id) if silence.watch_id else None
    return SilenceOut.model_validate(
        {**silence.model_dump(), "watch": watch.slug if watch else None}
    )


def alert_out(alert: Alert, slug: str) -> AlertOut:
    return AlertOut.model_validate({**alert.model_dump(), "watch": slug})


@router.get("/watches", response_model=list[WatchOut], responses=problems(*AUTH))
def list_watches(session: SessionDep, _: Viewer) -> list[WatchOut]:
    return [watch_out(session, w) for w in watch_store.list_watches(session)]


@router.post(
    "/watches",
    response_model=WatchOut,
    status_code=201,
    responses=problems(*AUTH, 409, 422),
)
def create_watch(body: watch_ops.WatchSpec, session: SessionDep, _: Operator) -> WatchOut:
    return watch_out(session, watch_ops.create_watch(session, body, now=utcnow()))


@router.post(
    "/watches/presets/{slug}", response_model=WatchOut, responses=problems(*AUTH, 404, 422)
)
def enable_preset(slug: OtherSlug, session: SessionDep, _: Operator) -> WatchOut:
    return watch_out(session, watch_ops.enable_preset(session, slug, now=utcnow()))


@router.get("/watches/{slug}", response_model=WatchOut, responses=problems(*AUTH, 404, 422))
def get_watch(slug: Slug, session: SessionDep, _: Viewer) -> WatchOut:
    return watch_out(session, watch_ops.get_watch(session, slug))


@router.patch(
    "/watches/{slug}", response_model=WatchOut, responses=problems(*AUTH, 404, 422)
)
def patch_watch(slug: Slug, body: WatchPatch, session: SessionDep, _: Operator) -> WatchOut:
    """Changes the fields given; thresholds are checked together with the unchanged ones."""
    changes = body.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    return watch_out(session, watch_ops.update_watch(session, slug, changes, now=utcnow()))


@router.delete("/watches/{slug}", status_code=204, responses=problems(*AUTH, 404, 422))
def delete_watch(slug: OtherSlug, session: SessionDep, _: Operator) -> Response:
    watch_ops.delete_watch(session, slug, now=utcnow())
    return Response(status_code=204)


@router.get(
    "/watches/{slug}/index",
    response_model=list[IndexPointOut],
    responses=problems(*AUTH, 404, 422),
)
def watch_index(
    slug: Slug,
    session: SessionDep,
    _: Viewer,
    since: IsoDateTime | None = Query(None, description="ISO 8601; default 7 days ago"),
    step: int = Query(3600, ge=60, le=7 * 86400, description="seconds between points"),
) -> list[IndexPointOut]:
    watch = watch_ops.get_watch(session, slug)
    now = utcnow()
    start = since or now - timedelta(days=7)
    points = index_series(session, watch, since=start, until=now, step=timedelta(seconds=step))
    return [IndexPointOut(t=p.t, index=p.index, level=p.level) for p in points]


@router.get(
    "/alerts", response_model=list[AlertOut], responses=problems(*AUTH, 404, 422), tags=["alerts"]
)
def list_alerts(
    session: SessionDep,
    _: Viewer,
    watch: str | None = Query(None, description="only this watch's alerts (a slug)"),
    state: list[AlertState] = Query(default_factory=list, description="any of these states"),
    limit: int = Query(100, ge=1, le=1000),
) -> list[AlertOut]:
    watch_id = watch_ops.get_watch(session, watch).id if watch else None
    slugs = {w.id: w.slug for w in watch_store.list_watches(session)}
    return [
        alert_out(a, slugs.get(a.watch_id, ""))
        for a in watch_store.list_alerts(session, watch_id=watch_id, states=state, limit=limit)
    ]


@router.get(
    "/alerts/{alert_id:int}",
    response_model=AlertOut,
    responses=problems(*AUTH, 404, 422),
    tags=["alerts"],
)
def get_alert(alert_id: AlertId, session: SessionDep, _: Viewer) -> AlertOut:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"no alert with id {alert_id}")
    watch = session.get(Watch, alert.watch_id)
    return alert_out(alert, watch.slug if watch else "")


@router.get(
    "/silences", response_model=list[SilenceOut], responses=problems(*AUTH, 422), tags=["alerts"]
)
def list_silences(session: SessionDep, _: Viewer, expired: bool = False) -> list[SilenceOut]:
    rows = watch_store.list_silences(session, now=None if expired else utcnow())
    return [silence_out(session, s) for s in rows]


@router.post(
    "/silences",
    response_model=SilenceOut,
    status_code=201,
    responses=problems(*AUTH, 404, 422),
    tags=["alerts"],
)
def create_silence(body: SilenceIn, session: SessionDep, caller: Operator) -> SilenceOut:
    silence = silence_ops.create(
        session, **body.model_dump(), author=f"key:{caller.key_id}", now=utcnow()
    )
    return silence_out(session, silence)


@router.delete(
    "/silences/{silence_id:int}",
    status_code=204,
    responses=problems(*AUTH, 404, 422),
    tags=["alerts"],
)
def expire_silence(silence_id: SilenceId, session: SessionDep, _: Operator) -> Response:
    silence = session.get(Silence, silence_id)
    if silence is None:
        raise NotFound(f"no silence with id {silence_id}")
    silence.ends_at = min(silence.ends_at, utcnow())
    return Response(status_code=204)
