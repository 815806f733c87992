"""`ceasewatch score|train|evaluate` and `ceasewatch models list|promote|rollback`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

import typer

from classifiers.artifacts import ModelLoadError, load_model
from classifiers.cross_validate import parse_assignment
from classifiers.evaluation import evaluate as evaluate_model
from classifiers.evaluation import format_report
from classifiers.model_card import ARCHIVE
from classifiers.scoring import Scorer, TextItem
from classifiers.training import read_labelled_jsonl
from service.cli.common import fail, friendly_errors, migrated_engine, settings
from service.clock import utcnow
from service.db import session_scope
from service.models import ModelVersion
from service.ops import labelling as label_ops
from service.ops import models as model_ops
from service.ops.training import train_candidate

models_app = typer.Typer(help="The model registry.", no_args_is_help=True)
BATCH = 1000


def scorer_for(model: Path | None) -> Scorer:
    """The given model file, or else the active model from the registry."""
    if model is not None:
        return load_model(model)
    s = settings()
    with migrated_engine(s) as engine:
        active = model_ops.ActiveModel(engine, fallback_path=s.model_path)
        scorer = active.refresh(now=utcnow())
    if scorer is None:
        fail(f"no model could be loaded: {active.last_error}")
    return scorer


def read_items(stream: IO[bytes]) -> Iterator[tuple[Any, TextItem] | str]:
    """(the line's id as given, the item), or an error naming the line, so one bad line loses
    no other. Bytes are decoded line by line: a file and stdin fail alike, and clearly."""
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield f"line {number}: not UTF-8 text (byte {raw[exc.start]:#04x} at {exc.start})"
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield f"line {number}: not JSON ({exc})"
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield f'line {number}: expected an object with a string "text"'
            continue
        # DESIGN.md's input is {"id", "title"?, "text"}: the id is required. Making one up
        # (the line number) could repeat an id given on another line.
        given = obj.get("id")
        if not isinstance(given, str | int) or isinstance(given, bool) or given == "":
            yield f'line {number}: needs an "id" (a string or an integer)'
            continue
        title = obj.get("title")
        item = TextItem(
            id=str(given), text=obj["text"], title=title if isinstance(title, str) else None
        )
        yield given, item


@friendly_errors
def score(
    input: str = typer.Option(..., "--input", help="JSONL file of {id, title?, text}, or -."),
    model: Path | None = typer.Option(None, help="A model file instead of the active model."),
) -> None:
    """Score texts; one JSON line out per line in (the format in DESIGN.md)."""
    scorer = scorer_for(model)
    stream: IO[bytes] = sys.stdin.buffer if input == "-" else open(input, "rb")  # noqa: SIM115
    bad = 0
    batch: list[tuple[Any, TextItem]] = []

    def flush() -> None:
        results = scorer.score([item for _, item in batch])
        for (given, _), result in zip(batch, results, strict=True):
            # The id goes back as it came, an integer stays an integer.
            line = {**result.to_json(), "id": given}
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        batch.clear()

    with stream:
        for entry in read_items(stream):
            if isinstance(entry, str):
                bad += 1
                typer.echo(f"skipped {entry}", err=True)
                continue
            batch.append(entry)
            if len(batch) >= BATCH:
                flush()
        flush()
    if bad:
        fail(f"{bad} input line(s) could not be read (see above)", code=1)


@friendly_errors
def train(
    data: Path | None = typer.Option(None, help="The shared data folder [default: settings]."),
    seed: int = typer.Option(0, help="Random seed; the same seed gives the same model."),
    promote: bool = typer.Option(False, help="Make the new model active right away."),
    weight: list[str] = typer.Option(
        [], help="SOURCE=W: the sample weight of a training source, e.g. archive_calm=1.5 for "
        "fewer crime and disaster alerts (MODEL_CARD.md); repeatable."),
) -> None:
    """Train a candidate on the corpora plus operator labels and register it."""
    from rich.progress import Progress

    try:
        weights = dict(parse_assignment(text) for text in weight)
    except argparse.ArgumentTypeError as error:
        fail(f"--weight: {error}")
    s = settings()
    data_dir = data or s.data_dir
    if not (data_dir / "corpora").is_dir():
        fail(f"no corpora under {data_dir}; pass --data PATH/TO/shared/data")
    if not (data_dir / ARCHIVE).is_file():
        typer.echo(f"warning: no {ARCHIVE} under {data_dir}: training without the archive's "
                   "weak labels, so disaster and crime news will score higher (MODEL_CARD.md)",
                   err=True)
    with migrated_engine(s) as engine, Progress() as bar:
        # The model the service would use is registered first (as at its start), so the
        # candidate is compared with it and a promotion can be rolled back to it. Registering
        # needs no warmed-up scorer; a model that cannot load only leaves nothing to compare.
        with suppress(ModelLoadError), session_scope(engine) as session:
            model_ops.ensure_default(session, now=utcnow(), model_path=s.model_path)
        task = bar.add_task("training", total=1.0)

        def progress(stage: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=stage)

        try:
            row = train_candidate(
                engine,
                data_dir=data_dir,
                model_dir=s.model_dir,
                now=utcnow(),
                seed=seed,
                progress=progress,
                weights=weights,
            )
        except ValueError as error:  # a weight for a source with no training rows
            fail(f"--weight: {error}")
        with session_scope(engine) as session:
            active = model_ops.active_version(session)
            if promote:
                model_ops.promote(session, row.version, now=utcnow())
    typer.echo(f"registered {row.version} at {row.path}")
    typer.echo(comparison_table(active, row))
    typer.echo("promoted" if promote else f"promote with: ceasewatch models promote {row.version}")


def comparison_table(active: ModelVersion | None, candidate: ModelVersion) -> str:
    """The dashboard's candidate-beside-active comparison, as text."""
    comparison = label_ops.compare(active, candidate)

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    width = max(len(row.label) for row in comparison["rows"]) + 2
    lines = [f"{'held-out figure':<{width}}{'active':>10}{'candidate':>11}"]
    for row in comparison["rows"]:
        better = {True: "  better", False: "  worse", None: ""}[row.candidate_better]
        lines.append(f"{row.label:<{width}}{cell(row.active):>10}{cell(row.candidate):>11}{better}")
    lines.append(f"active: {active.version if active else 'none'}; "
                 + ("same held-out news, so the figures compare directly"
                    if comparison["same_split"] else "different held-out data: compare with care"))
    if comparison["candidate_weights"] != comparison["active_weights"]:
        # Sorted: a card's sidecar is, and older rows holding the card are not.
        candidate_weights = json.dumps(comparison["candidate_weights"], sort_keys=True)
        active_weights = json.dumps(comparison["active_weights"], sort_keys=True)
        lines.append(f"sample weights: candidate {candidate_weights}, active {active_weights}")
    return "\n".join(lines)


@friendly_errors
def evaluate(
    data: Path = typer.Option(..., exists=True, dir_okay=False, help="Labelled JSONL."),
    model: Path | None = typer.Option(None, help="A model file instead of the active model."),
    json_out: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
) -> None:
    """Precision, recall, F1, macro-F1, escalation F1, calibration error, confusion matrix."""
    try:
        items = read_labelled_jsonl(data)
    except ValueError as error:  # a bad line: say which, not a traceback
        fail(str(error))
    if not items:
        fail(f"{data} holds no labelled lines")
    metrics = evaluate_model(scorer_for(model), items)
    typer.echo(json.dumps(metrics, default=str) if json_out else format_report(metrics))


@models_app.command("list")
@friendly_errors
def list_models() -> None:
    """Registered model versions; * marks the active one."""
    s = settings()
    with migrated_engine(s) as engine:
        model_ops.ActiveModel(engine, fallback_path=s.model_path).refresh(now=utcnow())
        with session_scope(engine) as session:
            active = model_ops.active_version(session)
            for m in model_ops.list_versions(session):
                mark = "*" if active is not None and m.version == active.version else " "
                figures = describe_metrics(model_ops.headline_metrics(m))
                typer.echo(f"{mark} {m.version}  {m.created_at:%Y-%m-%d %H:%M}  {figures}")


# Short names for one line per model; the dashboard and `train` show the long labels.
SCORES = (
    ("conflibert_escalation_f1", "escalation F1"),
    ("conflibert_macro_f1", "macro-F1"),
    ("all_news_escalation_f1", "all-text escalation F1"),
    ("all_news_escalation_ece", "ECE"),
)
ABOVE_ALERT_LINE = (
    ("unrelated_share_above_threshold", "unrelated"),
    ("disaster_share_above_threshold", "disaster"),
    ("crime_share_above_threshold", "crime"),
)


def describe_metrics(metrics: dict[str, float]) -> str:
    """e.g. `escalation F1 0.870, macro-F1 0.831, ...; above the alert line: unrelated 0.7%,
    disaster 3.4%, crime 6.6%`."""
    scores = [f"{name} {metrics[key]:.3f}" for key, name in SCORES if key in metrics]
    shares = [f"{name} {metrics[key]:.1%}" for key, name in ABOVE_ALERT_LINE if key in metrics]
    parts = [", ".join(scores)] if scores else []
    if shares:
        parts.append("above the alert line: " + ", ".join(shares))
    return "; ".join(parts) or "no held-out figures"


@models_app.command("promote")
@friendly_errors
def promote(version: str) -> None:
    """Make VERSION the active model (it is loaded and verified first)."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        model_ops.promote(session, version, now=utcnow())
    typer.echo(f"{version} is now active")


@models_app.command("rollback")
@friendly_errors
def rollback() -> None:
    """Undo the newest promotion: re-activate the model active before it (again to step
    further back)."""
    s = settings()
    with migrated_engine(s) as engine, session_scope(engine) as session:
        row = model_ops.rollback(session, now=utcnow())
    typer.echo(f"rolled back to {row.version}")
