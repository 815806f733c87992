"""Signal measurement on our own annotated archive sample, and the MODEL_CARD.md renderer.

The sample (classifiers/annotations/signals_sample.jsonl) holds only ids (sha256 of the item's
link, first 16 hex digits) and our labels; the texts are read from the shared archive.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from classifiers.datasets import clean_text, load_corpora
from classifiers.evaluation import (
    SIGNAL_THRESHOLD,
    paired_reliability,
    pooled_signal_metrics,
    signal_metrics,
    span,
)
from classifiers.scoring import Scorer, TextItem

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
    return read_archive_and_headlines(data_dir)[0]


def read_archive_and_headlines(data_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """In one pass: archive id -> title + description, and archive id -> headline alone (both
    cleaned); an id repeated later in the file keeps its first record."""
    texts: dict[str, str] = {}
    headlines: dict[str, str] = {}
    with (data_dir / ARCHIVE).open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            item_id = archive_id(record.get("link") or "")
            if item_id not in texts:
                texts[item_id] = archive_text(record)
                headlines[item_id] = clean_text(record.get("title") or "")
    return texts, headlines


def read_annotations(path: Path) -> list[dict[str, object]]:
    """The records of one of our annotation files (one JSON object a line; none if absent)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def signal_sample_metrics(scorer: Scorer, data_dir: Path) -> dict[str, object]:
    """Per-signal P/R on the annotated archive sample, plus SATP dev recall of the two signals
    SATP labels (armed assault -> armed_clash, bombing -> bombing)."""
    if not ANNOTATIONS.is_file() or not (data_dir / ARCHIVE).is_file():
        return {}
    texts = read_archive(data_dir)
    labels: list[dict[str, Any]] = [
        label for label in read_annotations(ANNOTATIONS) if label["id"] in texts
    ]
    scores = scorer.score([TextItem(id=label["id"], text=texts[label["id"]]) for label in labels])
    result: dict[str, object] = {
        "annotator": "tuning batches: one engineer per batch, who read each item and also wrote "
        "or tuned the patterns (up to round 5); rounds 6 to 9, held-out included: two "
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


def pooled_heldout_signals(card: dict[str, object]) -> dict[str, object]:
    """The card's held-out signal samples (the archive's held-out batches, the 2026 captures,
    AG News' held-out part: each labelled by annotators who never read the patterns, and never
    read by a pattern writer) pooled into one estimate per signal with 95% intervals; {} when
    none of them was measured."""
    def part(key: str, name: str | None) -> object:
        block = card.get(key)
        return block.get(name) if isinstance(block, dict) and name else block

    parts = {
        "archive 2023": part("signal_sample", "heldout"),
        "captures 2026": part("capture_sample", None),
        "AG News 2004": part("agnews_sample", "heldout"),
    }
    measured = {name: block for name, block in parts.items()
                if isinstance(block, dict) and block.get("per_signal")}
    if not measured:
        return {}
    return {
        "items": sum(int(block["items"]) for block in measured.values()),
        "per_signal": pooled_signal_metrics(
            {name: block["per_signal"] for name, block in measured.items()}),
    }


def _table(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return lines


def _signal_table(per_signal: dict[str, dict[str, object]]) -> list[str]:
    rows = [["signal", "precision", "recall", "support", "predicted"]]
    rows += [[name, str(row["precision"]), str(row["recall"]), str(row["support"]),
              str(row["predicted"])] for name, row in per_signal.items()]
    return _table(rows)


def _reliability_table(metrics: object) -> list[str]:
    """What "calibrated" means, shown: on all held-out news, per score bin, how many items
    scored there and how many of them truly were (de-)escalation."""
    if not isinstance(metrics, dict) or "escalation_reliability" not in metrics:
        return []
    rows = [["score bin", "escalation: items", "mean score", "share truly escalation",
             "de-escalation: items", "mean score", "share truly de-escalation"]]
    for label, *pair in paired_reliability(metrics):
        cells = [label]
        for row in pair:
            cells += ([str(row["items"]), f"{row['mean_score']:.3f}", f"{row['observed']:.3f}"]
                      if row else ["0", "-", "-"])
        rows.append(cells)
    return [f"Calibration on all held-out news ({metrics.get('n')} items; a score of 0.8 "
            "should be right about 80% of the time):", "", *_table(rows), ""]


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
        "P(material_cooperation), from sigmoid-calibrated QuadClass probabilities"
        + (f" sharpened by temperature {card['temperature']} (p ** (1 / T), renormalised; "
           "classifiers/designs.py)" if card.get("temperature", 1.0) != 1.0 else "")
        + ". Signals are phrase patterns with negation and modality handling, scaled by the "
        "model's direction probability before sharpening (classifiers/signals.py). "
        "Explanations: word TF-IDF value x (mean conflict-class coefficient - mean other-class "
        "coefficient), terms made only of function words left out.",
        "",
        "## Training data (never copied into this repository)",
        "",
    ]
    hashes = card.get("corpora_sha256", {})
    if isinstance(hashes, dict):
        lines += _table([["file", "sha256"]] + [[k, f"`{v}`"] for k, v in sorted(hashes.items())])
    lines += [
        "",
        f"Weak labels from the news archive (classifiers/weak_labels.py): "
        f"`{json.dumps(card.get('weak_labels'))}`. "
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
                "escalation F1 (95% interval)",
                "escalation ECE",
                "de-escalation ECE",
                "share >= 0.5 escalation",
            ]
        ]
        for name, metrics in dev.items():
            rows.append(
                [
                    name,
                    str(metrics["n"]),
                    str(metrics["macro_f1"]),
                    str(metrics["escalation_f1"]) + (
                        f" ({span(metrics['escalation_f1_95'])})"
                        if metrics.get("escalation_f1_95") else ""),
                    str(metrics["escalation_ece"]),
                    str(metrics.get("deescalation_ece", "-")),
                    str(metrics["share_above_alert_threshold"]),
                ]
            )
        lines += [*_table(rows), ""]
        lines += _reliability_table(dev.get("all_news"))
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
            lines += [f"### {part} ({block.get('items')} items)", "",
                      *_signal_table(block.get("per_signal", {})), ""]
        history = card.get("signal_heldout_history")
        if isinstance(history, list):
            lines += ["Held-out rounds (each batch measured while unseen; all but the current "
                      "one, the archive's heldout batch above, were then used for tuning):", "",
                      *[f"- {entry}" for entry in history], ""]
        recall = json.dumps(sample.get("satp_dev_recall"))
        lines += [f"SATP dev recall (texts never seen while writing patterns): `{recall}`", ""]
    captures = card.get("capture_sample")
    if isinstance(captures, dict) and captures:
        lines += ["## Signals on fresh 2026 news (the feed captures)", "",
                  f"{captures.get('items')} items of the nine August 2026 RSS captures in "
                  f"../shared/data/feeds/captures, {captures.get('with_a_signal')} of them with "
                  "a signal, labelled by two annotators who never read the patterns, the "
                  "scores or each other's labels (classifiers/annotations/captures_2026.jsonl; "
                  "both were instances of the same assistant model and agreed on every item, "
                  "so nothing was adjudicated): 2026 news the patterns were not written on and "
                  "the model never trained on. Mostly calm news: it measures false alarms and "
                  "air strikes more than the other signals.", "",
                  *_signal_table(captures.get("per_signal", {})), ""]
    agnews = card.get("agnews_sample")
    if isinstance(agnews, dict) and agnews:
        lines += ["## Signals on news of other wars (AG News World, 2004)", "",
                  "AG News' World rows the model never trained on: Iraq, Afghanistan, "
                  "Israel-Palestine, Chechnya, Darfur, Kashmir, from wire services, drawn in "
                  "strata of conflict words (classifiers/annotations/agnews_world_2004.jsonl and "
                  "its README), labelled by two annotators per batch who never read the "
                  "patterns, the scores or each other's labels, disagreements decided by a "
                  "third (all instances of one assistant model). Every batch has been read by a "
                  "pattern writer by now (the round-10 patterns were written on the first "
                  "tuning batch, the round-11 and round-12 patterns on the batches held out in "
                  "rounds 10 and 11: their first measurements are in the held-out rounds above)"
                  ", so this table is a tuning figure.", ""]
        for part, block in agnews.items():
            if isinstance(block, dict):
                lines += [f"### {part} ({block.get('items')} items, {block.get('with_a_signal')}"
                          " with a signal)", "", *_signal_table(block.get("per_signal", {})), ""]
    pooled = card.get("heldout_pooled")
    if isinstance(pooled, dict) and pooled:
        lines += ["## Signals on all held-out news, pooled", "",
                  f"The held-out samples above together ({pooled.get('items')} items, "
                  "counts added up), with 95% Wilson intervals: each sample alone holds a dozen "
                  "to a few dozen items of a signal. The target is recall >= 0.85 at precision "
                  ">= 0.8 for airstrike, shelling and armed_clash.", ""]
        rows = [["signal", "precision", "95% interval", "recall", "95% interval", "support",
                 "predicted", "found / support, by sample"]]
        for name, row in pooled.get("per_signal", {}).items():
            by_sample = row.get("by_sample", {})
            rows.append([name, str(row["precision"]), span(row.get("precision_95")),
                         str(row["recall"]), span(row.get("recall_95")),
                         str(row["support"]), str(row["predicted"]),
                         "; ".join(f"{sample} {counts['true_positives']}/{counts['support']}"
                                   for sample, counts in by_sample.items())])
        lines += [*_table(rows), ""]
    unrelated = card.get("unrelated_news")
    if isinstance(unrelated, dict) and unrelated:
        lines += ["## Disaster and crime news (our annotated topic sample)", "",
                  str(card.get("unrelated_news_method", "")), "",
                  *_table([["topic", "items", f"at or above {unrelated.get('threshold')}",
                            "share"]]
                          + [[topic, str(row["items"]), str(row["above_threshold"]),
                              str(row["share_above_threshold"])]
                             for topic, row in unrelated.items() if isinstance(row, dict)]),
                  ""]
    calm_side = card.get("deescalation_news")
    if isinstance(calm_side, dict) and calm_side:
        lines += ["## News of de-escalation only (classifiers/deescalation_news.py)", "",
                  f"Of the {calm_side['items']} annotated items (all batches: the model "
                  "trained on none of them) that report a "
                  "de-escalation signal (a truce, a release, talks, a withdrawal, aid let in) "
                  f"and no escalation signal, {calm_side['escalation_above_threshold']} score "
                  f"escalation at or above {calm_side['threshold']} (the watch would read them "
                  f"as trouble) and {calm_side['deescalation_above_threshold']} score "
                  "de-escalation there.", ""]
    headlines = card.get("headline_news")
    if isinstance(headlines, dict) and headlines:
        lines += ["## Headlines alone (classifiers/headline_news.py)", "",
                  f"Of the {headlines['items']} annotated archive items (all batches: the "
                  "model trained on none of them nor on their headlines) that report an "
                  "armed event (airstrike, shelling, armed clash, bombing, cross-border attack, "
                  f"territorial seizure), {headlines['above_threshold_with_summary']} score "
                  f"escalation at or above {headlines['threshold']} from headline and summary, "
                  f"{headlines['above_threshold_headline_alone']} from the headline alone (what "
                  "a feed without summaries sends).", ""]
    performance = card.get("performance")
    if isinstance(performance, list):
        lines += ["## Performance (bench/bench_scoring.py)", "", *performance, ""]
    notes = card.get("notes")
    if isinstance(notes, list):
        lines += ["## Limitations", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(lines)
