"""Job health, the service's own facts, and API keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from service.models import ApiKey, AppState, JobHealth


def get_state(session: Session, key: str) -> str | None:
    row = session.get(AppState, key)
    return None if row is None else row.value


def set_state(session: Session, key: str, value: str) -> None:
    row = session.get(AppState, key)
    if row is None:
        session.add(AppState(key=key, value=value))
    else:
        row.value = value
    session.flush()


def job_health(session: Session, name: str) -> JobHealth:
    row = session.get(JobHealth, name)
    if row is None:
        row = JobHealth(name=name)
        session.add(row)
    return row


def list_job_health(session: Session) -> Sequence[JobHealth]:
    return session.exec(select(JobHealth).order_by(col(JobHealth.name))).all()


def add_key(session: Session, key: ApiKey) -> ApiKey:
    session.add(key)
    session.flush()
    return key


def key_by_hash(session: Session, key_hash: str) -> ApiKey | None:
    return session.exec(select(ApiKey).where(ApiKey.key_hash == key_hash)).first()
