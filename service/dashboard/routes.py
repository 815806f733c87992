"""`/` (the dashboard), `/login` and `/logout`. Viewing needs a viewer key, from the login form
(kept in an HttpOnly cookie) or an `Authorization: Bearer` header. The labelling pages are in
`service.dashboard.labelling` and mounted on this router."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from service.api.deps import ContextDep, SessionDep
from service.clock import utcnow
from service.dashboard import labelling
from service.dashboard.chart import timeline
from service.dashboard.common import COOKIE, signed_in, templates
from service.models import Alert, Watch
from service.ops import keys as key_ops
from service.ops import stability
from service.ops import status as status_ops
from service.ops.series import TREND_DAYS, index_series
from service.store import articles as article_store
from service.store import watches as watch_store

router = APIRouter(include_in_schema=False)
router.include_router(labelling.router)
REFRESH_S = 60
HOT_ARTICLES = 12
# Hourly points: a single strike story lifts the index for hours, and 3-hourly samples could
# miss most of a short peak (74 drawn as 57 on the replayed archive week); 169 points cost
# 12-23 ms per watch against 9-12 ms for 57.
CHART_STEP = timedelta(hours=1)


@router.get("/login", response_class=HTMLResponse)
def login_form(error: str | None = None) -> HTMLResponse:
    return HTMLResponse(templates().get_template("login.html").render(error=error))


@router.post("/login")
def login(session: SessionDep, key: Annotated[str, Form()] = "") -> Response:
    # An empty form gets the form again, not the API's JSON 422: people, not programs, post it.
    row = key_ops.authenticate(session, key.strip()) if key.strip() else None
    if row is None or not key_ops.allows(row.role, "viewer"):
        body = (
            templates()
            .get_template("login.html")
            .render(error="That key is unknown, revoked, or cannot view the dashboard.")
        )
        return HTMLResponse(body, status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, key.strip(), httponly=True, samesite="strict", max_age=86400 * 30)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def watch_card(
    session: Session, watch: Watch, *, open_alert: Alert | None, now: datetime
) -> dict[str, Any]:
    """One watch's card. The current index and the 7-day trend are the ends of the chart's own
    series (its last point is `now`, its first a week before), so the index is computed once
    per watch and page rather than once for the summary and again for the chart."""
    series = index_series(
        session, watch, since=now - timedelta(days=TREND_DAYS), until=now, step=CHART_STEP
    )
    current, before = series[-1].index, series[0].index
    alerts = watch_store.list_alerts(session, watch_id=watch.id, limit=20)
    firing = open_alert is not None and open_alert.state == "firing"
    return {
        "slug": watch.slug,
        "name": watch.name,
        "level": open_alert.level if firing and open_alert else "calm",
        "index": current,
        "trend": stability.trend(current, before),
        "open_alert": open_alert,
        "warning": watch.warning_enter,
        "critical": watch.critical_enter,
        "chart": timeline(
            [(p.t, p.index) for p in series],
            alerts=[(a.started_at, a.level) for a in alerts if a.started_at],
            episodes=[(a.started_at, a.resolved_at, a.level) for a in alerts if a.started_at],
            warning=watch.warning_enter,
            critical=watch.critical_enter,
        ),
    }


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, ctx: ContextDep) -> Response:
    who = signed_in(request, session)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    now = utcnow()
    status = status_ops.status(
        session,
        now=now,
        started_at=ctx.started_at,
        stale_after_s=3 * ctx.settings.max_interval_s,
        with_watches=False,  # the cards below compute each index from their chart's series
    )
    watches = watch_store.list_watches(session, enabled_only=True)
    open_alerts_by_watch = watch_store.open_alerts(session)
    cards = [
        watch_card(session, watch, open_alert=open_alerts_by_watch.get(watch.id or 0), now=now)
        for watch in watches
    ]
    open_alerts = [
        (c["open_alert"], c["slug"])
        for c in cards
        if c["open_alert"] is not None and c["open_alert"].state == "firing"
    ]
    hot = article_store.search(
        session, article_store.ArticleQuery(limit=HOT_ARTICLES, min_escalation=0.6)
    )
    page = (
        templates()
        .get_template("index.html")
        .render(
            status=status,
            cards=cards,
            open_alerts=open_alerts,
            hot=hot,
            refresh_s=REFRESH_S,
            now=now,
            role=who.role,
            may_label=who.may("operator"),
        )
    )
    return HTMLResponse(page)
