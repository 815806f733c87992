"""Signals measured on AG News "World" headlines of 2004: news of other wars, from other outlets.

The archive's unread pool is nearly used up and holds no unread shelling news, and the 2026
captures hold none: the shelling and armed_clash targets could not be measured. AG News' World
class (Iraq, Afghanistan, Israel-Palestine, Chechnya, Darfur, Kashmir in 2004) has them. The
model never trained on these rows (AG World is unlabelled for training, but for the calm
disasters `datasets.is_calm_disaster` picks, which are left out here), and the patterns up to
round 9 were written on the 2023 archive (round 10 on this sample's tuning part).
`annotations/agnews_world_2004.jsonl` holds our labels (ids and signals only, never the text:
see annotations/README.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from classifiers.datasets import (
    AG_NEWS_TEST,
    AG_WORLD,
    corpora_root,
    dedup_key,
    is_calm_disaster,
    read_ag_news,
)
from classifiers.evaluation import labelled_signal_metrics
from classifiers.model_card import read_annotations
from classifiers.scoring import Scorer

AGNEWS_ANNOTATIONS = Path(__file__).parent / "annotations" / "agnews_world_2004.jsonl"


def read_ag_world(data_dir: Path) -> dict[str, str]:
    """id ("agnews-test-" + the CSV row number) -> title + description, for the World rows the
    model never trained on; a text repeated later in the file keeps its first id."""
    texts: dict[str, str] = {}
    seen: set[str] = set()
    for row, label, text in read_ag_news(corpora_root(data_dir) / AG_NEWS_TEST):
        key = dedup_key(text)
        if label != AG_WORLD or is_calm_disaster(text) or key in seen:
            continue
        seen.add(key)
        texts[f"agnews-test-{row}"] = text
    return texts


def agnews_signal_metrics(scorer: Scorer, data_dir: Path) -> dict[str, object]:
    """Per-signal P/R on the annotated AG World items, by part ("heldout", "tuning": the batch
    name's prefix); {} when AG News or the labels are absent."""
    labels: list[dict[str, Any]] = read_annotations(AGNEWS_ANNOTATIONS)
    path = corpora_root(data_dir) / AG_NEWS_TEST
    if not labels or not path.is_file():
        return {}
    texts = read_ag_world(data_dir)
    return {
        part: labelled_signal_metrics(scorer, texts, chosen, where=str(path))
        for part in ("heldout", "tuning")
        if (chosen := [label for label in labels if str(label["batch"]).startswith(part)])
    }
