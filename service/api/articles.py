"""/api/v1/articles: stories with their newest score, filtered, newest first, with cursors."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError

from classifiers.scoring import SIGNALS_DEESCALATION, SIGNALS_ESCALATION
from feeds.normalise import as_utc
from service.api.deps import STRICT_QUERY, SessionDep, Viewer
from service.api.errors import AUTH, problems
from service.ops.watches import get_watch
from service.schemas import ArticleOut, ArticlePage, IsoDateTime, ScoreOut
from service.store import articles as article_store

router = APIRouter(prefix="/api/v1", tags=["articles"], dependencies=STRICT_QUERY)


def encode_cursor(published_at: datetime, article_id: int) -> str:
    raw = f"{published_at.isoformat()}|{article_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, article_id = raw.partition("|")
        return as_utc(datetime.fromisoformat(at)), int(article_id)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _query_error("cursor", "is not one this API gave out; start without it") from exc


def _query_error(name: str, problem: str) -> RequestValidationError:
    """A 422 naming the query parameter, like FastAPI's own checks of the others."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", name), "msg": problem}])


SIGNALS = SIGNALS_ESCALATION + SIGNALS_DEESCALATION


@router.get("/articles", response_model=ArticlePage, responses=problems(*AUTH, 404, 422))
def articles(
    session: SessionDep,
    _: Viewer,
    watch: str | None = Query(None, description="only articles attributed to this watch"),
    since: IsoDateTime | None = Query(None, description="published at or after (ISO 8601)"),
    until: IsoDateTime | None = Query(None, description="published before (ISO 8601)"),
    min_escalation: float | None = Query(None, ge=0, le=1),
    signal: str | None = Query(
        None,
        description="a signal with probability >= 0.5",
        json_schema_extra={"enum": list(SIGNALS)},
    ),
    q: str | None = Query(None, max_length=200, description="text in the title or summary"),
    limit: int = Query(50, ge=1, le=500),
    cursor: str | None = Query(None, description="next_cursor of the previous page"),
) -> ArticlePage:
    if signal is not None and signal not in SIGNALS:
        # An unknown name would match nothing and look like a quiet day.
        raise _query_error(
            "signal", f"is not a signal (got {signal!r}); known: {', '.join(SIGNALS)}"
        )
    query = article_store.ArticleQuery(
        limit=limit,
        watch_id=get_watch(session, watch).id if watch else None,
        since=since,
        until=until,
        min_escalation=min_escalation,
        signal=signal,
        text=q,
        before=decode_cursor(cursor) if cursor else None,
    )
    rows = article_store.search(session, query)
    items = [
        ArticleOut(
            id=a.id or 0,
            title=a.title,
            summary=a.summary,
            link=a.canonical_link,
            language=a.language,
            published_at=a.published_at,
            source_count=a.source_count,
            score=ScoreOut.model_validate(s.model_dump()) if s is not None else None,
        )
        for a, s in rows
    ]
    last = rows[-1][0] if len(rows) == limit else None
    return ArticlePage(
        items=items, next_cursor=encode_cursor(last.published_at, last.id or 0) if last else None
    )
