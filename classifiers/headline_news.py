"""Bare headlines must read as what they report: some feeds send no summary.

Measured on the annotated archive items (classifiers/annotations/signals_sample.jsonl, never
weak items) that report an armed event: how many score escalation at or above the alert
threshold from the headline alone, against headline + summary as the card's other figures read
them. Every batch counts, tuning ones too: the model never trained on an annotated item nor on
its headline (weak_labels leaves them out). Until model 2026.12.5 only the held-out batches
counted (68 items), which the rounds 11 and 12 renamed tuning.
"""

from __future__ import annotations

from pathlib import Path

from classifiers.model_card import (
    ANNOTATIONS,
    ARCHIVE,
    read_annotations,
    read_archive_and_headlines,
)
from classifiers.scoring import Scorer
from classifiers.training import share_above_alert_threshold
from classifiers.vocabulary import ESCALATION_ALERT_THRESHOLD
from classifiers.weak_labels import EVENT_SIGNALS


def event_items(texts: dict[str, str], headlines: dict[str, str]) -> list[str]:
    """Ids of the annotated archive items labelled with an event signal that have a headline
    of their own and a summary (texts and headlines: archive id -> text)."""
    return [
        str(row["id"]) for row in read_annotations(ANNOTATIONS)
        if str(row["id"]) in texts
        and set(map(str, row["signals"])) & set(EVENT_SIGNALS)  # type: ignore[call-overload]
        and headlines[str(row["id"])] and headlines[str(row["id"])] != texts[str(row["id"])]
    ]


def headline_share(scorer: Scorer, data_dir: Path) -> dict[str, object]:
    """How many of those items score escalation at or above the alert threshold from the
    headline alone and from headline + summary; {} without the archive."""
    if not (data_dir / ARCHIVE).is_file():
        return {}
    texts, headlines = read_archive_and_headlines(data_dir)
    ids = event_items(texts, headlines)
    if not ids:
        return {}

    def above(view: dict[str, str]) -> int:
        proba = scorer.quad_probabilities([view[item_id] for item_id in ids])
        return round(share_above_alert_threshold(proba) * len(ids))

    return {
        "threshold": ESCALATION_ALERT_THRESHOLD,
        "items": len(ids),
        "above_threshold_headline_alone": above(headlines),
        "above_threshold_with_summary": above(texts),
    }
