"""evaluate/format_report shapes, ECE arithmetic, and calibration of the shipped model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classifiers.evaluation import (
    bootstrap_f1_interval,
    evaluate,
    expected_calibration_error,
    format_report,
    pooled_signal_metrics,
    quad_metrics,
    reliability,
    signal_metrics,
    wilson_interval,
)
from classifiers.model_card import pooled_heldout_signals, render_model_card
from classifiers.scoring import QUAD_CLASSES, Scorer
from classifiers.training import LabelledText, load_corpora, split_news_dev

DATA = [
    LabelledText(
        "Artillery shelling killed four soldiers near Bakhmut.",
        "material_conflict",
        ("shelling", "casualties"),
    ),
    LabelledText(
        "The minister threatened retaliation if the attacks continued.",
        "verbal_conflict",
        ("war_rhetoric",),
    ),
    LabelledText(
        "Both sides agreed to a ceasefire mediated by Qatar.",
        "material_cooperation",
        ("ceasefire_agreement",),
    ),
    LabelledText("The envoy praised the talks as constructive.", "verbal_cooperation", ("talks",)),
    LabelledText("The football club signed a new striker.", "neutral"),
]


def test_evaluate_reports_every_required_figure(scorer: Scorer) -> None:
    metrics = evaluate(scorer, DATA)
    quad = metrics["quad"]
    assert isinstance(quad, dict)
    assert set(quad["per_class"]) == set(QUAD_CLASSES)
    for row in quad["per_class"].values():
        assert set(row) == {"precision", "recall", "f1", "support"}
    for key in ("macro_f1", "escalation_f1", "escalation_ece", "accuracy"):
        assert 0.0 <= quad[key] <= 1.0
    low, high = quad["escalation_f1_95"]
    assert low <= quad["escalation_f1"] <= high
    matrix = quad["confusion_matrix"]["rows_true_cols_predicted"]
    assert np.array(matrix).shape == (5, 5) and np.array(matrix).sum() == len(DATA)
    assert "shelling" in metrics["signals"]  # type: ignore[operator]
    report = format_report(metrics)
    assert "macro-F1" in report and "escalation ECE" in report and "shelling" in report
    assert f"de-escalation ECE {quad['deescalation_ece']:.3f}" in report
    assert "calibration by score bin" in report
    interval = f"(95% interval {low:.2f}-{high:.2f})"
    assert f"escalation F1 {quad['escalation_f1']:.3f} {interval}" in report
    shelling = metrics["signals"]["shelling"]  # type: ignore[index]
    row = next(line for line in report.splitlines() if line.startswith("shelling"))
    found, support = shelling["true_positives"], shelling["support"]
    assert f"{wilson_interval(found, support)[0]:.2f}-" in row  # type: ignore[index]


def test_ece_arithmetic() -> None:
    truth = np.array([True, False, True, False])
    assert expected_calibration_error(truth, np.array([1.0, 0.0, 1.0, 0.0])) == 0.0
    assert abs(expected_calibration_error(truth, np.array([0.5] * 4)) - 0.0) < 1e-9
    assert abs(expected_calibration_error(truth, np.array([0.0, 1.0, 0.0, 1.0])) - 1.0) < 1e-9


def test_reliability_table_is_what_the_ece_averages() -> None:
    rng = np.random.default_rng(3)
    probability = rng.uniform(0, 1, 20_000)
    calibrated = rng.uniform(0, 1, 20_000) < probability  # right p of the time at score p
    rows = reliability(calibrated, probability)
    assert [(row["from"], row["to"]) for row in rows][:2] == [(0.0, 0.1), (0.1, 0.2)]
    assert sum(int(row["items"]) for row in rows) == 20_000
    assert all(abs(row["observed"] - row["mean_score"]) < 0.03 for row in rows)
    # Timid scores, squeezed towards the middle, show in every outer bin and in the ECE.
    timid = 0.5 + (probability - 0.5) / 2
    rows = reliability(calibrated, timid)
    assert len(rows) == 6 and rows[-1]["observed"] > rows[-1]["mean_score"] + 0.1
    ece = sum(int(row["items"]) * abs(row["observed"] - row["mean_score"]) for row in rows) / 20_000
    assert abs(expected_calibration_error(calibrated, timid) - ece) < 1e-3  # rounding only
    # quad_metrics reports both directions.
    proba = np.tile([[0.1, 0.55, 0.1, 0.15, 0.1]], (4, 1))
    metrics = quad_metrics(["verbal_cooperation"] * 2 + ["neutral"] * 2, proba)
    assert metrics["deescalation_reliability"] == [
        {"from": 0.6, "to": 0.7, "items": 4, "mean_score": 0.65, "observed": 0.5}]
    assert metrics["deescalation_ece"] == 0.15


def test_bootstrap_f1_interval() -> None:
    rng = np.random.default_rng(1)
    truth = rng.random(400) < 0.4
    predicted = np.where(rng.random(400) < 0.85, truth, ~truth)  # 15% of labels flipped
    tp, wrong = int((truth & predicted).sum()), int((truth != predicted).sum())
    f1 = 2 * tp / (2 * tp + wrong)
    low, high = bootstrap_f1_interval(truth, predicted) or (0.0, 0.0)
    assert low < f1 < high and 0.03 < high - low < 0.15
    assert bootstrap_f1_interval(truth, predicted) == (low, high)  # reproducible
    # Ten times the items (resampled in chunks): a narrower interval around the same F1.
    wide_truth, wide_predicted = np.tile(truth, 10), np.tile(predicted, 10)
    narrow_low, narrow_high = bootstrap_f1_interval(wide_truth, wide_predicted) or (0.0, 0.0)
    assert narrow_low < f1 < narrow_high and narrow_high - narrow_low < (high - low) / 2
    assert bootstrap_f1_interval(truth, truth) == (1.0, 1.0)
    assert bootstrap_f1_interval(truth, ~truth) == (0.0, 0.0)
    assert bootstrap_f1_interval(np.array([], bool), np.array([], bool)) is None


def test_wilson_interval() -> None:
    assert wilson_interval(8, 10) == (0.4902, 0.9433)  # the textbook example
    low, high = wilson_interval(49, 64) or (0.0, 0.0)
    assert low < 49 / 64 < high and high - low < 0.25
    assert wilson_interval(0, 5) == (0.0, 0.4345)  # never below 0 ...
    assert wilson_interval(5, 5) == (0.5655, 1.0)  # ... nor above 1
    assert wilson_interval(0, 0) is None  # no items: no estimate


def test_pooled_signal_metrics_add_up_the_samples() -> None:
    # Sample a: 2 air strikes, one found, one false alarm; sample b: 3 found of 3, no shelling.
    a = signal_metrics([("airstrike",), ("airstrike", "shelling"), ()],
                       [{"airstrike": 0.9}, {"shelling": 0.8}, {"airstrike": 0.7}])
    b = signal_metrics([("airstrike",)] * 3, [{"airstrike": 0.6}] * 3)
    assert a["airstrike"]["true_positives"] == 1 and b["airstrike"]["true_positives"] == 3
    pooled = pooled_signal_metrics({"a": a, "b": b})
    air = pooled["airstrike"]
    assert (air["support"], air["predicted"], air["true_positives"]) == (5, 5, 4)
    assert air["precision"] == air["recall"] == 0.8
    assert air["recall_95"] == wilson_interval(4, 5)
    assert air["by_sample"] == {"a": {"true_positives": 1, "support": 2, "predicted": 2},
                                "b": {"true_positives": 3, "support": 3, "predicted": 3}}
    shelling = pooled["shelling"]  # in sample a only
    assert shelling["by_sample"] == {"a": {"true_positives": 1, "support": 1, "predicted": 1}}
    missed = pooled_signal_metrics({"a": signal_metrics([("talks",)], [{}])})["talks"]
    assert missed["precision"] == 0.0 and missed["precision_95"] is None  # nothing predicted
    assert missed["recall"] == 0.0 and missed["recall_95"] == wilson_interval(0, 1)


def test_the_card_pools_its_held_out_samples_only() -> None:
    def block(found: int, support: int) -> dict[str, object]:
        return {"items": 10, "per_signal": {"airstrike": {
            "precision": 1.0, "recall": found / support, "f1": 0.0, "support": support,
            "predicted": found, "true_positives": found}}}

    card: dict[str, object] = {
        "signal_sample": {"heldout": block(3, 4), "tuning": block(50, 50)},
        "capture_sample": block(1, 2),
        "agnews_sample": {"heldout": block(2, 2), "tuning": block(9, 9)},
    }
    pooled = pooled_heldout_signals(card)
    assert pooled["items"] == 30
    air = pooled["per_signal"]["airstrike"]  # type: ignore[index]
    assert (air["true_positives"], air["support"]) == (6, 8)  # no tuning batch counted
    assert pooled_heldout_signals({"capture_sample": {}}) == {}
    text = render_model_card({**card, "heldout_pooled": pooled})
    assert "## Signals on all held-out news, pooled" in text
    assert "| airstrike | 1.0 | 0.61-1.00 | 0.75 | 0.41-0.93 | 8 | 6 |" in text
    assert "archive 2023 3/4; captures 2026 1/2; AG News 2004 2/2" in text


def test_shipped_model_is_calibrated_on_held_out_news(
    scorer: Scorer, shared_data_dir: Path
) -> None:
    # The split the shipped model never saw (same seed as the build).
    _, dev = split_news_dev(load_corpora(shared_data_dir), seed=0)
    news = dev["conflibert"] + dev["ag_calm"] + dev["satp"]
    quad = evaluate(scorer, news)["quad"]
    assert isinstance(quad, dict)
    # Model 2026.12.1, before sharpening, had 0.081 and 0.125 (items scored 0.8-0.9 were
    # escalation every time): the sharpening must hold.
    assert quad["escalation_ece"] < 0.05 and quad["deescalation_ece"] < 0.05
    top = quad["escalation_reliability"][-1]
    assert top["from"] == 0.9 and top["observed"] >= 0.9
    assert quad["escalation_f1"] >= 0.88
    assert evaluate(scorer, dev["conflibert"])["quad"]["macro_f1"] >= 0.70  # type: ignore[index]


def test_the_card_shows_the_calibration_table() -> None:
    rows = [{"from": 0.0, "to": 0.1, "items": 90, "mean_score": 0.02, "observed": 0.01},
            {"from": 0.8, "to": 0.9, "items": 10, "mean_score": 0.85, "observed": 0.8}]
    metrics = {"n": 100, "macro_f1": 0.8, "escalation_f1": 0.9, "escalation_ece": 0.02,
               "deescalation_ece": 0.03, "share_above_alert_threshold": 0.1,
               "escalation_reliability": rows, "deescalation_reliability": rows[:1]}
    text = render_model_card({"dev_metrics": {"all_news": metrics}, "temperature": 0.52})
    assert "Calibration on all held-out news (100 items" in text
    assert "| 0.8-0.9 | 10 | 0.850 | 0.800 | 0 | - | - |" in text
    assert "| 0.0-0.1 | 90 | 0.020 | 0.010 | 90 | 0.020 | 0.010 |" in text
    assert "sharpened by temperature 0.52" in text
    assert "sharpened" not in render_model_card({"dev_metrics": {"all_news": metrics}})
