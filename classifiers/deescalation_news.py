"""News that reports only de-escalation (a truce agreed, hostages freed, talks held) must not
score as escalation: a watch would read a ceasefire as the war going on.

Measured on our annotated items (the three samples of the signal tables: archive 2023,
captures 2026, AG News 2004) whose labels carry a de-escalation signal and no escalation signal.
Every batch counts, tuning ones too: the model never trained on an annotated item (weak_labels
leaves them all out), and "tuning" only says a pattern writer read it. Until model 2026.12.5
only the held-out batches counted (28 items); the rounds 11 and 12 renamed most of them
tuning, which would have left 8.
"""

from __future__ import annotations

from pathlib import Path

from classifiers.agnews_sample import AGNEWS_ANNOTATIONS, read_ag_world
from classifiers.capture_sample import CAPTURE_ANNOTATIONS, CAPTURES, read_captures
from classifiers.datasets import AG_NEWS_TEST, corpora_root
from classifiers.model_card import ANNOTATIONS, ARCHIVE, read_annotations, read_archive
from classifiers.scoring import Scorer, TextItem
from classifiers.vocabulary import (
    ESCALATION_ALERT_THRESHOLD,
    SIGNALS_DEESCALATION,
    SIGNALS_ESCALATION,
)


def deescalation_only_items(data_dir: Path) -> dict[str, str]:
    """id -> text of the annotated items that report de-escalation and nothing else; a sample
    whose texts are absent under `data_dir` adds none."""
    samples = [
        (ANNOTATIONS, data_dir / ARCHIVE, read_archive),
        (CAPTURE_ANNOTATIONS, data_dir / CAPTURES, read_captures),
        (AGNEWS_ANNOTATIONS, corpora_root(data_dir) / AG_NEWS_TEST, read_ag_world),
    ]
    chosen: dict[str, str] = {}
    for labels_path, source, read in samples:
        if not source.exists():
            continue
        texts = read(data_dir)
        for row in read_annotations(labels_path):
            signals = set(map(str, row["signals"]))  # type: ignore[call-overload]
            if (str(row["id"]) in texts and signals & set(SIGNALS_DEESCALATION)
                    and not signals & set(SIGNALS_ESCALATION)):
                chosen[str(row["id"])] = texts[str(row["id"])]
    return chosen


def deescalation_share(scorer: Scorer, data_dir: Path) -> dict[str, object]:
    """How many of those items score escalation at or above the alert threshold, and how many
    score de-escalation there; {} when no sample is present."""
    texts = deescalation_only_items(data_dir)
    if not texts:
        return {}
    scores = scorer.score([TextItem(id=key, title="", text=text) for key, text in texts.items()])
    above = sum(score.escalation >= ESCALATION_ALERT_THRESHOLD for score in scores)
    return {
        "threshold": ESCALATION_ALERT_THRESHOLD,
        "items": len(scores),
        "escalation_above_threshold": above,
        "share_escalation_above_threshold": round(above / len(scores), 4),
        "deescalation_above_threshold": sum(
            score.deescalation >= ESCALATION_ALERT_THRESHOLD for score in scores),
    }
