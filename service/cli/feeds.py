"""`ceasewatch feeds ...`: add, import, export and list feeds."""

from __future__ import annotations

from pathlib import Path

import typer

from service.cli.common import friendly_errors, migrated_engine, settings
from service.clock import utcnow
from service.db import session_scope
from service.ops import feeds as feed_ops
from service.store import feeds as feed_store

app = typer.Typer(help="Manage the feeds that are polled.", no_args_is_help=True)


@app.command("add")
@friendly_errors
def add(url: str, title: str | None = typer.Option(None, help="A name for people.")) -> None:
    """Subscribe to one RSS or Atom feed by URL."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        feed = feed_ops.add_feed(session, url=url, title=title, now=utcnow())
        typer.echo(f"added feed {feed.id}: {feed.url}")


@app.command("import")
@friendly_errors
def import_(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Subscribe to every feed in an OPML file (feeds already there are skipped)."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        report = feed_ops.import_opml(session, file.read_bytes(), now=utcnow())
    typer.echo(
        f"added {len(report.added)}, already there {len(report.skipped)}, "
        f"invalid {len(report.invalid)}"
    )
    for url, reason in report.invalid:
        typer.echo(f"  invalid: {url}: {reason}", err=True)


@app.command("export")
@friendly_errors
def export(file: Path | None = typer.Argument(None, help="Write here instead of stdout.")) -> None:
    """Write every feed as OPML."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        data = feed_ops.export_opml(session)
    if file is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        file.write_bytes(data)


@app.command("list")
@friendly_errors
def list_() -> None:
    """Every feed with its health."""
    s = settings()
    now = utcnow()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        for f in feed_store.list_all(session):
            health = feed_ops.feed_health(f, now=now, stale_after_s=3 * s.max_interval_s)
            error = f"  ({f.last_error_kind}: {f.last_error})" if f.last_error else ""
            typer.echo(f"{f.id:>5}  {health:<8}  {f.url}{error}")
