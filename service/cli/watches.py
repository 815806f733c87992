"""`ceasewatch watches ...`, `ceasewatch alerts`, `ceasewatch backtest`."""

from __future__ import annotations

import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import typer

from service.cli.common import friendly_errors, migrated_engine, settings
from service.cli.models import scorer_for
from service.clock import utcnow
from service.db import session_scope
from service.ops import watches as watch_ops
from service.ops.backtest import run_backtest
from service.ops.errors import InputError
from service.ops.series import current_and_trend
from service.store import watches as watch_store

app = typer.Typer(help="Watched conflicts and ceasefires.", no_args_is_help=True)


@app.command("presets")
def list_presets() -> None:
    """The watches that ship with Ceasewatch."""
    for slug, spec in sorted(watch_ops.presets().items()):
        parties = " vs ".join(p.name for p in spec.parties)
        typer.echo(f"{slug:<22} {parties}")


@app.command("list")
@friendly_errors
def list_() -> None:
    """Every watch with its index, trend and level."""
    s = settings()
    now = utcnow()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        for w in watch_store.list_watches(session):
            index, trend = current_and_trend(session, w, now=now)
            alert = watch_store.open_alert(session, w.id or 0)
            level = alert.level if alert and alert.state == "firing" else "calm"
            state = "enabled " if w.enabled else "disabled"
            typer.echo(f"{w.slug:<22} {state} index {index:5.1f}  {trend:<12} {level}")


@app.command("enable")
@friendly_errors
def enable(slug: str) -> None:
    """Enable a watch; a preset is created on first use."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        watch = watch_ops.enable_preset(session, slug, now=utcnow())
    typer.echo(f"watch {watch.slug} enabled")


@app.command("add")
@friendly_errors
def add(file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Watch JSON.")) -> None:
    """Create a watch from a JSON file (the body of POST /api/v1/watches)."""
    try:
        spec = watch_ops.WatchSpec.model_validate_json(file.read_bytes())
    except ValueError as exc:
        raise InputError(f"{file} is not a valid watch: {exc}") from exc
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        watch = watch_ops.create_watch(session, spec, now=utcnow())
    typer.echo(f"watch {watch.slug} created")


@app.command("delete")
@friendly_errors
def delete(slug: str) -> None:
    """Delete a watch with its attributions and alerts."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        watch_ops.delete_watch(session, slug, now=utcnow())
    typer.echo(f"watch {slug} deleted")


@app.command("disable")
@friendly_errors
def disable(slug: str) -> None:
    """Stop attributing articles to a watch and evaluating its alerts."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        watch_ops.disable_watch(session, slug, now=utcnow())
    typer.echo(f"watch {slug} disabled")


@friendly_errors
def alerts(
    watch: str | None = typer.Option(None, help="Only this watch (slug)."),
    limit: int = typer.Option(20, min=1, max=1000),
) -> None:
    """Recent alerts, newest first, with their rationale."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        watch_id = watch_ops.get_watch(session, watch).id if watch else None
        slugs = {w.id: w.slug for w in watch_store.list_watches(session)}
        for a in watch_store.list_alerts(session, watch_id=watch_id, limit=limit):
            typer.echo(
                f"#{a.id} {slugs.get(a.watch_id)} {a.state} {a.level} peak {a.peak_index:.0f} "
                f"since {a.pending_since:%Y-%m-%d %H:%M}  {a.rationale}"
            )


@friendly_errors
def backtest(
    archive: Path = typer.Option(..., exists=True, dir_okay=False, help="Archive JSONL."),
    watch: str = typer.Option(..., help="A preset watch slug."),
    json_out: bool = typer.Option(False, "--json", help="Print {series, alerts} as JSON."),
    step_h: float = typer.Option(6.0, help="Hours between points of the series."),
    model: Path | None = typer.Option(None, help="A model file instead of the active model."),
) -> None:
    """Replay an archive with a simulated clock through the live code path."""
    scorer = scorer_for(model)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ceasewatch-backtest-") as tmp:
        result = run_backtest(
            archive=archive,
            slug=watch,
            scorer=scorer,
            workdir=Path(tmp),
            step=timedelta(hours=step_h),
        )
    elapsed = time.monotonic() - started
    if json_out:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    typer.echo(
        f"replayed {result.items} items ({result.skipped} unusable) in {elapsed:.1f}s "
        f"for {watch}: {len(result.alerts)} alerts"
    )
    peak = max(result.series, key=lambda p: p["index"], default=None)
    if peak:
        typer.echo(f"peak index {peak['index']:.0f} at {peak['t']}")
    for a in result.alerts:
        typer.echo(
            f"  {a['level']:<8} {a['started_at']} -> {a['resolved_at'] or 'still firing'} "
            f"peak {a['peak_index']:.0f}: {a['rationale']}"
        )
