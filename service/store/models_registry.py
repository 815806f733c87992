"""Model versions and the append-only promotion history."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from service.models import ModelPromotion, ModelVersion


def get(session: Session, version: str) -> ModelVersion | None:
    return session.get(ModelVersion, version)


def add(session: Session, row: ModelVersion) -> ModelVersion:
    session.add(row)
    session.flush()
    return row


def list_all(session: Session) -> Sequence[ModelVersion]:
    return session.exec(select(ModelVersion).order_by(col(ModelVersion.created_at))).all()


def promotions(session: Session) -> Sequence[ModelPromotion]:
    """Newest first."""
    return session.exec(select(ModelPromotion).order_by(col(ModelPromotion.id).desc())).all()


def add_promotion(session: Session, row: ModelPromotion) -> None:
    session.add(row)
    session.flush()
