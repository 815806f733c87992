"""Signals measured on fresh news: the August 2026 feed captures in ../shared/data/feeds/captures.

The archive batches are all 2023 news from one set of outlets, and their unread pool is nearly
used up. The captures are real RSS documents from 2026 that no pattern writer has read and the
model never trained on; `annotations/captures_2026.jsonl` holds our labels for them (ids and
signals only, never the outlets' text: see annotations/README.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import feedparser

from classifiers.datasets import clean_text
from classifiers.evaluation import labelled_signal_metrics
from classifiers.model_card import archive_id, read_annotations
from classifiers.scoring import Scorer, TextItem

CAPTURES = Path("feeds") / "captures"
CAPTURE_ANNOTATIONS = Path(__file__).parent / "annotations" / "captures_2026.jsonl"


def read_captures(data_dir: Path) -> dict[str, str]:
    """Item id (as for the archive: sha256 of the link, 16 hex digits) -> the text scored:
    title and description joined as the service joins them (TextItem.full_text: a description
    that repeats the title does not repeat it), each cleaned of HTML by datasets.clean_text. The
    service's feed parser strips tags a little differently (a space less before punctuation on a
    few items). Capture files are read in name order; an item served again in a later capture
    keeps its first text."""
    texts: dict[str, str] = {}
    for path in sorted((data_dir / CAPTURES).glob("*.xml")):
        for entry in feedparser.parse(path.read_bytes()).entries:
            item_id = archive_id(entry.get("link") or "")
            item = TextItem(id=item_id, title=clean_text(entry.get("title") or ""),
                            text=clean_text(entry.get("summary") or ""))
            texts.setdefault(item_id, item.full_text())
    return texts


def capture_signal_metrics(scorer: Scorer, data_dir: Path) -> dict[str, object]:
    """Per-signal P/R on the annotated captures; {} when the captures or labels are absent."""
    labels: list[dict[str, Any]] = read_annotations(CAPTURE_ANNOTATIONS)
    if not labels or not (data_dir / CAPTURES).is_dir():
        return {}
    return labelled_signal_metrics(scorer, read_captures(data_dir), labels,
                                   where=str(data_dir / CAPTURES))
