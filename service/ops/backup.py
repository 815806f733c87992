"""Export: one portable file holding everything needed to move a deployment.

The file is a tar (`ceasewatch export FILE`):

    manifest.json                     format, schema revision, per-member rows, bytes, sha256
    tables/<table>.jsonl.gz           one JSON object per row, every table of the schema
    models/<n>/<artifact>.skops       each registered model's artifact and its card

Rows are read in one snapshot and streamed table by table into gzip files beside the
destination, so memory does not grow with the database; the tar is then written under a
temporary name and renamed, so FILE is either complete or absent. Tables are found from the
models, so a table added later is exported without a change here. The file holds webhook
secrets and hashed API keys: it is created readable by its owner only.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Engine

from service import __version__
from service.store import backup as store

FORMAT = "ceasewatch-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
SENSITIVE = (
    "this file contains webhook signing secrets and API key hashes: keep it private, and "
    "delete copies you no longer need"
)


@dataclass
class ExportReport:
    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    size_bytes: int = 0


def encode(row: dict[str, Any]) -> str:
    return json.dumps(
        {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_archive(
    engine: Engine, destination: Path, *, now: datetime, without_articles: bool = False
) -> ExportReport:
    """Writes the archive; with `without_articles` only the articles that carry labels or are
    alert evidence are kept (with their sources, scores and attributions)."""
    destination = destination.resolve()
    report = ExportReport(destination)
    with tempfile.TemporaryDirectory(
        dir=destination.parent, prefix=".ceasewatch-export-"
    ) as tmp_name:
        tmp = Path(tmp_name)
        members: list[dict[str, Any]] = []
        with engine.connect() as connection:
            store.begin_snapshot(connection)
            revision = store.schema_revision(connection)
            keep = (
                store.labelled_article_ids(connection) | store.evidence_article_ids(connection)
                if without_articles
                else None
            )
            tables = []
            for table in store.tables():
                entry = _write_table(connection, table, tmp, keep)
                tables.append(entry)
                report.rows[table.name] = entry["rows"]
            models = _model_members(connection, tmp, report)
            connection.rollback()
        members = [*tables, *(f for m in models for f in m["files"])]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "ceasewatch_version": __version__,
            "schema_revision": revision,
            "source_dialect": engine.dialect.name,
            "without_articles": without_articles,
            "tables": tables,
            "models": models,
            "warnings": report.warnings,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = destination.with_name(destination.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w") as tar:
                # The manifest first: an import reads it before anything else.
                tar.add(tmp / MANIFEST, arcname=MANIFEST)
                for member in members:
                    tar.add(tmp / member["file"], arcname=member["file"])
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)
    report.size_bytes = destination.stat().st_size
    return report


def _write_table(
    connection: Connection, table: Table, tmp: Path, keep: set[int] | None
) -> dict[str, Any]:
    name = f"tables/{table.name}.jsonl.gz"
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    reference = "id" if table.name == "articles" else store.article_reference(table)
    rows = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as out:
        for row in store.stream_rows(connection, table, batch=BATCH):
            if keep is not None and reference is not None and row[reference] not in keep:
                continue
            out.write(encode(row) + "\n")
            rows += 1
    return {
        "table": table.name,
        "file": name,
        "rows": rows,
        "bytes": path.stat().st_size,
        "sha256": sha256_of(path),
    }


def _model_members(connection: Connection, tmp: Path, report: ExportReport) -> list[dict[str, Any]]:
    """Each registered model's artifact (and card), checked against its registered sha256."""
    versions = store.table_named("model_versions")
    assert versions is not None
    found = []
    for n, row in enumerate(store.stream_rows(connection, versions, batch=BATCH)):
        artifact = Path(row["path"])
        if not artifact.is_file():
            report.warnings.append(
                f"model {row['version']}: artifact {artifact} is missing; exported without it"
            )
            continue
        if sha256_of(artifact) != row["sha256"]:
            report.warnings.append(
                f"model {row['version']}: {artifact} no longer matches its registered sha256; "
                "exported without it"
            )
            continue
        files = []
        for source, role in ((artifact, "artifact"), (artifact.with_suffix(".card.json"), "card")):
            if not source.is_file():
                continue
            name = f"models/{n}/{source.name}"
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, tmp / name)
            files.append(
                {
                    "role": role,
                    "file": name,
                    "bytes": source.stat().st_size,
                    "sha256": sha256_of(tmp / name),
                }
            )
        found.append({"version": row["version"], "sha256": row["sha256"], "files": files})
        report.models.append(row["version"])
    return found
