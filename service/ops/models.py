"""The model registry: which model version is active, promotion, rollback, loading once.

A model that fails to load (tampered, truncated, wrong format) is refused with a clear error and
the model already in service stays in service.

A version's `metrics` are its headline held-out figures (SUMMARY); the whole card stays in the
sidecar file beside its artifact (classifiers.artifacts.save_model).
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from classifiers.artifacts import ModelLoadError, card_path, default_model_path, load_model
from classifiers.scoring import Scorer, TextItem
from classifiers.signals import WARM_UP_TEXTS
from classifiers.unrelated_news import MEASURED_TOPICS
from service.db import session_scope
from service.models import ModelPromotion, ModelVersion
from service.ops.errors import Conflict, InputError, NotFound
from service.store import models_registry as registry

# The held-out news figures every model card carries (classifiers.training._summary), with the
# dashboard's label for each and whether higher is better.
SUMMARY: tuple[tuple[str, str, bool], ...] = (
    ("conflibert_macro_f1", "QuadClass macro-F1, held-out news", True),
    ("conflibert_escalation_f1", "Escalation F1, held-out news", True),
    ("all_news_escalation_f1", "Escalation F1, all held-out text", True),
    ("all_news_escalation_ece", "Escalation calibration error", False),
    ("unrelated_share_above_threshold", "Unrelated news above the alert line", False),
    ("disaster_share_above_threshold", "Disaster news above the alert line", False),
    ("crime_share_above_threshold", "Crime news above the alert line", False),
)
HEADLINE_KEYS = frozenset(key for key, _, _ in SUMMARY)


def summary(card: Mapping[str, Any]) -> dict[str, float]:
    """A card's headline figures: the chosen design's held-out scores, and the share of our
    annotated disaster and crime stories above the alert line. A dict of headline figures
    summarises to itself."""
    comparison = card.get("comparison")
    chosen = comparison.get(card.get("design")) if isinstance(comparison, dict) else None
    source = dict(chosen if isinstance(chosen, dict) else card)
    # Measured by the build and by train_candidate alike (classifiers.unrelated_news).
    unrelated = card.get("unrelated_news")
    for topic in MEASURED_TOPICS:
        measured = unrelated.get(topic) if isinstance(unrelated, dict) else None
        if isinstance(measured, dict):
            source[f"{topic}_share_above_threshold"] = measured.get("share_above_threshold")
    return {k: float(source[k]) for k, _, _ in SUMMARY if isinstance(source.get(k), int | float)}


def model_card(row: ModelVersion) -> dict[str, Any]:
    """A version's whole card, from the sidecar beside its artifact. Rows registered by older
    releases hold the whole card as their metrics (trained candidates), which then serves when
    the sidecar is gone; otherwise the row's metrics are all there is."""
    if "comparison" in row.metrics:
        return dict(row.metrics)
    try:
        card = json.loads(card_path(locate_artifact(row)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return dict(row.metrics)
    return card if isinstance(card, dict) else dict(row.metrics)


def headline_metrics(row: ModelVersion) -> dict[str, float]:
    """The figures shown for a version. Rows registered by older releases hold `{}` (the
    shipped model) or the whole card (trained candidates), so those are summarised from the
    card instead."""
    if row.metrics and set(row.metrics) <= HEADLINE_KEYS:
        return summary(row.metrics)
    return summary(model_card(row))


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
        metrics=summary(scorer.card),
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


def promotion_stack(history: Sequence[ModelPromotion]) -> list[str]:
    """The versions a rollback returns through, the active one last: the promotion history
    (newest first, as registry.promotions) replayed oldest to newest, each activation pushing
    its version and each rollback popping back to the version it re-activated.

    A rollback to a version that is not below the top (written by older releases, whose
    rollback toggled between the last two versions) counts as an activation of that version,
    so the stack still ends with the active version and every older one stays reachable."""
    stack: list[str] = []
    for entry in reversed(history):
        if entry.action == "rollback" and entry.version in stack[:-1]:
            stack.pop()
            while stack[-1] != entry.version:
                stack.pop()
        elif not stack or stack[-1] != entry.version:
            stack.append(entry.version)
    return stack


def rollback(session: Session, *, now: datetime) -> ModelVersion:
    """Undoes the newest promotion not yet undone: re-activates the version that was active
    before it. Repeated rollbacks walk back through the promotions, never forward again."""
    stack = promotion_stack(registry.promotions(session))
    if not stack:
        raise Conflict("no model has been promoted yet")
    if len(stack) < 2:
        raise Conflict(f"{stack[-1]} is active and no promotion before it is left to undo; "
                       "nothing to roll back to")
    previous = stack[-2]
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
