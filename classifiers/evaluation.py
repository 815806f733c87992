"""Metrics: per-class P/R/F1, macro-F1, escalation F1 (with a bootstrap interval), calibration
error and reliability tables (escalation and de-escalation), confusion matrix, per-signal P/R
(on labelled files, and pooled over samples with 95% intervals), and a plain-text report of
them."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from classifiers.datasets import CONFLICT_CLASSES, COOPERATION_CLASSES, LabelledText
from classifiers.vocabulary import (
    ESCALATION_ALERT_THRESHOLD,
    QUAD_CLASSES,
    SIGNALS_DEESCALATION,
    SIGNALS_ESCALATION,
)

if TYPE_CHECKING:
    from classifiers.scoring import Scorer

SIGNAL_THRESHOLD = 0.5
_CONFLICT_COLUMNS = [QUAD_CLASSES.index(name) for name in sorted(CONFLICT_CLASSES)]
_COOPERATION_COLUMNS = [QUAD_CLASSES.index(name) for name in sorted(COOPERATION_CLASSES)]


def _score_bins(
    probability: NDArray[np.float64], bins: int
) -> Iterator[tuple[float, float, NDArray[np.bool_]]]:
    """(lower edge, upper edge, members) of each non-empty equal-width score bin."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probability, edges[1:-1]), 0, bins - 1)
    for b in range(bins):
        mask = which == b
        if mask.any():
            yield float(edges[b]), float(edges[b + 1]), mask


def expected_calibration_error(
    truth: NDArray[np.bool_], probability: NDArray[np.float64], *, bins: int = 10
) -> float:
    """ECE over equal-width bins: mean |accuracy - confidence| weighted by bin size."""
    if len(truth) == 0:
        return 0.0
    return float(sum(mask.mean() * abs(truth[mask].mean() - probability[mask].mean())
                     for _, _, mask in _score_bins(probability, bins)))


def reliability(
    truth: NDArray[np.bool_], probability: NDArray[np.float64], *, bins: int = 10
) -> list[dict[str, float | int]]:
    """The reliability table behind the ECE: per non-empty score bin, its items, their mean
    score and the share truly positive. Calibrated is the two agreeing in every bin: of the
    items scored about 0.8, about 80% are right."""
    return [
        {"from": round(low, 2), "to": round(high, 2), "items": int(mask.sum()),
         "mean_score": round(float(probability[mask].mean()), 4),
         "observed": round(float(truth[mask].mean()), 4)}
        for low, high, mask in _score_bins(probability, bins)
    ]


def quad_metrics(true_quads: Sequence[str], proba: NDArray[np.float64]) -> dict[str, object]:
    """Metrics from QuadClass probabilities (columns in QUAD_CLASSES order)."""
    truth = np.array([QUAD_CLASSES.index(q) for q in true_quads])
    predicted = proba.argmax(axis=1)
    labels = list(range(len(QUAD_CLASSES)))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    escalation_p = proba[:, _CONFLICT_COLUMNS].sum(axis=1)
    escalation_true = np.isin(truth, _CONFLICT_COLUMNS)
    escalation_pred = escalation_p >= ESCALATION_ALERT_THRESHOLD
    deescalation_p = proba[:, _COOPERATION_COLUMNS].sum(axis=1)
    deescalation_true = np.isin(truth, _COOPERATION_COLUMNS)
    return {
        "n": len(truth),
        "per_class": {
            name: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, name in enumerate(QUAD_CLASSES)
        },
        "macro_f1": round(float(f1[support > 0].mean()) if (support > 0).any() else 0.0, 4),
        "accuracy": round(float((predicted == truth).mean()) if len(truth) else 0.0, 4),
        "escalation_f1": round(
            float(f1_score(escalation_true, escalation_pred, zero_division=0)), 4
        ),
        "escalation_f1_95": bootstrap_f1_interval(escalation_true, escalation_pred),
        "escalation_ece": round(expected_calibration_error(escalation_true, escalation_p), 4),
        "escalation_reliability": reliability(escalation_true, escalation_p),
        "deescalation_ece": round(
            expected_calibration_error(deescalation_true, deescalation_p), 4),
        "deescalation_reliability": reliability(deescalation_true, deescalation_p),
        "confusion_matrix": {
            "labels": list(QUAD_CLASSES),
            "rows_true_cols_predicted": confusion_matrix(truth, predicted, labels=labels).tolist(),
        },
    }


