"""`ceasewatch export` / `import`: a deployment built through the real paths (a poll over
loopback with the real model, a corroborated alert, a verified webhook delivery, labels, a
silence, keys and a promoted model) moves from one database kind to the other intact; a
corrupt, truncated, foreign or misplaced file is refused and the target stays untouched."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import shutil
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select
from typer.testing import CliRunner

from classifiers.artifacts import DEFAULT_MODEL_VERSION, card_path, default_model_path
from service.cli import app
from service.config import Settings
from service.db import make_engine, session_scope
from service.migrate import upgrade
from service.models import Alert, Article, Delivery, Feed, Label
from service.ops import keys as key_ops
from service.ops import models as model_ops
from service.ops import silences as silence_ops
from service.ops import subscriptions as sub_ops
from service.ops.alerts import evaluate_watches
from service.ops.backup import MANIFEST, export_archive, sha256_of
from service.ops.deliver import deliver_due
from service.ops.models import load_verified
from service.ops.poll import poll_once
from service.ops.restore import ArchiveError, import_archive
from service.ops.watches import enable_preset
from service.store import backup as backup_store
from service.store import feeds as feed_store
from tests.integration.test_alert_lifecycle import CLASHES, OPEN_WAR
from tests.support.databases import postgres_schema
from tests.support.feed_server import FeedServer, outlet_rss
from tests.support.webhook_receiver import WebhookReceiver

T0 = datetime(2026, 2, 26, 9, 0, tzinfo=UTC)
SLUG = "pakistan-afghanistan"


def rss(outlet: str, stories: list[tuple[str, str]]) -> bytes:
    return outlet_rss(outlet, stories, published=datetime(2026, 2, 26, 8, 0, tzinfo=UTC))


@pytest.fixture
def other_url(database_url: str, tmp_path: Path, postgres_reason: str | None) -> Iterator[str]:
    """A second, empty database of the other kind: SQLite -> PostgreSQL and back."""
    if database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'target.db'}"
        return
    with postgres_schema(postgres_reason) as url:
        yield url


@pytest.fixture
def target(other_url: str) -> Iterator[Engine]:
    upgrade(other_url)
    eng = make_engine(other_url)
    yield eng
    eng.dispose()


def populate(engine: Engine, settings: Settings, source_models: Path) -> None:
    """A small deployment, through the same paths the service takes."""
    scorer = load_verified(default_model_path(), sha256_of(default_model_path()))
    with (
        FeedServer() as feeds,
        WebhookReceiver("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY") as rx,
    ):
        feeds.static("/dawn.xml", rss("www.dawn.com", CLASHES + OPEN_WAR))
        feeds.static(
            "/tolo.xml", rss("tolonews.com", [(OPEN_WAR[0][0] + " - TOLO", OPEN_WAR[0][1])])
        )
        feeds.static(
            "/sport.xml",
            rss("sport.example", [("Cup final tonight", "Football."), ("Rain delays", "Tennis.")]),
        )
        with session_scope(engine) as session:
            model_ops.ensure_default(session, now=T0)
            enable_preset(session, SLUG, now=T0)
            for path in ("/dawn.xml", "/tolo.xml", "/sport.xml"):
                feed_store.add(session, url=feeds.url(path), title=None, now=T0)
            key_ops.create_key(session, role="admin", name="ops", now=T0)
            sub = sub_ops.create(
                session,
                {"url": rx.url("/desk"), "watches": [SLUG]},
                owner_key_id=None,
                settings=settings,
                now=T0,
            )
            rx.use_secret("/desk", sub.secret)
        poll_once(
            engine,
            settings=settings,
            scorer=scorer,
            now=lambda: T0,
            rng=random.Random(1),
            ignore_schedule=True,
        )
        report = deliver_due(engine, settings=settings, now=lambda: T0)
        assert report.attempted >= 1 and rx.accepted("/desk")
    with session_scope(engine) as session:
        alert = session.exec(select(Alert)).one()
        assert alert.level == "critical" and alert.evidence
        # A story that is not evidence, so a light export keeps it for its label alone.
        article_id = session.exec(
            select(Article.id).where(Article.title == "Cup final tonight")
        ).one()
        session.add(
            Label(
                article_id=article_id,
                quad="material_conflict",
                signals=["airstrike"],
                author="test",
                created_at=T0,
            )
        )
        silence_ops.create(
            session,
            watch=SLUG,
            level="warning",
            starts_at=None,
            ends_at=None,
            duration_s=3600,
            comment="maintenance",
            author="test",
            now=T0,
        )
    # A registered and promoted model of our own, in this deployment's model directory.
    source_models.mkdir(parents=True, exist_ok=True)
    artifact = source_models / "ceasewatch-cw-test.skops"
    shutil.copyfile(default_model_path(), artifact)
    card = json.loads(card_path(default_model_path()).read_text())
    card_path(artifact).write_text(json.dumps({**card, "version": "cw-test"}))
    with session_scope(engine) as session:
        model_ops.register(
            session,
            version="cw-test",
            path=artifact,
            sha256=sha256_of(artifact),
            metrics={"macro_f1": 0.5},
            now=T0 + timedelta(minutes=5),
        )
        model_ops.promote(session, "cw-test", now=T0 + timedelta(minutes=6))


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as connection:
        return {
            t.name: list(backup_store.stream_rows(connection, t, batch=100))
            for t in backup_store.tables()
        }


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return backup_store.row_counts(connection)


@pytest.fixture
def populated(engine: Engine, settings: Settings, tmp_path: Path) -> Path:
    """The source deployment exported; returns the archive."""
    populate(engine, settings, tmp_path / "source-models")
    archive = tmp_path / "deployment.tar"
    export_archive(engine, archive, now=T0)
    return archive


def test_a_deployment_moves_between_databases_intact(
    engine: Engine, target: Engine, populated: Path, tmp_path: Path
) -> None:
    assert populated.stat().st_mode & 0o077 == 0  # secrets inside: owner only
    before = dump(engine)
    assert all(before[t] for t in ("articles", "alerts", "deliveries", "delivery_attempts"))
    assert all(before[t] for t in ("labels", "silences", "subscriptions", "api_keys"))
    target_models = tmp_path / "target-models"

    report = import_archive(target, populated, model_dir=target_models)

    after = dump(target)
    assert report.rows == {name: len(rows) for name, rows in before.items()}
    for name, rows in before.items():
        if name == "model_versions":
            continue
        assert after[name] == rows, name
    # Model rows are equal but for where the artifact now lives; both artifacts load.
    moved = {r["version"]: r for r in after["model_versions"]}
    for row in before["model_versions"]:
        assert {**moved[row["version"]], "path": row["path"]} == row
    assert Path(moved["cw-test"]["path"]) == target_models.resolve() / "ceasewatch-cw-test.skops"
    assert Path(moved[DEFAULT_MODEL_VERSION]["path"]) == default_model_path()  # shipped here too
    active = model_ops.ActiveModel(target).refresh(now=T0)
    assert active is not None and active.version == "cw-test"

    # The moved deployment works: the same index, and new rows get fresh ids.
    with session_scope(engine) as session:
        source_eval = evaluate_watches(session, [1], now=T0 + timedelta(minutes=1))
        session.rollback()
    with session_scope(target) as session:
        target_eval = evaluate_watches(session, [1], now=T0 + timedelta(minutes=1))
        new_feed = feed_store.add(session, url="https://new.example/rss", title=None, now=T0)
        new_delivery_ids = session.exec(select(func.max(Delivery.id))).one()
    assert [e.index for e in target_eval] == [e.index for e in source_eval]
    assert new_feed.id == max(r["id"] for r in before["feeds"]) + 1
    assert new_delivery_ids == max(r["id"] for r in before["deliveries"])


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One exported SQLite deployment for the refusal tests, built once."""
    tmp = tmp_path_factory.mktemp("archive")
    url = f"sqlite:///{tmp / 'source.db'}"
    upgrade(url)
    engine = make_engine(url)
    settings = Settings(database_url=url, allow_private_targets=True, connect_timeout_s=2)
    populate(engine, settings, tmp / "source-models")
    export_archive(engine, tmp / "deployment.tar", now=T0)
    engine.dispose()
    return tmp / "deployment.tar"


