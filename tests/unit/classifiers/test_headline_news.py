"""Bare headlines must read as the events they report (classifiers.headline_news)."""

from __future__ import annotations

from pathlib import Path

from classifiers.headline_news import event_items, headline_share
from classifiers.model_card import read_archive_and_headlines, render_model_card
from classifiers.scoring import Scorer


def test_the_sample_holds_annotated_armed_events_with_a_summary(shared_data_dir: Path) -> None:
    texts, headlines = read_archive_and_headlines(shared_data_dir)
    ids = event_items(texts, headlines)
    assert len(ids) >= 800
    assert all(". " in texts[item_id] for item_id in ids)  # headline and summary
    assert event_items({}, {}) == []


def test_the_shipped_model_reads_bare_headlines_of_armed_events(
    scorer: Scorer, shared_data_dir: Path
) -> None:
    share = headline_share(scorer, shared_data_dir)
    items = int(str(share["items"]))
    # On the 870 annotated event items of round 12, model 2026.12.4 (trained without the
    # archive's headline copies) read 740 from the headline alone (0.851), 2026.12.6 754.
    # Rounds 13-16 added 331 event items, harder ones, and took them out of the weak labels:
    # on the 1,201 items 2026.12.7 reads 992 alone (0.826) and 1,097 with the summary (0.913),
    # a model with the round-12 patterns trained on the same rows 983 and 1,091.
    assert int(str(share["above_threshold_headline_alone"])) >= 0.82 * items
    assert int(str(share["above_threshold_with_summary"])) >= 0.905 * items
    assert headline_share(scorer, shared_data_dir / "absent") == {}


def test_the_card_says_how_many_bare_headlines_read_as_escalation() -> None:
    card = {"headline_news": {"threshold": 0.5, "items": 68, "above_threshold_headline_alone": 61,
                              "above_threshold_with_summary": 66}}
    text = render_model_card(card)
    assert "## Headlines alone" in text
    assert "66 score escalation at or above 0.5 from headline and summary" in text
    assert "61 from the headline alone" in text
