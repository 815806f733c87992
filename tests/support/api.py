"""Helpers for tests that talk to the API: keys, a seeded world, and the app on loopback."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from feeds.normalise import content_hash
from feeds.parse import Entry
from service.clock import utcnow
from service.config import Settings
from service.db import session_scope
from service.models import ApiKey, DeliveryAttempt, Label, Subscription
from service.ops import keys as key_ops
from service.ops import silences as silence_ops
from service.ops.alerts import evaluate_watches
from service.ops.ingest import ingest_entries
from service.ops.models import ActiveModel
from service.ops.watches import enable_preset
from service.store import deliveries as delivery_store
from service.store import feeds as feed_store
from service.store import watches as watch_store
from service.webhooks import signing
from tests.integration.test_alert_lifecycle import CLASHES, OPEN_WAR
from tests.support.databases import postgres_schema, postgres_unavailable

ADMIN = "admin-key-for-tests-0123456789"
# Loopback: refused as a webhook target unless private targets are allowed, and nothing listens
# on the discard port, so even an allowed send ends at once without leaving the machine.
HOOK_URL = "http://127.0.0.1:9/hook"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def key(engine: Engine, role: str) -> dict[str, str]:
    """A new API key of `role`, as an Authorization header."""
    with session_scope(engine) as session:
        token = key_ops.create_key(session, role=role, name=role, now=utcnow())
    return bearer(token)


@dataclass(frozen=True)
class World:
    """What `seed_world` made: a key per role and one of each thing the API names by id."""

    keys: dict[str, dict[str, str]]  # role (and "other_subscriber", "revoked") -> header
    key_ids: dict[str, int]
    watch: str
    feed_id: int
    article_id: int
    alert_id: int
    silence_id: int
    label_id: int
    model_version: str
    subscription_id: int  # owned by keys["subscriber"]
    delivery_id: int  # of subscription_id, with one recorded attempt
    other_subscription_id: int  # owned by keys["other_subscriber"]
    other_delivery_id: int


def _subscription(owner: int, now: datetime) -> Subscription:
    return Subscription(
        owner_key_id=owner, url=HOOK_URL, secret=signing.new_secret(), created_at=now
    )


def seed_world(engine: Engine, *, now: datetime | None = None) -> World:
    """Two watches with scored, attributed stories from two outlets (so one alert is firing and
    critical), its webhook deliveries to two subscribers, a silence, a label, and keys."""
    now = now or utcnow()
    headers: dict[str, dict[str, str]] = {}
    key_ids: dict[str, int] = {}
    with session_scope(engine) as session:
        for role in ("admin", "operator", "viewer", "subscriber", "other_subscriber", "revoked"):
            real_role = {"other_subscriber": "subscriber", "revoked": "viewer"}.get(role, role)
            token = key_ops.create_key(session, role=real_role, name=role, now=now)
            headers[role] = bearer(token)
            row = key_ops.authenticate(session, token)
            assert row is not None and row.id is not None
            key_ids[role] = row.id
        revoked = session.get(ApiKey, key_ids["revoked"])
        assert revoked is not None
        revoked.revoked_at = now
    scorer = ActiveModel(engine).refresh(now=now)
    assert scorer is not None, "the shipped model did not load"
    with session_scope(engine) as session:
        watch = enable_preset(session, "pakistan-afghanistan", now=now)
        enable_preset(session, "india-pakistan", now=now)
        mine = _subscription(key_ids["subscriber"], now)
        theirs = _subscription(key_ids["other_subscriber"], now)
        session.add_all([mine, theirs])
        feed_id = 0
        for n, (outlet, stories) in enumerate(
            [("dawn.example", CLASHES + OPEN_WAR), ("tolonews.example", OPEN_WAR)]
        ):
            url = f"https://{outlet}/rss"
            feed_id = feed_store.add(session, url=url, title=outlet, now=now).id or 0
            entries = [
                Entry(
                    guid=f"{n}-{title}",
                    title=title,
                    summary=summary,
                    link=f"https://{outlet}/{i}",
                    published=now - timedelta(minutes=30),
                    language="en",
                    content_hash=content_hash(title + outlet, summary),
                )
                for i, (title, summary) in enumerate(stories)
            ]
            ingest_entries(
                session, feed_id=feed_id, feed_url=url, entries=entries, scorer=scorer, now=now
            )
        evaluate_watches(session, [watch.id or 0], now=now)
        alert = watch_store.open_alert(session, watch.id or 0)
        assert alert is not None and alert.id is not None, "the seeded stories raised no alert"
        article_id = int(alert.evidence[0]["article_id"])
        mine_deliveries, theirs_deliveries = (
            delivery_store.for_subscription(session, s.id or 0, status=None, limit=9)
            for s in (mine, theirs)
        )
        assert mine_deliveries and theirs_deliveries, "the alert was not fanned out"
        delivery_store.add_attempt(
            session,
            DeliveryAttempt(
                delivery_id=mine_deliveries[0].id or 0,
                at=now,
                status_code=503,
                latency_s=0.01,
                outcome="retry",
                response_excerpt="busy",
            ),
        )
        silence = silence_ops.create(
            session,
            watch="india-pakistan",
            level=None,
            starts_at=None,
            ends_at=None,
            duration_s=3600,
            comment="seeded",
            author="tests",
            now=now,
        )
        label = Label(
            article_id=article_id,
            quad="material_conflict",
            signals=["airstrike"],
            author="tests",
            created_at=now,
        )
        session.add(label)
        session.flush()
        return World(
            keys=headers,
            key_ids=key_ids,
            watch=watch.slug,
            feed_id=feed_id,
            article_id=article_id,
            alert_id=alert.id,
            silence_id=silence.id or 0,
            label_id=label.id or 0,
            model_version=scorer.version,
            subscription_id=mine.id or 0,
            delivery_id=mine_deliveries[0].id or 0,
            other_subscription_id=theirs.id or 0,
            other_delivery_id=theirs_deliveries[0].id or 0,
        )


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A database URL for tests that share one database across a module (the `database_url`
    fixture makes one per test): a SQLite file in `folder`, or a schema of its own in the test
    PostgreSQL, dropped afterwards. Skips without PostgreSQL unless CI requires it."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'ceasewatch.db'}"
        return
    with postgres_schema(postgres_unavailable()) as url:
        yield url


def settings_for(database_url: str, folder: Path, **changes: object) -> Settings:
    """Settings as tests/conftest.py's `settings` fixture makes them, for module-wide apps."""
    return Settings(
        database_url=database_url,
        allow_private_targets=True,
        install_default_feeds=False,
        model_dir=folder / "models",
        admin_key=ADMIN,
        connect_timeout_s=2,
        read_timeout_s=3,
        fetch_deadline_s=5,
    ).model_copy(update=changes)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI, *, timeout_s: float = 60.0) -> Iterator[str]:
    """Serves `app` with uvicorn on a loopback port in a thread (lifespan included); yields
    the base URL and stops the server, running the lifespan's shutdown, on exit."""
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="api-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API did not start; see the log above")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=timeout_s)
