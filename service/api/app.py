"""The FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from service import __version__
from service.api import (
    articles,
    errors,
    feeds,
    keys_labels,
    metrics,
    subscriptions,
    system,
    watches,
)
from service.api.deps import AppContext
from service.api.request_guard import RequestGuard, document_guarded_errors
from service.clock import utcnow
from service.config import Settings
from service.dashboard import routes as dashboard_routes
from service.db import make_engine, session_scope
from service.ops import keys
from service.ops.models import ActiveModel

log = logging.getLogger(__name__)
ROLES = ("all", "api", "worker")
_frozen = False


def _freeze_long_lived_objects() -> None:
    """Imports and the loaded model leave ~250,000 objects that live as long as the process.
    Every full collection walked them all: 0.2-0.6 s pauses every ~60 requests under load
    (bench/bench_load.py), which set the p99. Frozen, they are skipped (pauses of 1-14 ms).
    Once per process: later apps (tests) would only pin their own garbage."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


def create_app(settings: Settings, *, role: str = "all") -> FastAPI:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url)
        model = ActiveModel(engine, fallback_path=settings.model_path)
        model.refresh(now=utcnow())
        if model.last_error:
            log.error("model not loaded: %s", model.last_error)
        _freeze_long_lived_objects()
        if settings.admin_key:
            with session_scope(engine) as session:
                keys.bootstrap_admin(session, settings.admin_key, now=utcnow())
        app.state.ctx = AppContext(settings, engine, model, utcnow(), role)
        scheduler = None
        if role in ("all", "worker"):
            from service.jobs import build_scheduler

            scheduler = build_scheduler(engine, settings, model)
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=True)
            engine.dispose()

    app = FastAPI(
        title="Ceasewatch",
        version=__version__,
        description="Ceasefire and border-tension monitoring: feeds, scores, alerts.",
        lifespan=lifespan,
    )
    app.include_router(system.router)
    app.include_router(feeds.router)
    app.include_router(articles.router)
    app.include_router(watches.router)
    app.include_router(subscriptions.router)
    app.include_router(keys_labels.router)
    app.include_router(metrics.router)
    app.include_router(dashboard_routes.router)
    errors.install(app)
    app.add_middleware(RequestGuard)
    document_guarded_errors(app)
    return app
