"""Upgrading the package (a new image, venv or Python) must not leave the service without a
model: the registry stores absolute paths, and the shipped artifact moves with the package."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from classifiers.artifacts import card_path, default_model_path
from service.db import session_scope
from service.models import ModelPromotion, ModelVersion
from service.ops import models as model_ops
from service.store import models_registry as registry

T0 = datetime(2026, 11, 1, tzinfo=UTC)
T1 = datetime(2026, 11, 2, tzinfo=UTC)


def test_a_moved_package_is_found_and_the_stored_path_follows(engine: Engine) -> None:
    with session_scope(engine) as session:
        row = model_ops.ensure_default(session, now=T0)
        version = row.version
        # As registered by an older image whose venv lived elsewhere.
        old_venv = Path("/opt/old-venv/lib/python3.11/site-packages/classifiers/artifacts")
        row.path = str(old_venv / Path(row.path).name)
        session.add(row)

    scorer = model_ops.ActiveModel(engine).refresh(now=T1)

    assert scorer is not None and scorer.version == version
    with session_scope(engine) as session:
        active = model_ops.active_version(session)
        assert active is not None
        assert Path(active.path) == default_model_path()
        assert [p.action for p in registry.promotions(session)] == ["bootstrap"]


def test_a_removed_shipped_model_is_replaced_by_the_new_one(engine: Engine) -> None:
    with session_scope(engine) as session:
        old = registry.add(
            session,
            ModelVersion(
                version="2025.01.0",
                path="/opt/old-venv/site-packages/classifiers/artifacts/ceasewatch-2025.01.0.skops",
                sha256="0" * 64,
                metrics={},
                created_at=T0,
            ),
        )
        registry.add_promotion(
            session, ModelPromotion(version=old.version, action="bootstrap", at=T0)
        )

    scorer = model_ops.ActiveModel(engine).refresh(now=T1)

    assert scorer is not None and scorer.version != "2025.01.0"
    with session_scope(engine) as session:
        history = registry.promotions(session)
        assert [(p.version, p.action) for p in history] == [
            (scorer.version, "upgrade"),
            ("2025.01.0", "bootstrap"),
        ]


def test_a_trained_model_that_is_still_there_stays_active(engine: Engine, tmp_path: Path) -> None:
    # An operator's model in its own directory (here: a copy of the shipped one under another
    # name) is never swapped for the shipped one while its file exists.
    shipped = default_model_path()
    copy = tmp_path / "ceasewatch-cw-operator.skops"
    shutil.copyfile(shipped, copy)
    shutil.copyfile(card_path(shipped), card_path(copy))
    with session_scope(engine) as session:
        model_ops.ensure_default(session, now=T0)
        sha = model_ops.active_version(session).sha256  # type: ignore[union-attr]
        registry.add(
            session,
            ModelVersion(
                version="cw-operator", path=str(copy), sha256=sha, metrics={}, created_at=T0
            ),
        )
        model_ops.promote(session, "cw-operator", now=T0)

    with session_scope(engine) as session:
        assert model_ops.ensure_default(session, now=T1).version == "cw-operator"
