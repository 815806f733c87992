"""`/label`: operators label the stories the model is least sure about, train a candidate on
those labels and promote it after comparing it with the active model.

Every change is a plain form POST (works with JavaScript off) carrying a CSRF token; a small
inline script only adds number-key shortcuts. Each POST commits before it redirects, so the page
the browser loads next shows the change whatever the scope of the session dependency.

Training runs in a background thread (`label_ops.Trainer`, one per app): about 4 s on an idle
2-core machine but 12-17 s when it is loaded, too long to hold the request. While it runs the page
says so and refreshes itself every few seconds; the candidate appears when it is registered.
"""

from __future__ import annotations

import threading
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from classifiers.training import CALMER_WEIGHTS
from classifiers.vocabulary import SIGNALS_DEESCALATION, SIGNALS_ESCALATION
from service.api.deps import AppContext, ContextDep, SessionDep
from service.clock import utcnow
from service.dashboard.common import SignedIn, csrf_problem, signed_in, templates
from service.ops import labelling as label_ops
from service.ops import models as model_ops
from service.ops.errors import Conflict, InputError, NotFound
from service.schemas import LabelIn
from service.store import labelling as label_store

router = APIRouter(include_in_schema=False)
QUEUE_LENGTH = 15
TRAINING_REFRESH_S = 3
_trainer_lock = threading.Lock()


def trainer(request: Request) -> label_ops.Trainer:
    """The app's trainer, made on first use (apps in one process, as in tests, each get one)."""
    with _trainer_lock:
        found = getattr(request.app.state, "trainer", None)
        if not isinstance(found, label_ops.Trainer):
            found = request.app.state.trainer = label_ops.Trainer()
        return found


def _operator(request: Request, session: Session) -> SignedIn | Response:
    """The signed-in operator (or admin), else the sign-in page or a 403 page saying why."""
    who = signed_in(request, session)
    if who is None:
        return RedirectResponse("/login", status_code=303)
    if not who.may("operator"):
        body = templates().get_template("forbidden.html").render(role=who.role)
        return HTMLResponse(body, status_code=403)
    return who


def _page(
    request: Request,
    session: Session,
    ctx: AppContext,
    who: SignedIn,
    *,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    active = model_ops.active_version(session)
    candidate = label_ops.pending_candidate(session)
    run = trainer(request).last
    body = (
        templates()
        .get_template("label.html")
        .render(
            items=label_ops.queue(session, limit=QUEUE_LENGTH),
            keys=label_ops.KEYS,
            signals=SIGNALS_ESCALATION + SIGNALS_DEESCALATION,
            escalation_signals=SIGNALS_ESCALATION,
            labels=label_store.label_count(session),
            recent=label_store.recent_labels(session, limit=5),
            active=active,
            candidate=candidate,
            comparison=label_ops.compare(active, candidate) if candidate else None,
            corpora_missing=label_ops.corpora_missing(ctx.settings.data_dir),
            run=run,
            refresh_s=TRAINING_REFRESH_S if run is not None and run.running else None,
            csrf=who.csrf,
            role=who.role,
            message=message,
            error=error,
        )
    )
    return HTMLResponse(body, status_code=status_code)


def _operator_posting(
    request: Request, session: Session, ctx: AppContext, csrf: str
) -> SignedIn | Response:
    """The operator behind a form POST, else the page saying why not (every POST checks its
    CSRF token after the role)."""
    who = _operator(request, session)
    if isinstance(who, Response):
        return who
    problem = csrf_problem(request, who, csrf)
    if problem:
        return _page(
            request,
            session,
            ctx,
            who,
            error=f"Refused: {problem}. Reload this page and try again.",
            status_code=403,
        )
    return who


def _back(**message: str) -> RedirectResponse:
    return RedirectResponse("/label?" + urlencode(message), status_code=303)


def _saved(session: Session, article_id: str) -> str | None:
    """The confirmation after a label, read back from the database rather than the URL."""
    found = label_store.newest_label(session, int(article_id)) if article_id.isdigit() else None
    if found is None:
        return None
    label, article = found
    what = (label.quad or "signals only").replace("_", " ")
    if label.signals:
        what += " + " + ", ".join(s.replace("_", " ") for s in label.signals)
    return f"Saved “{article.title}” (#{article.id}) as {what}."


@router.get("/label", response_class=HTMLResponse)
def label_page(
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    labelled: str | None = None,
    training: str | None = None,
    promoted: str | None = None,
) -> Response:
    who = _operator(request, session)
    if isinstance(who, Response):
        return who
    message = None
    if labelled:
        message = _saved(session, labelled)
    elif training:
        message = "Training a candidate; it appears beside the active model when it is ready."
    elif promoted:
        # Said only when true: the version comes from the URL, which anyone can send a link to.
        active = model_ops.active_version(session)
        if active is not None and active.version == promoted:
            message = f"{promoted} is now the active model; new stories are scored with it."
    return _page(request, session, ctx, who, message=message)


@router.post("/label/article/{article_id}", response_class=HTMLResponse)
def label_article(
    article_id: int,
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    csrf: Annotated[str, Form()] = "",
    quad: Annotated[str, Form()] = "",
    signals: Annotated[list[str] | None, Form()] = None,
) -> Response:
    who = _operator_posting(request, session, ctx, csrf)
    if isinstance(who, Response):
        return who
    try:  # the labels API's own schema, so both paths accept exactly the same labels
        body = LabelIn(quad=quad or None, signals=signals or [])
    except ValidationError as exc:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        return _page(request, session, ctx, who, error=f"Not saved: {reasons}", status_code=422)
    if body.quad is None and not body.signals:
        return _page(request, session, ctx, who, error="Not saved: choose a class", status_code=422)
    try:
        label_ops.add_label(
            session,
            article_id=article_id,
            quad=body.quad,
            signals=body.signals,
            author=f"key:{who.key_id}",
            now=utcnow(),
        )
    except NotFound as exc:
        return _page(request, session, ctx, who, error=f"Not saved: {exc}", status_code=404)
    session.commit()
    return _back(labelled=str(article_id))


@router.post("/label/retrain", response_class=HTMLResponse)
def retrain(
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    csrf: Annotated[str, Form()] = "",
    calmer: Annotated[bool, Form()] = False,
) -> Response:
    who = _operator_posting(request, session, ctx, csrf)
    if isinstance(who, Response):
        return who
    settings = ctx.settings
    try:
        trainer(request).start(
            ctx.engine,
            data_dir=settings.data_dir,
            model_dir=settings.model_dir,
            now=utcnow(),
            weights=CALMER_WEIGHTS if calmer else None,
        )
    except (InputError, Conflict) as exc:
        return _page(request, session, ctx, who, error=str(exc), status_code=409)
    return _back(training="1")


@router.post("/label/promote", response_class=HTMLResponse)
def promote(
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    csrf: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    who = _operator_posting(request, session, ctx, csrf)
    if isinstance(who, Response):
        return who
    try:
        ctx.model.activate(version, now=utcnow())
    except (NotFound, InputError) as exc:
        return _page(request, session, ctx, who, error=f"Not promoted: {exc}", status_code=422)
    return _back(promoted=version)