def test_a_non_empty_target_is_refused(target: Engine, archive: Path, tmp_path: Path) -> None:
    with session_scope(target) as session:
        feed_store.add(session, url="https://already.example/rss", title=None, now=T0)
    with pytest.raises(ArchiveError, match=r"not empty \(feeds \(1\)\)"):
        import_archive(target, archive, model_dir=tmp_path / "m")
    assert sum(counts(target).values()) == 1
    assert not (tmp_path / "m").exists()


def _rewrite(archive: Path, out: Path, change: Any) -> None:
    """Copies the archive, passing each member's (name, bytes) through `change`."""
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            name, data = change(member.name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("damage", ["flipped", "truncated", "revision", "missing", "not_tar"])
def test_a_damaged_archive_is_refused_and_nothing_is_written(
    target: Engine, archive: Path, tmp_path: Path, damage: str
) -> None:
    populated = archive
    bad = tmp_path / "bad.tar"
    if damage == "flipped":  # one byte inside the articles member
        with tarfile.open(populated) as tar:
            offset = tar.getmember("tables/articles.jsonl.gz").offset_data
        data = bytearray(populated.read_bytes())
        data[offset + 20] ^= 0xFF
        bad.write_bytes(bytes(data))
        expected = "corrupt: tables/articles.jsonl.gz does not match its checksum"
    elif damage == "truncated":
        bad.write_bytes(populated.read_bytes()[: int(populated.stat().st_size * 0.6)])
        expected = "truncated"
    elif damage == "revision":

        def older(name: str, data: bytes) -> tuple[str, bytes]:
            if name == MANIFEST:
                data = json.dumps({**json.loads(data), "schema_revision": "0001"}).encode()
            return name, data

        _rewrite(populated, bad, older)
        expected = "exported at schema revision 0001, this database is at"
    elif damage == "missing":
        _rewrite(populated, bad, lambda n, d: (n.replace("labels", "lab"), d))
        expected = "lacks tables/labels.jsonl.gz"
    else:
        bad.write_text("hello")
        expected = "not a Ceasewatch export"
    with pytest.raises(ArchiveError, match=expected):
        import_archive(target, bad, model_dir=tmp_path / "target-models")
    assert sum(counts(target).values()) == 0
    assert not (tmp_path / "target-models").exists()


def _tampered(archive: Path, out: Path, table: str, edit: Any) -> None:
    """The archive with `table`'s rows passed through `edit` (rows -> JSON lines) and the
    manifest's checksum recomputed: well-formed as a file, wrong in what it says."""
    member = f"tables/{table}.jsonl.gz"
    with tarfile.open(archive) as tar:
        raw = tar.extractfile(member).read()  # type: ignore[union-attr]
    rows = [json.loads(line) for line in gzip.decompress(raw).decode().splitlines()]
    data = gzip.compress("".join(line + "\n" for line in edit(rows)).encode())

    def change(name: str, content: bytes) -> tuple[str, bytes]:
        if name == member:
            return name, data
        if name == MANIFEST:
            manifest = json.loads(content)
            for entry in manifest["tables"]:
                if entry["file"] == member:
                    entry["sha256"] = hashlib.sha256(data).hexdigest()
            return name, json.dumps(manifest).encode()
        return name, content

    _rewrite(archive, out, change)


def _first(rows: list[dict[str, Any]], **changes: Any) -> list[str]:
    return [json.dumps({**rows[0], **changes}), *map(json.dumps, rows[1:])]


@pytest.mark.parametrize(
    ("table", "edit", "expected"),
    [
        ("feeds", lambda rows: ["[1, 2]", *map(json.dumps, rows[1:])],
         "row 1: a row must be a JSON object"),
        ("feeds", lambda rows: _first(rows, created_at=12345), "cannot be loaded"),
        ("watches", lambda rows: _first(rows, parties="notalist"), "row 1: not a valid watch"),
        ("watches", lambda rows: _first(rows, keep_firing_s=-5), "row 1: not a valid watch"),
        ("api_keys", lambda rows: _first(rows, role="superuser"), "unknown role 'superuser'"),
        ("subscriptions", lambda rows: _first(rows, events=["alert.everything"]),
         "not a valid subscription"),
        ("articles", lambda rows: ["x" * (17 * 1024 * 1024)], "longer than"),
    ],
)
def test_a_tampered_archive_is_refused_and_nothing_is_written(
    target: Engine, archive: Path, tmp_path: Path, table: str, edit: Any, expected: str
) -> None:
    bad = tmp_path / "tampered.tar"
    _tampered(archive, bad, table, edit)
    with pytest.raises(ArchiveError, match=expected):
        import_archive(target, bad, model_dir=tmp_path / "target-models")
    assert sum(counts(target).values()) == 0


def test_without_articles_keeps_labelled_and_evidence_articles(
    engine: Engine, settings: Settings, target: Engine, tmp_path: Path
) -> None:
    populate(engine, settings, tmp_path / "source-models")
    archive = tmp_path / "light.tar"
    report = export_archive(engine, archive, now=T0, without_articles=True)
    with session_scope(engine) as session:
        labelled = set(session.exec(select(Label.article_id)).all())
        evidence = {e["article_id"] for a in session.exec(select(Alert)).all() for e in a.evidence}
        total = session.exec(select(func.count()).select_from(Article)).one()
    assert report.rows["articles"] == len(labelled | evidence) < total
    import_archive(target, archive, model_dir=tmp_path / "target-models")
    with session_scope(target) as session:
        kept = set(session.exec(select(Article.id)).all())
        assert kept == labelled | evidence
        assert session.exec(select(func.count()).select_from(Label)).one() == len(labelled)
        assert session.exec(select(func.count()).select_from(Feed)).one() == 3


def test_cli_export_then_import(
    database_url: str, other_url: str, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    populate(engine, settings, tmp_path / "source-models")
    runner = CliRunner()
    archive = tmp_path / "cli.tar"
    out = runner.invoke(
        app, ["export", str(archive)], env={"CEASEWATCH_DATABASE_URL": database_url}
    )
    assert out.exit_code == 0, out.output
    assert "exported" in out.output and "webhook signing secrets" in out.output
    env = {"CEASEWATCH_DATABASE_URL": other_url, "CEASEWATCH_MODEL_DIR": str(tmp_path / "t")}
    first = runner.invoke(app, ["import", str(archive)], env=env)
    assert first.exit_code == 0, first.output
    assert "articles" in first.output and "model cw-test" in first.output
    again = runner.invoke(app, ["import", str(archive)], env=env)
    assert again.exit_code == 2 and "not empty" in again.output
    assert "Traceback" not in again.output
