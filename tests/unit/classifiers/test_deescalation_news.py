"""News of a truce, a release or talks must not read as escalation
(classifiers.deescalation_news)."""

from __future__ import annotations

from pathlib import Path

from classifiers.deescalation_news import deescalation_only_items, deescalation_share
from classifiers.model_card import render_model_card
from classifiers.scoring import Scorer, TextItem


def test_the_sample_holds_annotated_items_of_de_escalation_only(shared_data_dir: Path) -> None:
    items = deescalation_only_items(shared_data_dir)
    assert len(items) >= 100
    assert deescalation_only_items(shared_data_dir / "absent") == {}


def test_shipped_model_reads_truces_and_talks_as_de_escalation(
    scorer: Scorer, shared_data_dir: Path
) -> None:
    share = deescalation_share(scorer, shared_data_dir)
    items = int(str(share["items"]))
    # Model 2026.12.2, trained on conflict weak labels only, put 11 of the 28 held-out items
    # of then above the alert line and only 11 above it as de-escalation; 2026.12.7 puts 31
    # of the 152 annotated items above it, and 109 above it as de-escalation.
    assert int(str(share["escalation_above_threshold"])) <= 0.25 * items
    assert int(str(share["deescalation_above_threshold"])) >= 0.6 * items
    written = [  # not from any corpus: the headlines a truce brings
        "Israel and Hamas agree a four-day truce and the release of hostages",
        "Hamas frees 24 captives as the Gaza truce holds for a second day",
        "Sudan's army and the RSF resume ceasefire talks in Jeddah",
    ]
    scores = scorer.score([TextItem(id=str(i), title="", text=t) for i, t in enumerate(written)])
    assert all(s.deescalation > s.escalation for s in scores), [
        (s.escalation, s.deescalation) for s in scores]


def test_the_card_says_how_many_de_escalation_items_read_as_trouble() -> None:
    card = {"deescalation_news": {"threshold": 0.5, "items": 28,
                                  "escalation_above_threshold": 6,
                                  "share_escalation_above_threshold": 0.2143,
                                  "deescalation_above_threshold": 18}}
    text = render_model_card(card)
    assert "Of the 28 annotated items" in text
    assert "6 score escalation at or above 0.5" in text and "18 score de-escalation" in text
