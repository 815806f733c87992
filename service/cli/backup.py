"""`ceasewatch export FILE`, `ceasewatch import FILE`, `ceasewatch prune [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

import typer

from service.cli.common import fail, friendly_errors, migrated_engine, settings
from service.clock import utcnow
from service.ops.backup import SENSITIVE, export_archive
from service.ops.restore import import_archive
from service.ops.retention import prune as prune_articles


@friendly_errors
def export(
    file: Path = typer.Argument(..., dir_okay=False, help="The archive to write (a tar)."),
    without_articles: bool = typer.Option(
        False,
        "--without-articles",
        help="Leave out articles, except labelled ones and alert evidence.",
    ),
) -> None:
    """Write everything needed to move this deployment into one file."""
    if not file.parent.is_dir():
        fail(f"{file.parent} is not a directory")
    s = settings()
    with migrated_engine(s) as engine:
        report = export_archive(engine, file, now=utcnow(), without_articles=without_articles)
    rows = sum(report.rows.values())
    typer.echo(
        f"exported {rows} rows from {len(report.rows)} tables and {len(report.models)} model "
        f"artifacts to {report.path} ({report.size_bytes / 1e6:.1f} MB)"
    )
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"note: {SENSITIVE}", err=True)


@friendly_errors
def import_(
    file: Path = typer.Argument(..., help="An archive written by `ceasewatch export`."),
) -> None:
    """Load an export into an empty database (migrated here first); refuses anything else."""
    s = settings()
    with migrated_engine(s) as engine:
        report = import_archive(engine, file, model_dir=s.model_dir)
    typer.echo(f"imported {sum(report.rows.values())} rows from {file}")
    for name, n in report.rows.items():
        if n:
            typer.echo(f"  {name:<20} {n}")
    for version, path in report.models.items():
        typer.echo(f"  model {version}: {path}")


@friendly_errors
def prune(
    dry_run: bool = typer.Option(False, "--dry-run", help="Count, delete nothing."),
) -> None:
    """Delete articles older than CEASEWATCH_RETENTION_DAYS (keeps evidence and labels)."""
    s = settings()
    with migrated_engine(s) as engine:
        report = prune_articles(
            engine,
            retention_days=s.retention_days,
            now=utcnow(),
            batch_size=s.prune_batch_size,
            dry_run=dry_run,
        )
    typer.echo(report.summary())
