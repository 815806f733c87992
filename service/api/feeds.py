"""/api/v1/feeds: add, list with health, enable/disable, delete, OPML import and export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from service.api.deps import (
    MAX_ID,
    STRICT_QUERY,
    AppContext,
    ContextDep,
    Operator,
    SessionDep,
    Viewer,
    id_path,
)
from service.api.errors import AUTH, problems
from service.clock import utcnow
from service.db import session_scope
from service.models import Feed
from service.ops import feeds as feed_ops
from service.schemas import FeedIn, FeedOut, FeedPatch, ImportOut
from service.store import feeds as feed_store

router = APIRouter(prefix="/api/v1/feeds", tags=["feeds"], dependencies=STRICT_QUERY)
FeedId = Annotated[int, id_path("feed")]
MAX_OPML_BYTES = 5 * 1024 * 1024
OPML_EXAMPLE = (
    '<?xml version="1.0"?><opml version="2.0"><head/><body><outline type="rss" text="BBC World"'
    ' xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/></body></opml>'
)


def to_out(feed: Feed, ctx: ContextDep) -> FeedOut:
    health = feed_ops.feed_health(feed, now=utcnow(), stale_after_s=3 * ctx.settings.max_interval_s)
    return FeedOut.model_validate({**feed.model_dump(), "health": health})


@router.get("", response_model=list[FeedOut], responses=problems(*AUTH, 422))
def list_feeds(
    request: Request,
    response: Response,
    session: SessionDep,
    ctx: ContextDep,
    _: Viewer,
    limit: int | None = Query(None, ge=1, le=1000, description="at most this many (all without)"),
    after: int = Query(0, ge=0, le=MAX_ID, description="only feeds with a larger id"),
) -> list[FeedOut]:
    """Feeds by id. With `limit`, a full page carries `Link: <...>; rel="next"` (RFC 8288) for
    the next one, so thousands of feeds need not come in one answer."""
    feeds = feed_store.list_all(session, after=after, limit=limit)
    if limit is not None and len(feeds) == limit:
        following = request.url.include_query_params(after=feeds[-1].id, limit=limit)
        response.headers["Link"] = f'<{following}>; rel="next"'
    return [to_out(f, ctx) for f in feeds]


@router.post("", response_model=FeedOut, status_code=201, responses=problems(*AUTH, 409, 422))
def add_feed(body: FeedIn, session: SessionDep, ctx: ContextDep, _: Operator) -> FeedOut:
    feed = feed_ops.add_feed(session, url=body.url, title=body.title, now=utcnow())
    return to_out(feed, ctx)


@router.get(
    ".opml",
    response_class=Response,
    responses={
        200: {"content": {"text/x-opml": {"schema": {"type": "string"}}}, "description": "OPML"},
        **problems(*AUTH),
    },
)
def export_opml(session: SessionDep, _: Viewer) -> Response:
    return Response(feed_ops.export_opml(session), media_type="text/x-opml")


@router.post(
    "/import",
    response_model=ImportOut,
    responses=problems(*AUTH, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/x-opml": {"schema": {"type": "string"}, "example": OPML_EXAMPLE}},
            "description": "an OPML document (at most 5 MiB)",
        }
    },
)
async def import_opml(request: Request, ctx: ContextDep, _: Operator) -> ImportOut:
    # At most MAX_OPML_BYTES: the request guard (service/api/request_guard.py) answered 413
    # to anything larger before this route ran.
    data = await request.body()
    # Parsing and storing are blocking work: off the event loop, in their own transaction.
    report = await run_in_threadpool(_import, ctx, data)
    return ImportOut(
        added=report.added, skipped=report.skipped, invalid=[list(i) for i in report.invalid]
    )


def _import(ctx: AppContext, data: bytes) -> feed_ops.ImportReport:
    with session_scope(ctx.engine) as session:
        return feed_ops.import_opml(session, data, now=utcnow())


@router.get("/{feed_id:int}", response_model=FeedOut, responses=problems(*AUTH, 404, 422))
def get_feed(feed_id: FeedId, session: SessionDep, ctx: ContextDep, _: Viewer) -> FeedOut:
    return to_out(feed_ops.get_feed(session, feed_id), ctx)


@router.patch("/{feed_id:int}", response_model=FeedOut, responses=problems(*AUTH, 404, 422))
def patch_feed(
    feed_id: FeedId, body: FeedPatch, session: SessionDep, ctx: ContextDep, _: Operator
) -> FeedOut:
    feed = feed_ops.get_feed(session, feed_id)
    if body.enabled is not None:
        feed.enabled = body.enabled
    if body.title is not None:
        feed.title = body.title
    session.flush()
    return to_out(feed, ctx)


@router.delete("/{feed_id:int}", status_code=204, responses=problems(*AUTH, 404, 422))
def delete_feed(
    feed_id: Annotated[int, id_path("feed", example=2)], session: SessionDep, _: Operator
) -> Response:
    session.delete(feed_ops.get_feed(session, feed_id))
    return Response(status_code=204)
