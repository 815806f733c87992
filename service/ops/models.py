"""The model registry: which model version is active, promotion, rollback, loading once.

A model that fails to load (tampered, truncated, wrong format) is refused with a clear error and
the model already in service stays in service.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from classifiers.artifacts import ModelLoadError, default_model_path, load_model
from classifiers.scoring import Scorer, TextItem
from classifiers.signals import WARM_UP_TEXTS
from service.db import session_scope
from service.models import ModelPromotion, ModelVersion
from service.ops.errors import Conflict, InputError, NotFound
from service.store import models_registry as registry


def register(
    session: Session,
    *,
    version: str,
    path: Path,
    sha256: str,
    metrics: dict[str, Any],
    now: datetime,
) -> ModelVersion:
    if registry.get(session, version) is not None:
        raise Conflict(f"model version {version} is already registered")
    return registry.add(
        session,
        ModelVersion(
            version=version, path=str(path), sha256=sha256, metrics=metrics, created_at=now
        ),
    )


def active_version(session: Session) -> ModelVersion | None:
    history = registry.promotions(session)
    return registry.get(session, history[0].version) if history else None


def locate_artifact(row: ModelVersion) -> Path:
    """Where a registered artifact is now. The shipped model is registered by its absolute
    path inside the installed package; a new image, venv or Python version moves the package,
    so a shipped artifact that is missing where it was registered is looked for in the
    installed package under the same name. The sha256 check on loading still guards it."""
    stored = Path(row.path)
    if stored.is_file():
        return stored
    moved = default_model_path().parent / stored.name
    return moved if moved.is_file() else stored


def ensure_default(
    session: Session, *, now: datetime, model_path: Path | None = None
) -> ModelVersion:
    """The active model, making sure it can be found.

    On first run, registers and activates the shipped model (or the configured one). After an
    upgrade that moved the package, the active row's path is updated. After an upgrade that
    shipped a new default model and removed the old one, the new one is registered and
    activated (action ``upgrade``) instead of leaving the service without a model."""
    current = active_version(session)
    if current is not None:
        found = locate_artifact(current)
        if found.is_file():
            if str(found) != current.path:
                current.path = str(found)
                session.add(current)
                session.flush()
            return current
    path = model_path or default_model_path()
    scorer = load_model(path)
    row = registry.get(session, scorer.version) or register(
        session,
        version=scorer.version,
        path=path,
        sha256=scorer.sha256,
        metrics=dict(scorer.card.get("metrics", {})),  # type: ignore[call-overload]
        now=now,
    )
    if current is None or row.version != current.version:
        action = "bootstrap" if current is None else "upgrade"
        registry.add_promotion(session, ModelPromotion(version=row.version, action=action, at=now))
    return row


def list_versions(session: Session) -> Sequence[ModelVersion]:
    return registry.list_all(session)


def promote(session: Session, version: str, *, now: datetime) -> ModelVersion:
    row = registry.get(session, version)
    if row is None:
        raise NotFound(f"no model version {version!r}; see `ceasewatch models list`")
    try:  # refuse to activate what cannot be loaded
        load_model(locate_artifact(row), expected_sha256=row.sha256)
    except ModelLoadError as exc:
        raise InputError(f"model {version} cannot be promoted: {exc}") from exc
    registry.add_promotion(session, ModelPromotion(version=version, action="promote", at=now))
    return row


def rollback(session: Session, *, now: datetime) -> ModelVersion:
    """Re-activates the version that was active before the current one."""
    history = registry.promotions(session)
    if not history:
        raise Conflict("no model has been promoted yet")
    current = history[0].version
    previous = next((p.version for p in history[1:] if p.version != current), None)
    if previous is None:
        raise Conflict(f"{current} is the only model ever active; nothing to roll back to")
    registry.add_promotion(session, ModelPromotion(version=previous, action="rollback", at=now))
    row = registry.get(session, previous)
    assert row is not None
    return row


@functools.lru_cache(maxsize=4)
def load_verified(path: Path, sha256: str) -> Scorer:
    """Each artifact is loaded once per process, however many apps or commands ask for it.

    A few tiny texts are scored right away so the gazetteer and the signal regexes are built at
    start, not during the first poll (about 1 s)."""
    scorer = load_model(path, expected_sha256=sha256)
    scorer.score([TextItem(id="warm-up", text=text) for text in ("Kabul", *WARM_UP_TEXTS)])
    return scorer


class ActiveModel:
    """The process's loaded model: loaded once, swapped only when the active version changes."""

    def __init__(self, engine: Engine, *, fallback_path: Path | None = None) -> None:
        self._engine = engine
        self._fallback_path = fallback_path
        self._scorer: Scorer | None = None
        self._lock = threading.Lock()
        self.last_error: str | None = None

    @property
    def scorer(self) -> Scorer | None:
        return self._scorer

    def refresh(self, *, now: datetime) -> Scorer | None:
        with self._lock:
            try:
                with session_scope(self._engine) as session:
                    row = ensure_default(session, now=now, model_path=self._fallback_path)
                    version, path, sha = row.version, Path(row.path), row.sha256
                if self._scorer is None or self._scorer.version != version:
                    self._scorer = load_verified(path, sha)
                self.last_error = None
            except ModelLoadError as exc:
                self.last_error = str(exc)  # keep serving with the model we have
            return self._scorer

    def activate(self, version: str | None, *, now: datetime) -> ModelVersion:
        """Promotes `version` (or rolls back when None) in its own transaction, then swaps this
        process's model once that is committed, so the refresh reads the promotion; other
        processes follow at their next refresh."""
        with session_scope(self._engine) as session:
            if version is not None:
                row = promote(session, version, now=now)
            else:
                row = rollback(session, now=now)
        self.refresh(now=now)
        return row
