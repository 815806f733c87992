"""`ceasewatch`: serve, migrate, poll, keys; feeds and model commands live beside this file."""

from __future__ import annotations

import logging
import random
from contextlib import suppress

import typer

from classifiers.artifacts import ModelLoadError
from service.cli import backup, feeds, models, watches
from service.cli.common import fail, friendly_errors, migrated_engine, settings
from service.clock import utcnow
from service.db import make_engine, session_scope, startup_lock
from service.migrate import upgrade
from service.ops import keys as key_ops
from service.ops.feeds import install_default_feeds
from service.ops.models import ActiveModel, ensure_default
from service.ops.poll import poll_once
from service.ops.watches import install_default_watches

app = typer.Typer(
    help="Ceasewatch: watches ceasefires and tense borders, alerts when one breaks down.",
    no_args_is_help=True,
)
app.add_typer(feeds.app, name="feeds")
app.add_typer(models.models_app, name="models")
app.command("score")(models.score)
app.command("train")(models.train)
app.command("evaluate")(models.evaluate)
app.add_typer(watches.app, name="watches")
app.command("alerts")(watches.alerts)
app.command("backtest")(watches.backtest)
app.command("export")(backup.export)
app.command("import")(backup.import_)
app.command("prune")(backup.prune)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@app.command()
@friendly_errors
def migrate() -> None:
    """Bring the database schema up to date."""
    s = settings()
    upgrade(s.database_url)
    typer.echo("database is at the newest schema")


@app.command()
@friendly_errors
def serve(
    host: str | None = typer.Option(None, help="Address to listen on [default: 127.0.0.1]."),
    port: int | None = typer.Option(None, help="Port [default: 8000]."),
    role: str = typer.Option("all", help="all | api | worker"),
) -> None:
    """Run migrations, then the API and/or the scheduler."""
    import uvicorn

    from service.api.app import ROLES, create_app

    if role not in ROLES:
        fail(f"--role must be one of {', '.join(ROLES)}, got {role!r}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # One line per fetch, per job run or per readiness probe is noise; job health is recorded
    # in the database and the poll logs its own summary.
    for noisy in ("httpx", "apscheduler.executors", "apscheduler.scheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    s = settings()
    engine = make_engine(s.database_url)
    try:
        # Any number of api and worker processes may start at once on one PostgreSQL: one at a
        # time migrates and writes the first-run rows (default feeds and watches, the admin
        # key, the shipped model's registration), so no two run the same DDL or insert the
        # same row and die of it. The app's start then finds them in place.
        with startup_lock(engine):
            upgrade(s.database_url)
            with session_scope(engine) as session:
                if s.install_default_feeds:
                    report = install_default_feeds(session, now=utcnow())
                    if report is not None:
                        typer.echo(f"installed {len(report.added)} default feeds")
                for slug in install_default_watches(session, now=utcnow()):
                    typer.echo(f"enabled the default watch {slug}")
                if s.admin_key:
                    key_ops.bootstrap_admin(session, s.admin_key, now=utcnow())
                with suppress(ModelLoadError):  # the app says so on /readyz, serves the rest
                    ensure_default(session, now=utcnow(), model_path=s.model_path)
    finally:
        engine.dispose()
    uvicorn.run(create_app(s, role=role), host=host or s.host, port=port or s.port)


@app.command()
@friendly_errors
def poll(
    once: bool = typer.Option(False, "--once", help="Poll once and exit (required)."),
    all_feeds: bool = typer.Option(False, "--all", help="Every enabled feed, due or not."),
) -> None:
    """Poll due feeds now and print each feed's outcome.

    Exits 0 when the poll ran, whatever single feeds answered.
    """
    if not once:
        fail("only `poll --once` is supported; the scheduler in `serve` polls continuously")
    s = settings()
    with migrated_engine(s) as engine:
        model = ActiveModel(engine, fallback_path=s.model_path)
        scorer = model.refresh(now=utcnow())
        if scorer is None:
            typer.echo(f"warning: articles will not be scored: {model.last_error}", err=True)
        report = poll_once(
            engine, settings=s, scorer=scorer, rng=random.Random(), ignore_schedule=all_feeds
        )
    for o in sorted(report.outcomes, key=lambda o: o.feed_id):
        typer.echo(f"{o.result:<12} {o.url}  {o.message}")
    typer.echo(
        f"polled {len(report.outcomes)} feeds in {report.duration_s:.1f}s: "
        f"{report.count('new')} with new articles, {report.count('unchanged')} unchanged, "
        f"{report.count('not_modified')} not modified, {report.count('error')} failed"
        + (", offline (nobody penalised)" if report.offline else "")
        + f"; {report.new_articles} new articles"
    )


@keys_app.command("create")
@friendly_errors
def create_key(
    role: str = typer.Option(..., help="admin | operator | viewer | subscriber"),
    name: str | None = typer.Option(None, help="Who or what the key is for."),
) -> None:
    """Create an API key; it is printed once and stored only as a hash."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        key = key_ops.create_key(session, role=role, name=name, now=utcnow())
    typer.echo(key)
