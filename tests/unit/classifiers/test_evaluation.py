"""evaluate/format_report shapes, ECE arithmetic, and calibration of the shipped model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classifiers.evaluation import evaluate, expected_calibration_error, format_report
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
    matrix = quad["confusion_matrix"]["rows_true_cols_predicted"]
    assert np.array(matrix).shape == (5, 5) and np.array(matrix).sum() == len(DATA)
    assert "shelling" in metrics["signals"]  # type: ignore[operator]
    report = format_report(metrics)
    assert "macro-F1" in report and "escalation ECE" in report and "shelling" in report


def test_ece_arithmetic() -> None:
    truth = np.array([True, False, True, False])
    assert expected_calibration_error(truth, np.array([1.0, 0.0, 1.0, 0.0])) == 0.0
    assert abs(expected_calibration_error(truth, np.array([0.5] * 4)) - 0.0) < 1e-9
    assert abs(expected_calibration_error(truth, np.array([0.0, 1.0, 0.0, 1.0])) - 1.0) < 1e-9


def test_shipped_model_is_calibrated_on_held_out_news(
    scorer: Scorer, shared_data_dir: Path
) -> None:
    # The split the shipped model never saw (same seed as the build).
    _, dev = split_news_dev(load_corpora(shared_data_dir), seed=0)
    news = dev["conflibert"] + dev["ag_calm"] + dev["satp"]
    quad = evaluate(scorer, news)["quad"]
    assert isinstance(quad, dict)
    assert quad["escalation_ece"] < 0.1
    assert quad["escalation_f1"] >= 0.88
    assert evaluate(scorer, dev["conflibert"])["quad"]["macro_f1"] >= 0.70  # type: ignore[index]
