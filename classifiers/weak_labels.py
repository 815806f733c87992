"""Weak supervision from the 2023 news archive, in the register we score (headline + summary).

Two kinds of item, both labelled by rules, never by reading:

- calm (`archive_calm`, neutral): a disaster or crime word and none of the armed-conflict
  words (unrelated_news.DISASTER_WORDS / CRIME_WORDS / ARMED_CONFLICT). The corpora hold almost
  no disaster or crime news in this register, and CAMEO codes arrests and police action as
  material conflict, so before this 27% of annotated disaster items and 43% of crime items
  scored as escalation.
- conflict (`archive_conflict`, material_conflict): an event signal pattern (airstrike,
  shelling, armed_clash, bombing, cross_border_attack, territorial_seizure) matches at full
  phrase strength, after negation and modality. Calm items alone pulled real war news down
  with them ("killed", "attack" are common to both); these hold it up.

Every item of our annotation files (and every copy of one, by dedup_key) is left out, so the
signal and topic measurements stay on news the model never saw.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from classifiers.datasets import LabelledText, dedup_key
from classifiers.model_card import ARCHIVE, read_archive
from classifiers.signal_patterns import WEAK
from classifiers.signals import SIGNALS, pattern_evidence
from classifiers.unrelated_news import ARMED_CONFLICT, CRIME_WORDS, DISASTER_WORDS, annotated_ids

EVENT_SIGNALS = ("airstrike", "shelling", "armed_clash", "bombing", "cross_border_attack",
                 "territorial_seizure")
_EVENT_COLUMNS = [SIGNALS.index(name) for name in EVENT_SIGNALS]
def weak_labels(texts: dict[str, str], exclude: set[str]) -> list[LabelledText]:
    """Calm and conflict items of `texts` (archive id -> text), in id order, leaving out the
    ids in `exclude` and any text that duplicates one of theirs."""
    held_out = {dedup_key(texts[item_id]) for item_id in exclude if item_id in texts}
    candidates = [text for item_id, text in sorted(texts.items())
                  if item_id not in exclude and dedup_key(text) not in held_out]
    evidence = pattern_evidence(candidates)
    items: list[LabelledText] = []
    for text, row in zip(candidates, evidence, strict=True):
        lowered = text.lower()  # the word lists are written lower-case
        if row[_EVENT_COLUMNS].max() >= WEAK:
            items.append(LabelledText(text, "material_conflict", (), "archive_conflict"))
        elif not ARMED_CONFLICT.search(lowered) and (
            DISASTER_WORDS.search(lowered) or CRIME_WORDS.search(lowered)
        ):
            items.append(LabelledText(text, "neutral", (), "archive_calm"))
    return items


def archive_weak_labels(data_dir: Path) -> tuple[list[LabelledText], dict[str, str]]:
    """The weak items of the archive under `data_dir` and the archive's sha256 (for the card);
    nothing when the archive is absent."""
    path = data_dir / ARCHIVE
    if not path.is_file():
        return [], {}
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return weak_labels(read_archive(data_dir), annotated_ids()), {str(ARCHIVE): digest}
