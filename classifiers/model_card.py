"""Signal measurement on our own annotated archive sample, and the MODEL_CARD.md renderer.

The sample (classifiers/annotations/signals_sample.jsonl) holds only ids (sha256 of the item's
link, first 16 hex digits) and our labels; the texts are read from the shared archive.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from classifiers.datasets import CALM_DISASTER, CONFLICT_WORDS, clean_text, load_corpora
from classifiers.evaluation import SIGNAL_THRESHOLD, signal_metrics
from classifiers.scoring import ESCALATION_ALERT_THRESHOLD, Scorer, TextItem

ANNOTATIONS = Path(__file__).parent / "annotations" / "signals_sample.jsonl"
ARCHIVE = Path("archive") / "world_news_rss_items_2023.jsonl"


def archive_id(link: str) -> str:
    return hashlib.sha256(link.encode("utf-8")).hexdigest()[:16]


def archive_text(record: dict[str, str]) -> str:
    title = clean_text(record.get("title") or "")
    description = clean_text(record.get("description") or "")
    return f"{title}. {description}" if description else title


def read_archive(data_dir: Path) -> dict[str, str]:
    """archive id -> title + description (cleaned)."""
    out: dict[str, str] = {}
    with (data_dir / ARCHIVE).open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            out.setdefault(archive_id(record.get("link") or ""), archive_text(record))
    return out


def signal_sample_metrics(scorer: Scorer, data_dir: Path) -> dict[str, object]:
    """Per-signal P/R on the annotated archive sample, plus SATP dev recall of the two signals
    SATP labels (armed assault -> armed_clash, bombing -> bombing)."""
    if not ANNOTATIONS.is_file() or not (data_dir / ARCHIVE).is_file():
        return {}
    texts = read_archive(data_dir)
    labels = [json.loads(line) for line in ANNOTATIONS.read_text().splitlines() if line.strip()]
    labels = [label for label in labels if label["id"] in texts]
    scores = scorer.score([TextItem(id=label["id"], text=texts[label["id"]]) for label in labels])
    result: dict[str, object] = {
        "annotator": "tuning batches: one engineer per batch, who read each item and also wrote "
        "or tuned the patterns (up to round 5); rounds 6 and 7, held-out included: two "
        "independent annotators who never read the patterns, disagreements adjudicated by a "
        "third (classifiers/annotations/README.md)",
        "threshold": SIGNAL_THRESHOLD,
    }
    # "tuning" batches were looked at while writing the patterns; "heldout" was labelled
    # after the patterns were frozen, so only its figures are unbiased. Each held-out batch is
    # also reported alone: they were drawn differently (e.g. one stratum only).
    heldout_batches = sorted({label["batch"] for label in labels
                              if label["batch"].startswith("heldout")})
    parts = ["heldout", *(heldout_batches if len(heldout_batches) > 1 else []), "tuning"]
    for part in parts:  # batch names start with "heldout" or "tuning"
        chosen = [i for i, label in enumerate(labels) if label["batch"] == part
                  or (part in ("heldout", "tuning") and label["batch"].startswith(part))]
        result[part] = {
            "items": len(chosen),
            "per_signal": signal_metrics(
                [tuple(labels[i].get("signals", [])) for i in chosen],
                [scores[i].signals for i in chosen],
            ),
        }
    satp = load_corpora(data_dir).satp_dev
    satp_scores = scorer.score([TextItem(id=str(i), text=item.text) for i, item in enumerate(satp)])
    satp_metrics = signal_metrics([item.signals for item in satp], [s.signals for s in satp_scores])
    result["satp_dev_recall"] = {
        name: satp_metrics[name]["recall"]
        for name in ("armed_clash", "bombing")
        if name in satp_metrics
    }
    return result


def archive_calm_share(scorer: Scorer, data_dir: Path) -> dict[str, object]:
    """Share of the archive's disaster/accident items (weakly picked: a disaster word and no
    conflict word, datasets.CALM_DISASTER) scored at or above the escalation threshold."""
    if not (data_dir / ARCHIVE).is_file():
        return {}
    texts = [text for text in read_archive(data_dir).values()
             if CALM_DISASTER.search(text) and not CONFLICT_WORDS.search(text)]
    scores = scorer.score([TextItem(id=str(i), text=text) for i, text in enumerate(texts)])
    above = sum(score.escalation >= ESCALATION_ALERT_THRESHOLD for score in scores)
    return {"items": len(texts), "share_above_threshold": round(above / max(len(texts), 1), 4)}


def _table(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return lines


def render_model_card(card: dict[str, object]) -> str:
    """MODEL_CARD.md from the card json (figures are copied, not recomputed)."""
    lines = [
        f"# Ceasewatch escalation model {card.get('version')}",
        "",
        "Generated by `python -m classifiers.build_default --data ../shared/data` (signal "
        "figures refreshed without retraining by `--refresh-card`) "
        f"(seed {card.get('seed')}, scikit-learn {card.get('sklearn_version')}, "
        f"trained {card.get('trained_at')}). Artifact `{card.get('artifact')}`, "
        f"sha256 `{card.get('sha256')}`, {int(str(card.get('size_bytes', 0))) / 1e6:.1f} MB.",
        "",
        f"Design: `{card.get('design')}` (see classifiers/designs.py). `escalation` is "
        "P(verbal_conflict) + P(material_conflict), `deescalation` is P(verbal_cooperation) + "
        "P(material_cooperation), from sigmoid-calibrated QuadClass probabilities. Signals are "
        "phrase patterns with negation and modality handling, scaled by the model's direction "
        "probability (classifiers/signals.py). Explanations: word TF-IDF value x (mean "
        "conflict-class coefficient - mean other-class coefficient), terms made only of function "
        "words left out.",
        "",
        "## Training data (never copied into this repository)",
        "",
    ]
    hashes = card.get("corpora_sha256", {})
    if isinstance(hashes, dict):
        lines += _table([["file", "sha256"]] + [[k, f"`{v}`"] for k, v in sorted(hashes.items())])
    lines += [
        "",
        f"Training rows by source: `{json.dumps(card.get('training_size'))}`; "
        f"held-out news dev rows: `{json.dumps(card.get('dev_size'))}`. "
        f"Sample weights: `{json.dumps(card.get('sample_weights'))}`.",
        "",
    ]
    comparison = card.get("comparison", {})
    if isinstance(comparison, dict) and comparison:
        lines += ["## Design comparison (held-out news dev split)", ""]
        keys = list(next(iter(comparison.values())).keys())
        rows = [["design", *keys]]
        rows += [[name, *[str(values[k]) for k in keys]] for name, values in comparison.items()]
        lines += [*_table(rows), ""]
        if isinstance(card.get("design_choice"), str):
            lines += [str(card["design_choice"]), ""]
    search = card.get("hyperparameter_search")
    if isinstance(search, dict):
        lines += ["Hyperparameters: " + str(search.get("method")) + "; chosen "
                  + str(search.get("chosen")) + ". All results: `"
                  + json.dumps(search.get("results")) + "`.", ""]
    dev = card.get("dev_metrics", {})
    if isinstance(dev, dict) and dev:
        lines += ["## Held-out news metrics of the shipped model", ""]
        rows = [
            [
                "dev subset",
                "n",
                "macro-F1",
                "escalation F1",
                "escalation ECE",
                "share >= 0.5 escalation",
            ]
        ]
        for name, metrics in dev.items():
            rows.append(
                [
                    name,
                    str(metrics["n"]),
                    str(metrics["macro_f1"]),
                    str(metrics["escalation_f1"]),
                    str(metrics["escalation_ece"]),
                    str(metrics["share_above_alert_threshold"]),
                ]
            )
        lines += [*_table(rows), ""]
        conflibert = dev.get("conflibert", {})
        if isinstance(conflibert, dict) and "per_class" in conflibert:
            rows = [["class (ConfliBERT dev)", "precision", "recall", "f1", "support"]]
            for name, row in conflibert["per_class"].items():
                rows.append(
                    [
                        name,
                        str(row["precision"]),
                        str(row["recall"]),
                        str(row["f1"]),
                        str(row["support"]),
                    ]
                )
            lines += [*_table(rows), ""]
    sample = card.get("signal_sample", {})
    if isinstance(sample, dict) and sample:
        threshold, annotator = sample.get("threshold"), sample.get("annotator")
        lines += [f"## Signals on our annotated archive sample (threshold {threshold};"
                  f" annotator: {annotator})", ""]
        parts = [key for key in sample if key.startswith("heldout") or key == "tuning"]
        for part in parts:
            block = sample.get(part, {})
            if not isinstance(block, dict):
                continue
            lines += [f"### {part} ({block.get('items')} items)", ""]
            rows = [["signal", "precision", "recall", "support", "predicted"]]
            for name, row in block.get("per_signal", {}).items():
                rows.append([name, str(row["precision"]), str(row["recall"]),
                             str(row["support"]), str(row["predicted"])])
            lines += [*_table(rows), ""]
        history = card.get("signal_heldout_history")
        if isinstance(history, list):
            lines += ["Earlier held-out rounds (each batch measured once while unseen, then "
                      "used for tuning):", "", *[f"- {entry}" for entry in history], ""]
        recall = json.dumps(sample.get("satp_dev_recall"))
        lines += [f"SATP dev recall (texts never seen while writing patterns): `{recall}`", ""]
    calm = card.get("archive_disasters")
    if isinstance(calm, dict) and calm:
        lines += ["## Disaster and accident news (weakly picked from the 2023 archive)", "",
                  f"{calm.get('items')} items; share at or above the escalation threshold: "
                  f"{calm.get('share_above_threshold')}.", ""]
    performance = card.get("performance")
    if isinstance(performance, list):
        lines += ["## Performance (bench/bench_scoring.py)", "", *performance, ""]
    notes = card.get("notes")
    if isinstance(notes, list):
        lines += ["## Limitations", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(lines)
