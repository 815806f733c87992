"""Import: an export (service/ops/backup.py) into an empty database at the same schema.

Nothing is written until the whole file has been checked: the manifest's format and schema
revision, and the sha256 of every member, read as a stream. Rows then go in through one
transaction, in batches, parents before children, with their own ids; the row count of each
table is checked against the manifest before the commit, and PostgreSQL's sequences are moved
past the imported ids. A file that is corrupt, truncated or from another schema is refused
with the reason, and the target is left as it was.

Model artifacts are placed in the model directory (or, when this install ships the same
artifact, that one is used) and the registry rows point at their new place.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from classifiers.artifacts import default_model_path
from service.ops.backup import BATCH, FORMAT, FORMAT_VERSION, MANIFEST, sha256_of
from service.ops.errors import InputError
from service.ops.keys import ROLES
from service.ops.subscriptions import check_choices
from service.ops.watches import WatchSpec
from service.store import backup as store

READ_ERRORS = (tarfile.TarError, EOFError, OSError, zlib.error, UnicodeDecodeError, ValueError)
# Rows whose shape is wrong (a list for a row, a number for a date) raise these while loading.
ROW_ERRORS = (KeyError, TypeError, AttributeError)
# No row of ours comes near this (an article, an alert with five evidence items, a model card):
# a longer line is refused before it is held in memory whole (a gzip bomb inflates to one line).
MAX_ROW_BYTES = 16 * 1024 * 1024


class ArchiveError(InputError):
    """The file cannot be imported; the message says why. Nothing was written."""


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)  # version -> artifact path used


def import_archive(engine: Engine, source: Path, *, model_dir: Path) -> ImportReport:
    report = ImportReport()
    with _open(source) as tar:
        manifest = _verified_manifest(tar, source)
        with engine.connect() as connection:
            revision = store.schema_revision(connection)
            counts = store.row_counts(connection)
        if manifest["schema_revision"] != revision:
            raise ArchiveError(
                f"{source} was exported at schema revision {manifest['schema_revision']}, this "
                f"database is at {revision}: export again after `ceasewatch migrate` on the "
                "source, with the same Ceasewatch version as here"
            )
        filled = {name: n for name, n in counts.items() if n}
        if filled:
            listed = ", ".join(f"{name} ({n})" for name, n in sorted(filled.items()))
            raise ArchiveError(
                f"the target database is not empty ({listed}); import only into a new, "
                "migrated database (`ceasewatch migrate` on an empty one)"
            )
        placed, created = _place_models(tar, source, manifest, model_dir)
        try:
            with engine.begin() as connection:
                for entry in manifest["tables"]:
                    try:
                        report.rows[entry["table"]] = _load_table(
                            tar, source, connection, entry, placed
                        )
                    except (DBAPIError, *READ_ERRORS, *ROW_ERRORS) as exc:
                        if isinstance(exc, ArchiveError):
                            raise
                        raise ArchiveError(
                            f"{source}: {entry['file']} cannot be loaded "
                            f"({type(exc).__name__}: {str(exc).splitlines()[0]}); "
                            "nothing was imported"
                        ) from exc
                store.fix_sequences(connection)
        except BaseException:
            for path in created:  # the artifacts this import wrote; the database rolled back
                path.unlink(missing_ok=True)
            raise
    report.models = {version: str(path) for version, path in placed.items()}
    return report


@contextmanager
def _open(source: Path) -> Iterator[tarfile.TarFile]:
    try:
        tar = tarfile.open(source, mode="r:")  # noqa: SIM115 (closed below, errors first)
    except FileNotFoundError as exc:
        raise ArchiveError(f"{source}: no such file") from exc
    except READ_ERRORS as exc:
        raise ArchiveError(f"{source} is not a Ceasewatch export ({exc})") from exc
    with tar:
        yield tar


def _member(tar: tarfile.TarFile, name: str, source: Path) -> IO[bytes]:
    try:
        stream = tar.extractfile(name)
    except KeyError:
        stream = None
    except READ_ERRORS as exc:
        raise ArchiveError(f"{source} is damaged or truncated at {name} ({exc})") from exc
    if stream is None:
        raise ArchiveError(f"{source} lacks {name}: the file is truncated or not an export")
    return stream


def _verified_manifest(tar: tarfile.TarFile, source: Path) -> dict[str, Any]:
    stream = _member(tar, MANIFEST, source)
    try:
        manifest = json.loads(stream.read())
    except READ_ERRORS as exc:
        raise ArchiveError(f"{source}: unreadable manifest ({exc})") from exc
    try:
        return _checked(tar, manifest, source)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ArchiveError(f"{source}: malformed manifest ({type(exc).__name__}: {exc})") from exc


def _checked(tar: tarfile.TarFile, manifest: Any, source: Path) -> dict[str, Any]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{source} is not a Ceasewatch export (no {FORMAT} manifest)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"{source} has export format {manifest.get('format_version')}; this version of "
            f"Ceasewatch reads format {FORMAT_VERSION}"
        )
    known = [t.name for t in store.tables()]
    listed = [e.get("table") for e in manifest.get("tables", []) if isinstance(e, dict)]
    if sorted(map(str, listed)) != sorted(known):
        raise ArchiveError(
            f"{source} holds tables {sorted(map(str, listed))}, this schema has {sorted(known)}"
        )
    order = {name: i for i, name in enumerate(known)}
    manifest["tables"] = sorted(manifest["tables"], key=lambda e: order[e["table"]])
    files = [*manifest["tables"], *(f for m in manifest.get("models", []) for f in m["files"])]
    for entry in files:
        digest = hashlib.sha256()
        member = _member(tar, entry["file"], source)
        try:
            while block := member.read(1 << 20):
                digest.update(block)
        except READ_ERRORS as exc:
            raise ArchiveError(f"{source} is damaged or truncated at {entry['file']}") from exc
        if digest.hexdigest() != entry["sha256"]:
            raise ArchiveError(
                f"{source} is corrupt: {entry['file']} does not match its checksum "
                "(changed or truncated since export); nothing was imported"
            )
    return manifest


def _place_models(
    tar: tarfile.TarFile, source: Path, manifest: dict[str, Any], model_dir: Path
) -> tuple[dict[str, Path], list[Path]]:
    """Where each model's artifact will live here; writes the ones not already present.
    Refuses, before writing anything, a different file already at a wanted path."""
    shipped = default_model_path()
    shipped_sha = sha256_of(shipped) if shipped.is_file() else None
    placed: dict[str, Path] = {}
    to_write: list[tuple[dict[str, Any], Path]] = []
    for model in manifest.get("models", []):
        artifact = next((f for f in model["files"] if f["role"] == "artifact"), None)
        if artifact is None:
            continue
        name = Path(artifact["file"]).name
        if model["sha256"] == shipped_sha and name == shipped.name:
            placed[model["version"]] = shipped
            continue
        for entry in model["files"]:
            target = model_dir.resolve() / Path(entry["file"]).name
            if target.exists() and sha256_of(target) != entry["sha256"]:
                raise ArchiveError(
                    f"{target} exists and differs from the exported {entry['file']}; move it "
                    "away or set CEASEWATCH_MODEL_DIR to another directory"
                )
            if not target.exists():
                to_write.append((entry, target))
        placed[model["version"]] = model_dir.resolve() / name
    created = []
    try:
        for entry, target in to_write:
            target.parent.mkdir(parents=True, exist_ok=True)
            with _member(tar, entry["file"], source) as src, target.open("wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
            created.append(target)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return placed, created


def _load_table(
    tar: tarfile.TarFile,
    source: Path,
    connection: Connection,
    entry: dict[str, Any],
    placed: dict[str, Path],
) -> int:
    table = store.table_named(entry["table"])
    assert table is not None
    dates = store.datetime_columns(table)
    rows = 0
    batch: list[dict[str, Any]] = []
    raw = _member(tar, entry["file"], source)
    with gzip.GzipFile(fileobj=raw) as unzipped:
        text = io.TextIOWrapper(unzipped, encoding="utf-8")
        while line := text.readline(MAX_ROW_BYTES):
            if not line.endswith("\n") and len(line) >= MAX_ROW_BYTES:
                raise ArchiveError(
                    f"{entry['file']}: row {rows + 1} is longer than {MAX_ROW_BYTES} bytes; "
                    "nothing was imported"
                )
            row = json.loads(line)
            _check_row(table.name, row, entry["file"], rows + 1)
            for name in dates:
                if row.get(name) is not None:
                    row[name] = datetime.fromisoformat(row[name])
            if table.name == "model_versions" and row["version"] in placed:
                row["path"] = str(placed[row["version"]])
            batch.append(row)
            rows += 1
            if len(batch) >= BATCH:
                store.insert_rows(connection, table, batch)
                batch = []
    store.insert_rows(connection, table, batch)
    if rows != entry["rows"]:
        raise ArchiveError(
            f"{entry['file']} holds {rows} rows, the manifest says {entry['rows']}; "
            "nothing was imported"
        )
    return rows


def _check_row(table: str, row: Any, file: str, number: int) -> None:
    """The checks the API makes on what it stores, made again on rows that come from a file:
    a checksum proves only that the file is as it was written, not who wrote it."""
    problem: str | None = None
    if not isinstance(row, dict):
        problem = f"a row must be a JSON object, not {type(row).__name__}"
    elif table == "watches":
        try:
            spec = WatchSpec.model_validate({k: row[k] for k in WatchSpec.model_fields if k in row})
            spec.check_thresholds()
        except (ValidationError, InputError) as exc:
            problem = f"not a valid watch ({str(exc).splitlines()[0]})"
    elif table == "api_keys" and row.get("role") not in ROLES:
        problem = f"unknown role {row.get('role')!r}"
    elif table == "subscriptions":
        try:
            if not (
                {"min_level", "format"} <= row.keys()
                and isinstance(row.get("events"), list)
                and isinstance(row.get("watches"), list)
                and all(isinstance(w, str) for w in row["watches"])
            ):
                raise InputError("level, format, events or watches missing or malformed")
            check_choices(row)
        except InputError as exc:
            problem = f"not a valid subscription ({exc})"
    if problem is not None:
        raise ArchiveError(f"{file}: row {number}: {problem}; nothing was imported")