def bootstrap_f1_interval(
    truth: NDArray[np.bool_], predicted: NDArray[np.bool_], *, resamples: int = 1000,
    seed: int = 0,
) -> tuple[float, float] | None:
    """95% percentile-bootstrap interval of binary F1 (items resampled with replacement, a
    fixed seed so a report is reproducible); None without items. The dev quarter's 336
    sentences move F1 by a few hundredths either way, which a bare 0.871 against a 0.88 target
    hides."""
    n = len(truth)
    if n == 0:
        return None
    rng = np.random.default_rng(seed)
    scores: list[NDArray[np.float64]] = []
    chunk = max(1, min(resamples, 2_000_000 // n))  # bounded memory on large files
    for start in range(0, resamples, chunk):
        rows = rng.integers(0, n, size=(min(chunk, resamples - start), n))
        true, pred = truth[rows], predicted[rows]
        tp = (true & pred).sum(axis=1)
        wrong = (true != pred).sum(axis=1)  # false positives + false negatives
        scores.append(np.where(tp > 0, 2 * tp / np.maximum(2 * tp + wrong, 1), 0.0))
    low, high = np.percentile(np.concatenate(scores), [2.5, 97.5])
    return round(float(low), 4), round(float(high), 4)


def signal_metrics(
    truth: Sequence[Sequence[str]], scores: Sequence[dict[str, float]]
) -> dict[str, dict[str, float | int]]:
    """Per-signal precision/recall/F1 at SIGNAL_THRESHOLD (only signals with any support or
    any prediction are listed)."""
    out: dict[str, dict[str, float | int]] = {}
    for name in SIGNALS_ESCALATION + SIGNALS_DEESCALATION:
        true = np.array([name in labels for labels in truth], dtype=bool)
        pred = np.array([s.get(name, 0.0) >= SIGNAL_THRESHOLD for s in scores], dtype=bool)
        if not true.any() and not pred.any():
            continue
        tp = int((true & pred).sum())
        precision = tp / pred.sum() if pred.any() else 0.0
        recall = tp / true.sum() if true.any() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {
            "precision": round(float(precision), 4),
            "recall": round(float(recall), 4),
            "f1": round(float(f1), 4),
            "support": int(true.sum()),
            "predicted": int(pred.sum()),
            "true_positives": tp,
        }
    return out


def wilson_interval(hits: int, n: int, z: float = 1.96) -> tuple[float, float] | None:
    """Wilson score interval of a proportion hits/n (95% for z 1.96); None for n 0. Chosen over
    the normal approximation because our supports are small (a dozen items) and proportions
    near 1, where that one runs past 1 and is too narrow."""
    if n <= 0:
        return None
    share = hits / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return round(max(centre - half, 0.0), 4), round(min(centre + half, 1.0), 4)


def pooled_signal_metrics(
    samples: Mapping[str, Mapping[str, Mapping[str, float | int]]],
) -> dict[str, dict[str, object]]:
    """Per-signal P/R over several samples' `signal_metrics` (sample name -> per_signal),
    counts added up, with 95% Wilson intervals and each sample's hits/support: one estimate
    with error bars from held-out samples that are each too small alone."""
    names = [name for name in SIGNALS_ESCALATION + SIGNALS_DEESCALATION
             if any(name in per_signal for per_signal in samples.values())]
    out: dict[str, dict[str, object]] = {}
    for name in names:
        rows = {sample: per_signal[name] for sample, per_signal in samples.items()
                if name in per_signal}
        hits = sum(int(row["true_positives"]) for row in rows.values())
        support = sum(int(row["support"]) for row in rows.values())
        predicted = sum(int(row["predicted"]) for row in rows.values())
        out[name] = {
            "precision": round(hits / predicted, 4) if predicted else 0.0,
            "precision_95": wilson_interval(hits, predicted),
            "recall": round(hits / support, 4) if support else 0.0,
            "recall_95": wilson_interval(hits, support),
            "support": support,
            "predicted": predicted,
            "true_positives": hits,
            "by_sample": {sample: {key: int(row[key])
                                   for key in ("true_positives", "support", "predicted")}
                          for sample, row in rows.items()},
        }
    return out


def labelled_signal_metrics(scorer: Scorer, texts: dict[str, str],
                            labels: list[dict[str, Any]], *, where: str) -> dict[str, object]:
    """Per-signal P/R of `scorer` on `labels` (id, signals), the texts read from `texts`. A
    labelled id missing from `texts` is an error: the files changed under the labels."""
    from classifiers.scoring import TextItem

    missing = [label["id"] for label in labels if label["id"] not in texts]
    if missing:
        raise ValueError(f"{len(missing)} labelled items are not in {where} "
                         f"(first: {missing[0]})")
    scores = scorer.score([TextItem(id=label["id"], text=texts[label["id"]]) for label in labels])
    return {
        "items": len(labels),
        "with_a_signal": sum(bool(label["signals"]) for label in labels),
        "per_signal": signal_metrics([tuple(label["signals"]) for label in labels],
                                     [score.signals for score in scores]),
    }


def evaluate(scorer: Scorer, data: Sequence[LabelledText]) -> dict[str, object]:
    """Score `data` with `scorer` and measure it against the labels the data carries.

    QuadClass figures use the items with a `quad`; signal figures use the items with at least
    one signal (an empty tuple cannot tell "none" from "not labelled"), so on positives-only
    data such as SATP only the recall is meaningful."""
    from classifiers.scoring import TextItem

    items = [TextItem(id=str(i), text=d.text) for i, d in enumerate(data)]
    scores = scorer.score(items)
    metrics: dict[str, object] = {"model_version": scorer.version, "n": len(data)}
    with_quad = [(d, s) for d, s in zip(data, scores, strict=True) if d.quad is not None]
    if with_quad:
        proba = np.array([[s.quad[name] for name in QUAD_CLASSES] for _, s in with_quad])
        metrics["quad"] = quad_metrics([d.quad for d, _ in with_quad if d.quad], proba)
    with_signals = [(d, s) for d, s in zip(data, scores, strict=True) if d.signals]
    if with_signals:
        metrics["signals"] = signal_metrics(
            [d.signals for d, _ in with_signals], [s.signals for _, s in with_signals]
        )
    return metrics


def span(bounds: object) -> str:
    """An interval as "0.41-0.93" ("-" for none; a card read from json holds a list)."""
    if isinstance(bounds, list | tuple) and len(bounds) == 2:
        return f"{bounds[0]:.2f}-{bounds[1]:.2f}"
    return "-"


Bin = Mapping[str, Any]


def paired_reliability(quad: Mapping[str, Any]) -> list[tuple[str, Bin | None, Bin | None]]:
    """The escalation and de-escalation reliability tables joined by score bin: ("0.8-0.9",
    escalation row, de-escalation row), a row None where no item scored in that bin."""
    columns = [{row["from"]: row for row in quad[key]}
               for key in ("escalation_reliability", "deescalation_reliability")]
    joined = []
    for low in sorted(set(columns[0]) | set(columns[1])):
        escalation, deescalation = columns[0].get(low), columns[1].get(low)
        high = (escalation or deescalation or {})["to"]
        joined.append((f"{low:.1f}-{high:.1f}", escalation, deescalation))
    return joined


def _reliability_lines(quad: Mapping[str, Any]) -> list[str]:
    """Both reliability tables side by side: items, mean score -> share truly so."""
    lines = ["calibration by score bin (items: mean score -> share truly so):",
             f"  {'bin':<10}{'escalation':<26}de-escalation"]
    for label, *rows in paired_reliability(quad):
        cells = [f"{row['items']:>5}: {row['mean_score']:.2f} -> {row['observed']:.2f}"
                 if row else "" for row in rows]
        lines.append(f"  {label:<10}{cells[0]:<26}{cells[1]}".rstrip())
    return lines


def format_report(metrics: dict[str, object]) -> str:
    """Human-readable text for a metrics dict from `evaluate` (or its "quad" part)."""
    lines: list[str] = []
    if "model_version" in metrics:
        lines.append(f"model {metrics['model_version']}  n={metrics.get('n')}")
    quad = metrics.get("quad", metrics if "per_class" in metrics else None)
    if isinstance(quad, dict):
        lines.append(f"{'class':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for name, row in quad["per_class"].items():
            lines.append(
                f"{name:<22}{row['precision']:>10.3f}{row['recall']:>10.3f}"
                f"{row['f1']:>10.3f}{row['support']:>9d}"
            )
        lines.append(
            f"macro-F1 {quad['macro_f1']:.3f}  accuracy {quad['accuracy']:.3f}  "
            f"escalation F1 {quad['escalation_f1']:.3f} "
            f"(95% interval {span(quad.get('escalation_f1_95'))})  escalation ECE "
            f"{quad['escalation_ece']:.3f}  de-escalation ECE {quad['deescalation_ece']:.3f}"
        )
        lines += _reliability_lines(quad)
        matrix = quad["confusion_matrix"]
        # "verbal_cooperation" -> "v_coop": cut to 8 letters, the two verbal and the two
        # material classes looked the same.
        short = [kind[0] + "_" + rest[:4] if rest else kind
                 for kind, _, rest in (label.partition("_") for label in matrix["labels"])]
        lines.append("confusion matrix (rows true, columns predicted):")
        lines.append(f"  {'':<9}" + "".join(f"{label:>9}" for label in short))
        for label, row in zip(short, matrix["rows_true_cols_predicted"], strict=True):
            lines.append(f"  {label:<9}" + "".join(f"{value:>9d}" for value in row))
    signals = metrics.get("signals")
    if isinstance(signals, dict) and signals:
        # Intervals because operators' labelled files are small: 4 of 5 found is "0.8", and
        # anything from 0.38 to 0.96.
        lines.append(f"{'signal':<22}{'precision':>10}{'95% interval':>14}{'recall':>10}"
                     f"{'95% interval':>14}{'support':>9}")
        for name, row in signals.items():
            found = int(row.get("true_positives", 0))
            precision_95 = span(wilson_interval(found, int(row.get("predicted", 0))))
            recall_95 = span(wilson_interval(found, int(row["support"])))
            lines.append(
                f"{name:<22}{row['precision']:>10.3f}{precision_95:>14}{row['recall']:>10.3f}"
                f"{recall_95:>14}{row['support']:>9d}"
            )
    return "\n".join(lines)
