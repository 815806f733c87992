"""Training a candidate model from the corpora plus operator labels, and registering it.

Training takes minutes, so it runs outside any transaction: read labels, commit, train, then
register the result in a second short transaction. Promotion is a separate, explicit step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from classifiers.artifacts import save_model
from classifiers.scoring import Scorer
from classifiers.training import LabelledText, train
from classifiers.unrelated_news import unrelated_share
from service.db import session_scope
from service.models import Article, Label, ModelVersion
from service.ops.models import register, summary


def operator_labels(session: Session) -> list[LabelledText]:
    rows = session.exec(select(Label, Article).where(Label.article_id == Article.id)).all()
    return [
        LabelledText(
            text=f"{article.title}. {article.summary}".strip(),
            quad=label.quad,
            signals=tuple(label.signals),
        )
        for label, article in rows
    ]


def train_candidate(
    engine: Engine,
    *,
    data_dir: Path | None,
    model_dir: Path,
    now: datetime,
    seed: int = 0,
    progress: Callable[[str, float], None] | None = None,
    weights: Mapping[str, float] | None = None,
) -> ModelVersion:
    """Train on the corpora plus the operator labels in the database (source weights as
    training.source_weights unless `weights` says otherwise) and register the candidate."""
    with session_scope(engine) as session:
        extra = operator_labels(session)
    model, card = train(data_dir, extra=extra, seed=seed, progress=progress, weights=weights)
    version = "cw-" + now.strftime("%Y%m%dT%H%M%SZ")
    card = {**card, "operator_labels": len(extra)}
    if data_dir is not None:  # disaster and crime news above the alert line, as in the
        # shipped model's card, so the dashboard can set the candidate beside it
        card["unrelated_news"] = unrelated_share(Scorer(model, version=version), data_dir)
    path, sha256 = save_model(model, model_dir, version=version, card=card)
    with session_scope(engine) as session:
        return register(
            session, version=version, path=path, sha256=sha256, metrics=summary(card), now=now
        )
