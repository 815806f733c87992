"""Labelling: which stories an operator should label next, recording labels, and retraining a
candidate to compare with the active model before anyone promotes it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from classifiers.vocabulary import QUAD_CLASSES
from service.models import Article, ArticleScore, Label, ModelVersion
from service.ops.errors import Conflict, InputError, NotFound
from service.ops.models import SUMMARY, model_card, summary
from service.ops.training import train_candidate
from service.store import articles as article_store
from service.store import labelling as label_store
from service.store import models_registry as registry

log = logging.getLogger(__name__)
# Number keys 1-5 label a story with a QuadClass, in the vocabulary's order (neutral first,
# then cooperation, then conflict, so the keys read from calm to violent).
KEYS: dict[str, str] = {str(n): quad for n, quad in enumerate(QUAD_CLASSES, start=1)}
# How many recent unlabelled stories are ranked: labels help most on what the feeds bring now,
# and ranking a bounded pool keeps the page fast whatever the size of the archive.
POOL = 2000


@dataclass(frozen=True)
class QueueItem:
    article: Article
    score: ArticleScore
    outlets: list[str]
    uncertainty: float  # 0..1; 1 means the model could not decide at all
    reason: str

    @property
    def unsure_percent(self) -> int:
        """For display: 100 only for a true coin toss, so 0.996 does not read as one."""
        return 100 if self.uncertainty >= 1.0 else min(99, round(self.uncertainty * 100))


def uncertainty(escalation: float, quad: Mapping[str, float]) -> tuple[float, str]:
    """How unsure the model was about a story, and why, in words.

    Uncertainty sampling on two questions, taking whichever is the closer call:
    - escalation near 0.5: the probability that drives the index and the alerts, so a story
      the model could not place on either side is the one whose label moves alerts most;
    - a small margin between the top two QuadClass probabilities (margin sampling): the five
      classes are what `train` learns, and a near tie (verbal or material conflict, say) is
      where a label teaches the classifier most.
    Entropy over five classes was considered and not used: it ranks flat-but-clear cases (one
    class at 0.4, the rest spread) above genuine two-way ties, which operators find harder to
    act on. Both measures are in 0..1, so taking the larger needs no weighting.
    """
    near_half = 1.0 - 2.0 * abs(escalation - 0.5)
    ranked = sorted(quad.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) >= 2:
        (first, p1), (second, p2) = ranked[0], ranked[1]
        tie = 1.0 - (p1 - p2)
    else:
        tie = 0.0
    if tie > near_half:
        return round(tie, 4), f"{_words(first)} {p1:.2f} vs {_words(second)} {p2:.2f}"
    return round(near_half, 4), f"escalation {escalation:.2f}, close to the 0.5 boundary"


def _words(name: str) -> str:
    return name.replace("_", " ")


def queue(session: Session, *, limit: int = 20, pool: int = POOL) -> list[QueueItem]:
    """The unlabelled stories the model is least sure about, most uncertain first (newest
    first among equals)."""
    candidates = label_store.newest_unlabelled_scores(session, pool=pool)
    inputs = label_store.ranking_inputs(session, [score_id for _, score_id in candidates])
    ranked = []
    for _, score_id in candidates:  # newest first; the sort below is stable
        if score_id not in inputs:
            continue  # pruned between the two reads
        escalation, quad = inputs[score_id]
        value, reason = uncertainty(escalation, quad)
        ranked.append((value, score_id, reason))
    ranked.sort(key=lambda r: r[0], reverse=True)
    top = ranked[:limit]
    shown = label_store.stories_with_scores(session, [score_id for _, score_id, _ in top])
    outlets = article_store.outlets_by_story(session, [a.id or 0 for a, _ in shown.values()])
    items = []
    for value, score_id, reason in top:
        if score_id not in shown:
            continue  # pruned between the reads
        article, score = shown[score_id]
        items.append(
            QueueItem(article, score, sorted(outlets.get(article.id or 0, ())), value, reason)
        )
    return items


def add_label(
    session: Session,
    *,
    article_id: int,
    quad: str | None,
    signals: Sequence[str],
    author: str,
    now: datetime,
) -> Label:
    """Records a label (already validated against the vocabulary by the caller's schema, as
    the labels API does), refusing a story that does not exist."""
    if session.get(Article, article_id) is None:
        raise NotFound(f"no article with id {article_id}")
    label = Label(
        article_id=article_id, quad=quad, signals=list(signals), author=author, created_at=now
    )
    try:
        with session.begin_nested():  # a savepoint: the caller's session stays usable
            session.add(label)
    except IntegrityError:  # the retention prune deleted the story a moment ago
        raise NotFound(f"no article with id {article_id}") from None
    return label


def corpora_missing(data_dir: Path) -> str | None:
    """Why `train` cannot run here, or None when the corpora are in place (as `ceasewatch
    train` checks)."""
    if (data_dir / "corpora").is_dir():
        return None
    return (
        f"Retraining needs the labelled corpora at {data_dir.resolve() / 'corpora'}, and they "
        "are not there. Set CEASEWATCH_DATA_DIR to the shared data folder."
    )


@dataclass
class TrainingRun:
    started_at: datetime
    seconds: float | None = None  # set when the run ends, whichever way
    version: str | None = None
    error: str | None = None

    @property
    def running(self) -> bool:
        return self.seconds is None


class Trainer:
    """Trains candidates in a background thread, one at a time, for one app.

    Training the candidate takes about 4 s on this 2-core machine when it is idle and 12-17 s
    when other work loads it (measured; see the labelling test's printed figure), too long to
    hold a request and a browser tab. The thread registers the candidate itself when done, so
    any process's page shows it; the run's progress is known only to the process that started
    it, and a restart mid-run loses nothing but that run (nothing is registered before the end).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last: TrainingRun | None = None

    def start(
        self,
        engine: Engine,
        *,
        data_dir: Path,
        model_dir: Path,
        now: datetime,
        seed: int = 0,
        weights: Mapping[str, float] | None = None,
    ) -> TrainingRun:
        missing = corpora_missing(data_dir)
        if missing:
            raise InputError(missing)
        with self._lock:
            if self.last is not None and self.last.running:
                raise Conflict("a candidate is already being trained; it will appear here")
            run = self.last = TrainingRun(started_at=now)
            self._thread = threading.Thread(
                target=self._run,
                args=(run, engine, data_dir, model_dir, seed, weights),
                name="ceasewatch-train",
                daemon=True,  # a stopping server does not wait for a candidate nobody promoted
            )
            self._thread.start()
        return run

    def _run(
        self,
        run: TrainingRun,
        engine: Engine,
        data_dir: Path,
        model_dir: Path,
        seed: int,
        weights: Mapping[str, float] | None,
    ) -> None:
        started = time.monotonic()
        try:
            row = train_candidate(
                engine,
                data_dir=data_dir,
                model_dir=model_dir,
                now=run.started_at,
                seed=seed,
                weights=weights,
            )
            run.version = row.version
        except Exception as exc:  # shown on the page; the thread must not die silently
            log.exception("training a candidate failed")
            run.error = f"{type(exc).__name__}: {exc}"
        finally:
            run.seconds = round(time.monotonic() - started, 1)

    def wait(self, timeout_s: float) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)


