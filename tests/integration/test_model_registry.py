"""The model registry: the headline figures shown for every model (shipped, trained, and rows
written by older releases), and rollback undoing promotions one at a time."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from classifiers.artifacts import card_path, default_model_path
from service.cli import app as cli_app
from service.db import session_scope
from service.models import ModelPromotion, ModelVersion
from service.ops import labelling
from service.ops import models as model_ops
from service.ops.errors import Conflict
from service.store import models_registry as registry
from tests.support.api import ADMIN, key

T0 = datetime(2026, 12, 1, tzinfo=UTC)
OPERATOR = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Any:
    runner = CliRunner()
    env = {"CEASEWATCH_DATABASE_URL": database_url,
           "CEASEWATCH_MODEL_DIR": str(tmp_path / "models")}
    return lambda *args: runner.invoke(cli_app, list(args), env=env)


def shipped_card() -> dict[str, Any]:
    card: dict[str, Any] = json.loads(card_path(default_model_path()).read_text())
    return card


def expected_headline() -> dict[str, float]:
    """The shipped card's own figures, read where the build wrote them."""
    card = shipped_card()
    chosen = card["comparison"][card["design"]]
    conflibert = card["dev_metrics"]["conflibert"]
    # The chosen design's comparison entry is the dev metrics' summary.
    assert chosen["conflibert_escalation_f1"] == conflibert["escalation_f1"]
    assert chosen["conflibert_macro_f1"] == conflibert["macro_f1"]
    return {
        **chosen,
        "disaster_share_above_threshold":
            card["unrelated_news"]["disaster"]["share_above_threshold"],
        "crime_share_above_threshold": card["unrelated_news"]["crime"]["share_above_threshold"],
    }


def register_copy(session: Any, tmp_path: Path, version: str, *, metrics: dict[str, Any],
                  at: datetime = T0) -> ModelVersion:
    """The shipped artifact and its card under another version, as a trained model is kept."""
    shipped = default_model_path()
    copy = tmp_path / f"ceasewatch-{version}.skops"
    shutil.copyfile(shipped, copy)
    shutil.copyfile(card_path(shipped), card_path(copy))
    sha = model_ops.ensure_default(session, now=T0).sha256
    return registry.add(session, ModelVersion(
        version=version, path=str(copy), sha256=sha, metrics=metrics, created_at=at))


def test_the_shipped_model_registers_its_headline_figures(engine: Engine) -> None:
    expected = expected_headline()
    assert set(expected) == model_ops.HEADLINE_KEYS
    with session_scope(engine) as session:
        row = model_ops.ensure_default(session, now=T0)
        assert row.metrics == expected
        assert model_ops.headline_metrics(row) == expected


def test_the_api_and_status_show_the_headline_figures(client: TestClient, engine: Engine) -> None:
    expected = expected_headline()
    viewer = key(engine, "viewer")
    [listed] = client.get("/api/v1/models", headers=viewer).json()
    assert listed["active"] and listed["metrics"] == expected
    status = client.get("/api/v1/status", headers=viewer).json()
    assert status["model"]["version"] == listed["version"]
    assert status["model"]["metrics"] == expected


def test_models_list_prints_the_figures_readably(cli: Any) -> None:
    expected = expected_headline()
    listed = cli("models", "list")
    assert listed.exit_code == 0, listed.output
    line = listed.output.splitlines()[0]
    assert line.startswith("* ") and "{" not in line
    assert f"escalation F1 {expected['conflibert_escalation_f1']:.3f}" in line
    assert f"macro-F1 {expected['conflibert_macro_f1']:.3f}" in line
    assert f"ECE {expected['all_news_escalation_ece']:.3f}" in line
    assert f"crime {expected['crime_share_above_threshold']:.1%}" in line


@pytest.mark.parametrize("legacy", ["empty", "whole card"])
def test_rows_from_older_releases_still_show_headline_figures(
    client: TestClient, engine: Engine, tmp_path: Path, legacy: str
) -> None:
    # Older releases registered the shipped model with {} and a trained one with its whole card.
    metrics = {} if legacy == "empty" else shipped_card()
    with session_scope(engine) as session:
        shipped = model_ops.ensure_default(session, now=T0)
        row = register_copy(session, tmp_path, "cw-legacy", metrics=metrics)
        model_ops.promote(session, row.version, now=T0 + timedelta(hours=1))
        assert model_ops.headline_metrics(row) == expected_headline()
        # The dashboard's comparison reads both kinds of row alike.
        compared = labelling.compare(row, shipped)
        assert compared["same_split"]
        assert all(r.active == r.candidate is not None for r in compared["rows"])
    viewer = key(engine, "viewer")
    listed = {m["version"]: m for m in client.get("/api/v1/models", headers=viewer).json()}
    assert listed["cw-legacy"]["metrics"] == expected_headline()
    status = client.get("/api/v1/status", headers=viewer).json()
    assert status["model"]["metrics"] == expected_headline()


