"""`/` (the dashboard), `/login` and `/logout`. Viewing needs a viewer key, from the login form
(kept in an HttpOnly cookie) or an `Authorization: Bearer` header."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from service.api.deps import ContextDep, SessionDep
from service.clock import utcnow
from service.dashboard.chart import timeline
from service.ops import keys as key_ops
from service.ops import status as status_ops
from service.ops.series import index_series
from service.store import articles as article_store
from service.store import watches as watch_store

router = APIRouter(include_in_schema=False)
COOKIE = "ceasewatch_key"
REFRESH_S = 60
HOT_ARTICLES = 12


def _templates() -> Environment:
    folder = resources.files("service.dashboard").joinpath("templates")
    return Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(["html"]))


def _caller_role(request: Request, session: SessionDep) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    key = token.strip() if scheme.lower() == "bearer" else request.cookies.get(COOKIE, "")
    row = key_ops.authenticate(session, key) if key else None
    if row is None or not key_ops.allows(row.role, "viewer"):
        return None
    return row.role


@router.get("/login", response_class=HTMLResponse)
def login_form(error: str | None = None) -> HTMLResponse:
    return HTMLResponse(_templates().get_template("login.html").render(error=error))


@router.post("/login")
def login(session: SessionDep, key: Annotated[str, Form()]) -> Response:
    row = key_ops.authenticate(session, key.strip())
    if row is None or not key_ops.allows(row.role, "viewer"):
        body = (
            _templates()
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


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, ctx: ContextDep) -> Response:
    role = _caller_role(request, session)
    if role is None:
        return RedirectResponse("/login", status_code=303)
    now = utcnow()
    status = status_ops.status(
        session, now=now, started_at=ctx.started_at, stale_after_s=3 * ctx.settings.max_interval_s
    )
    cards: list[dict[str, Any]] = []
    for watch in watch_store.list_watches(session, enabled_only=True):
        series = index_series(
            session, watch, since=now - timedelta(days=7), until=now, step=timedelta(hours=3)
        )
        alerts = watch_store.list_alerts(session, watch_id=watch.id, limit=20)
        chart = timeline(
            [(p.t, p.index) for p in series],
            alerts=[(a.started_at, a.level) for a in alerts if a.started_at],
            warning=watch.warning_enter,
            critical=watch.critical_enter,
        )
        summary = next(w for w in status["watches"] if w["slug"] == watch.slug)
        cards.append({**summary, "chart": chart})
    open_alerts = [
        (a, slug)
        for slug, a in (
            (w.slug, watch_store.open_alert(session, w.id or 0))
            for w in watch_store.list_watches(session, enabled_only=True)
        )
        if a is not None and a.state == "firing"
    ]
    hot = article_store.search(
        session, article_store.ArticleQuery(limit=HOT_ARTICLES, min_escalation=0.6)
    )
    page = (
        _templates()
        .get_template("index.html")
        .render(
            status=status,
            cards=cards,
            open_alerts=open_alerts,
            hot=hot,
            refresh_s=REFRESH_S,
            now=now,
            role=role,
        )
    )
    return HTMLResponse(page)
