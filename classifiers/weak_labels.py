"""Weak supervision from the 2023 news archive, in the register we score (headline + summary).

Three kinds of item, all labelled by rules, never by reading:

- calm (`archive_calm`, neutral): a disaster or crime word and none of the armed-conflict
  words (unrelated_news.DISASTER_WORDS / CRIME_WORDS / ARMED_CONFLICT). The corpora hold almost
  no disaster or crime news in this register, and CAMEO codes arrests and police action as
  material conflict, so before this 27% of annotated disaster items and 43% of crime items
  scored as escalation.
- conflict (`archive_conflict`, material_conflict): an event signal pattern (airstrike,
  shelling, armed_clash, bombing, cross_border_attack, territorial_seizure) matches as a
  reported event (pattern evidence >= WEAK: not negated, not modal). Calm items alone pulled
  real war news down with them ("killed", "attack" are common to both); these hold it up.
- cooperation (`archive_cooperation`): a de-escalation pattern matches as a reported event and
  no escalation pattern does at all: talks are verbal_cooperation; a ceasefire agreed, a
  prisoner exchange, a withdrawal or humanitarian access material_cooperation (CAMEO's
  "yield"). Without them the conflict items taught that a war's names mean escalation:
  model 2026.12.2 scored "Israel, Hamas to start first truce in Gaza war" 0.99 escalation,
  and 11 of the 28 held-out annotated items that report only de-escalation at or above 0.5.

Conflict and cooperation items also give a copy of their headline alone, with the same label
(`archive_conflict_headline`, `archive_cooperation_headline`), when it has at least
HEADLINE_MIN_WORDS words: feeds without summaries send bare headlines, and a model trained on
sentences and headline + summary pairs read them poorly (before the copies, model 2026.12.4
scored 87% of held-out annotated event items at or above 0.5 from the headline alone, against
99% with the summary; classifiers/headline_news.py). Calm items get no copy: the CV's held-out
calm items would then have their headlines in training, and copying them too lowered macro-F1
(experiments/headline_copies/).

Every item of our annotation files (and every copy of one, by dedup_key) is left out, so the
signal and topic measurements stay on news the model never saw. The card records a digest of
those ids: a batch annotated later may hold items this model trained on, so its figures mean
something only after a rebuild (`stale_held_out` says when).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from classifiers.datasets import LabelledText, dedup_key
from classifiers.model_card import ARCHIVE, read_archive_and_headlines
from classifiers.signal_patterns import WEAK
from classifiers.signals import SIGNALS, pattern_evidence
from classifiers.unrelated_news import ARMED_CONFLICT, CRIME_WORDS, DISASTER_WORDS, annotated_ids
from classifiers.vocabulary import SIGNALS_DEESCALATION, SIGNALS_ESCALATION

EVENT_SIGNALS = ("airstrike", "shelling", "armed_clash", "bombing", "cross_border_attack",
                 "territorial_seizure")
_EVENT_COLUMNS = [SIGNALS.index(name) for name in EVENT_SIGNALS]
_ESCALATION_COLUMNS = [SIGNALS.index(name) for name in SIGNALS_ESCALATION]
_TALKS = SIGNALS.index("talks")
_YIELD_COLUMNS = [SIGNALS.index(name) for name in SIGNALS_DEESCALATION if name != "talks"]
# Shorter headlines ("Live updates", "Ukraine war") say too little to carry a label.
HEADLINE_MIN_WORDS = 4


def weak_labels(texts: dict[str, str], exclude: set[str],
                headlines: dict[str, str] | None = None) -> list[LabelledText]:
    """Calm, conflict and cooperation items of `texts` (archive id -> text), in id order,
    leaving out the ids in `exclude` and any text that duplicates one of theirs; with
    `headlines` (archive id -> headline alone), the headline copies too, leaving out any that
    duplicates a held-out item's text or headline."""
    headlines = headlines or {}
    held_out = {dedup_key(texts[item_id]) for item_id in exclude if item_id in texts}
    held_out_headlines = held_out | {dedup_key(headlines[item_id]) for item_id in exclude
                                     if item_id in headlines}
    ids = [item_id for item_id, text in sorted(texts.items())
           if item_id not in exclude and dedup_key(text) not in held_out]
    evidence = pattern_evidence([texts[item_id] for item_id in ids])
    items: list[LabelledText] = []
    for item_id, row in zip(ids, evidence, strict=True):
        text = texts[item_id]
        label = _rule(text, row)
        if label is None:
            continue
        quad, source = label
        items.append(LabelledText(text, quad, (), source))
        headline = headlines.get(item_id, "")
        if (source != "archive_calm" and headline != text
                and len(headline.split()) >= HEADLINE_MIN_WORDS
                and dedup_key(headline) not in held_out_headlines):
            items.append(LabelledText(headline, quad, (), f"{source}_headline"))
    return items


def _rule(text: str, evidence: NDArray[np.float64]) -> tuple[str, str] | None:
    """(QuadClass, source) of a weak item, or None: the rules of the module's docstring."""
    lowered = text.lower()  # the word lists are written lower-case
    if evidence[_EVENT_COLUMNS].max() >= WEAK:
        return "material_conflict", "archive_conflict"
    if not ARMED_CONFLICT.search(lowered) and (
        DISASTER_WORDS.search(lowered) or CRIME_WORDS.search(lowered)
    ):
        return "neutral", "archive_calm"
    if evidence[_ESCALATION_COLUMNS].max() < WEAK:
        if evidence[_YIELD_COLUMNS].max() >= WEAK:
            return "material_cooperation", "archive_cooperation"
        if evidence[_TALKS] >= WEAK:
            return "verbal_cooperation", "archive_cooperation"
    return None


def held_out_digest(ids: set[str]) -> str:
    """What the card keeps of the ids left out: enough to tell when the files changed."""
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


def archive_weak_labels(data_dir: Path) -> tuple[list[LabelledText], dict[str, object]]:
    """The weak items of the archive under `data_dir`, and what the card records about them
    (the archive's sha256, counts, the digest of the ids left out). No weak items when the
    archive is absent, nor when the annotation files are (they would not be left out)."""
    path = data_dir / ARCHIVE
    if not path.is_file():
        return [], {"archive": f"absent at {path}: no weak labels"}
    held_out = annotated_ids()
    if not held_out:
        return [], {"archive": str(ARCHIVE), "annotations": "absent: no weak labels"}
    texts, headlines = read_archive_and_headlines(data_dir)
    items = weak_labels(texts, held_out, headlines)
    return items, {
        "archive": str(ARCHIVE),
        "archive_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "calm": sum(item.source == "archive_calm" for item in items),
        "conflict": sum(item.source == "archive_conflict" for item in items),
        "cooperation": sum(item.source == "archive_cooperation" for item in items),
        "headline_copies": sum(item.source.endswith("_headline") for item in items),
        "held_out_ids": len(held_out),
        "held_out_sha256": held_out_digest(held_out),
    }


def stale_held_out(card: dict[str, object]) -> str | None:
    """Why the annotation files no longer match what this model left out, or None."""
    recorded = card.get("weak_labels")
    if not isinstance(recorded, dict) or "held_out_sha256" not in recorded:
        return None  # trained without weak labels: every annotated item is unseen
    current = annotated_ids()
    if held_out_digest(current) == recorded["held_out_sha256"]:
        return None
    return (f"the annotation files hold {len(current)} ids, the model left out "
            f"{recorded.get('held_out_ids')} when it was trained on the archive's weak labels: "
            "items annotated since may be ones it trained on; rebuild the model "
            "(python -m classifiers.build_default) before measuring them")
