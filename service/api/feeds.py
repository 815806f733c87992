"""/api/v1/feeds: add, list with health, enable/disable, delete, OPML import and export."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from service.api.deps import ContextDep, Operator, SessionDep, Viewer
from service.clock import utcnow
from service.db import session_scope
from service.models import Feed
from service.ops import feeds as feed_ops
from service.schemas import FeedIn, FeedOut, FeedPatch, ImportOut, Problem
from service.store import feeds as feed_store

router = APIRouter(prefix="/api/v1/feeds", tags=["feeds"])
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": Problem},
    403: {"model": Problem},
    422: {"model": Problem},
}
MAX_OPML_BYTES = 5 * 1024 * 1024


def to_out(feed: Feed, ctx: ContextDep) -> FeedOut:
    health = feed_ops.feed_health(feed, now=utcnow(), stale_after_s=3 * ctx.settings.max_interval_s)
    return FeedOut.model_validate({**feed.model_dump(), "health": health})


@router.get("", response_model=list[FeedOut], responses=ERRORS)
def list_feeds(session: SessionDep, ctx: ContextDep, _: Viewer) -> list[FeedOut]:
    return [to_out(f, ctx) for f in feed_store.list_all(session)]


@router.post(
    "", response_model=FeedOut, status_code=201, responses={**ERRORS, 409: {"model": Problem}}
)
def add_feed(body: FeedIn, session: SessionDep, ctx: ContextDep, _: Operator) -> FeedOut:
    feed = feed_ops.add_feed(session, url=body.url, title=body.title, now=utcnow())
    return to_out(feed, ctx)


@router.get(
    ".opml",
    response_class=Response,
    responses={200: {"content": {"text/x-opml": {}}}, **ERRORS},
)
def export_opml(session: SessionDep, _: Viewer) -> Response:
    return Response(feed_ops.export_opml(session), media_type="text/x-opml")


@router.post("/import", response_model=ImportOut, responses={**ERRORS, 413: {"model": Problem}})
async def import_opml(request: Request, ctx: ContextDep, _: Operator) -> ImportOut:
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > MAX_OPML_BYTES:
            raise HTTPException(413, f"OPML document larger than {MAX_OPML_BYTES} bytes")
    with session_scope(ctx.engine) as session:
        report = feed_ops.import_opml(session, bytes(data), now=utcnow())
    return ImportOut(
        added=report.added, skipped=report.skipped, invalid=[list(i) for i in report.invalid]
    )


@router.get("/{feed_id}", response_model=FeedOut, responses={**ERRORS, 404: {"model": Problem}})
def get_feed(feed_id: int, session: SessionDep, ctx: ContextDep, _: Viewer) -> FeedOut:
    return to_out(feed_ops.get_feed(session, feed_id), ctx)


@router.patch("/{feed_id}", response_model=FeedOut, responses={**ERRORS, 404: {"model": Problem}})
def patch_feed(
    feed_id: int, body: FeedPatch, session: SessionDep, ctx: ContextDep, _: Operator
) -> FeedOut:
    feed = feed_ops.get_feed(session, feed_id)
    if body.enabled is not None:
        feed.enabled = body.enabled
    if body.title is not None:
        feed.title = body.title
    session.flush()
    return to_out(feed, ctx)


@router.delete("/{feed_id}", status_code=204, responses={**ERRORS, 404: {"model": Problem}})
def delete_feed(feed_id: int, session: SessionDep, _: Operator) -> Response:
    session.delete(feed_ops.get_feed(session, feed_id))
    return Response(status_code=204)