def test_a_whole_card_row_without_its_sidecar_is_summarised_from_the_row(
    engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        row = register_copy(session, tmp_path, "cw-gone", metrics=shipped_card())
        card_path(Path(row.path)).unlink()
        assert model_ops.headline_metrics(row) == expected_headline()


def test_rollback_walks_back_through_the_promotions(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        shipped = model_ops.ensure_default(session, now=T0).version
        for version in ("cw-a", "cw-b"):
            register_copy(session, tmp_path, version, metrics=expected_headline())
    for version in ("cw-a", "cw-b"):
        promoted = client.post(f"/api/v1/models/{version}/promote", headers=OPERATOR)
        assert promoted.status_code == 200, promoted.text

    for back_to in ("cw-a", shipped):
        rolled = client.post("/api/v1/models/rollback", headers=OPERATOR)
        assert rolled.status_code == 200, rolled.text
        assert rolled.json()["version"] == back_to and rolled.json()["active"]
        assert rolled.json()["metrics"] == expected_headline()
        with session_scope(engine) as session:
            assert model_ops.active_version(session).version == back_to  # type: ignore[union-attr]
    refused = client.post("/api/v1/models/rollback", headers=OPERATOR)
    assert refused.status_code == 409 and "nothing to roll back to" in refused.json()["detail"]
    with session_scope(engine) as session:
        assert model_ops.active_version(session).version == shipped  # type: ignore[union-attr]


def test_a_second_rollback_does_not_reactivate_the_rolled_back_model(
    engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        shipped = model_ops.ensure_default(session, now=T0).version
        register_copy(session, tmp_path, "cw-bad", metrics={})
        model_ops.promote(session, "cw-bad", now=T0)
        assert model_ops.rollback(session, now=T0).version == shipped
        with pytest.raises(Conflict, match="nothing to roll back to"):
            model_ops.rollback(session, now=T0)
        assert model_ops.active_version(session).version == shipped  # type: ignore[union-attr]


def test_models_rollback_command_steps_back_once(
    cli: Any, engine: Engine, tmp_path: Path
) -> None:
    with session_scope(engine) as session:
        shipped = model_ops.ensure_default(session, now=T0).version
        register_copy(session, tmp_path, "cw-bad", metrics={})
    assert cli("models", "promote", "cw-bad").exit_code == 0
    first = cli("models", "rollback")
    assert first.exit_code == 0 and f"rolled back to {shipped}" in first.output, first.output
    second = cli("models", "rollback")
    assert second.exit_code == 2 and "nothing to roll back to" in second.output
    assert cli("models", "list").output.startswith(f"* {shipped}")


def p(version: str, action: str) -> ModelPromotion:
    return ModelPromotion(version=version, action=action, at=T0)


@pytest.mark.parametrize(
    ("oldest_first", "stack"),
    [
        ([], []),
        ([p("s", "bootstrap")], ["s"]),
        ([p("s", "bootstrap"), p("a", "promote"), p("b", "promote")], ["s", "a", "b"]),
        ([p("s", "bootstrap"), p("a", "promote"), p("s", "rollback")], ["s"]),
        ([p("s", "bootstrap"), p("t", "upgrade"), p("a", "promote")], ["s", "t", "a"]),
        # Promoting the active version again leaves nothing extra to undo.
        ([p("s", "bootstrap"), p("a", "promote"), p("a", "promote")], ["s", "a"]),
        # An older release's second rollback toggled forward to the rolled-back version: that
        # counts as activating it, so rolling back still reaches the bootstrap version.
        ([p("s", "bootstrap"), p("a", "promote"), p("s", "rollback"), p("a", "rollback")],
         ["s", "a"]),
        # A rollback to a version further down pops everything above it.
        ([p("s", "bootstrap"), p("a", "promote"), p("b", "promote"), p("s", "rollback")],
         ["s"]),
    ],
)
def test_the_promotion_stack(oldest_first: list[ModelPromotion], stack: list[str]) -> None:
    assert model_ops.promotion_stack(list(reversed(oldest_first))) == stack