def pending_candidate(session: Session) -> ModelVersion | None:
    """The newest registered model that has never been active, if it is newer than the active
    one: what the promote button would promote."""
    history = registry.promotions(session)
    ever_active = {p.version for p in history}
    versions = registry.list_all(session)  # oldest first
    if not versions or versions[-1].version in ever_active:
        return None
    return versions[-1]


@dataclass(frozen=True)
class MetricRow:
    key: str
    label: str
    active: float | None
    candidate: float | None
    higher_is_better: bool

    @property
    def candidate_better(self) -> bool | None:
        if self.active is None or self.candidate is None or self.active == self.candidate:
            return None
        return (self.candidate > self.active) == self.higher_is_better


def compare(active: ModelVersion | None, candidate: ModelVersion) -> dict[str, Any]:
    """The candidate's held-out figures beside the active model's, and whether both were
    measured on the same held-out split (same corpora files and seed)."""
    cand_card = model_card(candidate)
    act_card = model_card(active) if active is not None else {}
    cand, act = summary(cand_card), summary(act_card)
    rows = [MetricRow(k, label, act.get(k), cand.get(k), hib) for k, label, hib in SUMMARY]
    # A card with no corpora hashes (only a row's headline figures) says nothing of its split.
    same_split = bool(act_card.get("corpora_sha256")) and all(
        act_card.get(k) == cand_card.get(k) for k in ("corpora_sha256", "seed")
    )
    weak = cand_card.get("weak_labels")
    return {
        "rows": rows,
        "same_split": same_split,
        # Trained without the archive's weak labels (no archive under the data folder): the
        # dev figures hardly show it, but disaster and crime news scores higher again.
        "weak_labels_missing": isinstance(weak, dict) and "held_out_sha256" not in weak,
        "candidate_labels": cand_card.get("operator_labels"),
        # Shown when they differ, e.g. a candidate trained for fewer crime and disaster alerts.
        "candidate_weights": cand_card.get("sample_weights"),
        "active_weights": act_card.get("sample_weights"),
        "active_labels": act_card.get("operator_labels", 0 if act_card else None),
    }
