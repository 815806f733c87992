"""Disaster and crime news: the archive's weak labels used in training, and the annotated
sample they are measured on (which must never leak into training)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from classifiers import unrelated_news
from classifiers.datasets import dedup_key
from classifiers.model_card import ARCHIVE, archive_id, read_archive, read_archive_and_headlines
from classifiers.scoring import Scorer, TextItem
from classifiers.unrelated_news import (
    MEASURED_TOPICS,
    annotated_ids,
    draw,
    read_sample,
    unrelated_share,
)
from classifiers.weak_labels import archive_weak_labels, stale_held_out, weak_labels

TEXTS = {
    "flood": "Floods kill 30 in southern Brazil after days of heavy rain",
    "murder": "Police arrest man over the murder of a shopkeeper in Leeds",
    "rescue": "Army rescues hundreds of flood victims stranded on rooftops",
    "strike": "Israeli airstrikes hit Gaza City overnight, killing 20 people",
    "denied": "Russia denies shelling Kharkiv as the fires burn in the city",
    "market": "Stock markets rally as inflation slows in the euro zone",
    "held": "Earthquake of magnitude 6.1 shakes central Turkey, rescuers search rubble",
    "copy": "EARTHQUAKE of magnitude 6.1 shakes central Turkey - rescuers search rubble!",
    "truce": "Israel and Hamas agree a four-day truce in Gaza and a hostage exchange",
    "talks": "Sudan's warring generals hold talks in Jeddah under Saudi mediation",
    "truce_broken": "Truce collapses as Israeli airstrikes hit Gaza City again",
    "no_talks": "Kremlin denies holding talks with Kyiv",
    "maybe_talks": "Russia may hold peace talks with Ukraine next year",
}


def test_calm_needs_a_disaster_or_crime_word_and_no_armed_conflict_word() -> None:
    items = {item.text: item for item in weak_labels(TEXTS, exclude={"held"})}
    assert items[TEXTS["flood"]].quad == items[TEXTS["murder"]].quad == "neutral"
    assert items[TEXTS["flood"]].source == "archive_calm"
    # A disaster story naming the army may be about a war: no weak label either way.
    assert TEXTS["rescue"] not in items
    assert TEXTS["market"] not in items  # neither topic nor event


def test_conflict_needs_an_event_pattern_that_is_not_negated() -> None:
    items = {item.text: item for item in weak_labels(TEXTS, exclude=set())}
    assert items[TEXTS["strike"]].quad == "material_conflict"
    assert items[TEXTS["strike"]].source == "archive_conflict"
    assert TEXTS["denied"] not in items


def test_cooperation_needs_a_reported_de_escalation_and_no_escalation_at_all() -> None:
    items = {item.text: item for item in weak_labels(TEXTS, exclude=set())}
    assert items[TEXTS["truce"]].quad == "material_cooperation"
    assert items[TEXTS["truce"]].source == "archive_cooperation"
    assert items[TEXTS["talks"]].quad == "verbal_cooperation"
    assert items[TEXTS["truce_broken"]].quad == "material_conflict"  # the strikes win
    assert TEXTS["no_talks"] not in items  # denied: nothing happened
    assert TEXTS["maybe_talks"] not in items  # not yet


def test_annotated_items_and_their_copies_stay_out_of_training() -> None:
    kept = {item.text for item in weak_labels(TEXTS, exclude={"held"})}
    assert TEXTS["held"] not in kept
    assert TEXTS["copy"] not in kept  # the same story, other case and punctuation
    assert TEXTS["copy"] in {item.text for item in weak_labels(TEXTS, exclude=set())}


def test_conflict_and_cooperation_items_give_a_copy_of_their_headline() -> None:
    texts = {
        "strike": f"Israeli airstrikes hit Gaza City. {TEXTS['strike']}",
        "truce": f"Truce agreed in Gaza. {TEXTS['truce']}",
        "flood": f"Floods in southern Brazil. {TEXTS['flood']}",
        "short": f"Gaza war. {TEXTS['strike']} again",
        "held": "Airstrikes on Gaza City at dawn. Dozens killed, officials say.",
        "same_story": "Israeli airstrikes on Gaza City at dawn. Another outlet's summary of it.",
    }
    headlines = {"strike": "Israeli airstrikes hit Gaza City", "truce": "Truce agreed in Gaza",
                 "flood": "Floods in southern Brazil", "short": "Gaza war",
                 "held": "Airstrikes on Gaza City at dawn",
                 "same_story": "Airstrikes on Gaza City, at dawn!"}
    items = weak_labels(texts, exclude={"held"}, headlines=headlines)
    copies = {item.text: item for item in items if item.source.endswith("_headline")}
    assert copies["Israeli airstrikes hit Gaza City"].quad == "material_conflict"
    assert copies["Israeli airstrikes hit Gaza City"].source == "archive_conflict_headline"
    assert copies["Truce agreed in Gaza"].quad == "material_cooperation"
    assert copies["Truce agreed in Gaza"].source == "archive_cooperation_headline"
    assert "Floods in southern Brazil" not in copies  # calm items get no copy
    assert "Gaza war" not in copies  # too short to carry a label
    # The held-out item's headline, written another way by another outlet, stays out; its
    # full text is a story of its own and stays in.
    assert "Airstrikes on Gaza City, at dawn!" not in copies
    assert texts["same_story"] in {item.text for item in items}
    assert len(copies) == 2
    # Without headlines, no copies: the items are the same as before.
    assert [i for i in items if not i.source.endswith("_headline")] == weak_labels(
        texts, exclude={"held"})


def test_annotated_ids_read_both_annotation_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    signals, topics = tmp_path / "signals.jsonl", tmp_path / "topics.jsonl"
    signals.write_text('{"id": "a", "batch": "x", "signals": []}\n\n')
    topics.write_text('{"id": "b", "topic": "crime"}\n')
    monkeypatch.setattr(unrelated_news, "ANNOTATIONS", signals)
    monkeypatch.setattr(unrelated_news, "UNRELATED_SAMPLE", topics)
    assert annotated_ids() == {"a", "b"}
    monkeypatch.setattr(unrelated_news, "UNRELATED_SAMPLE", tmp_path / "absent.jsonl")
    assert annotated_ids() == {"a"}


def _archive(data_dir: Path, titles: list[str]) -> Path:
    path = data_dir / ARCHIVE
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps({"link": f"https://news.example/{n}", "title": title})
                            + "\n" for n, title in enumerate(titles)))
    return path


def _annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ids: list[str]) -> None:
    signals = tmp_path / "signals_sample.jsonl"
    signals.write_text("".join(json.dumps({"id": i, "signals": []}) + "\n" for i in ids))
    monkeypatch.setattr(unrelated_news, "ANNOTATIONS", signals)
    monkeypatch.setattr(unrelated_news, "UNRELATED_SAMPLE", tmp_path / "absent.jsonl")


def test_the_archive_weak_labels_leave_out_annotated_items_and_say_what_they_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _archive(tmp_path, [TEXTS["flood"], TEXTS["strike"], TEXTS["market"], TEXTS["held"],
                               TEXTS["copy"]])
    _annotations(tmp_path, monkeypatch, [archive_id("https://news.example/3")])  # "held"
    items, card = archive_weak_labels(tmp_path)
    assert sorted(item.text for item in items) == sorted([TEXTS["flood"], TEXTS["strike"]])
    assert card["archive_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (card["calm"], card["conflict"], card["held_out_ids"]) == (1, 1, 1)
    assert stale_held_out({"weak_labels": card}) is None


def test_no_weak_labels_without_the_archive_or_the_annotation_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items, card = archive_weak_labels(tmp_path)
    assert items == [] and "absent" in str(card["archive"])
    _archive(tmp_path, [TEXTS["flood"]])
    _annotations(tmp_path, monkeypatch, [])
    items, card = archive_weak_labels(tmp_path)  # nothing to leave out: not a silent leak
    assert items == [] and "absent" in str(card["annotations"])
    assert stale_held_out({"weak_labels": card}) is None  # trained without: nothing seen


def test_items_annotated_after_training_make_the_held_out_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _archive(tmp_path, [TEXTS["flood"], TEXTS["murder"]])
    _annotations(tmp_path, monkeypatch, ["a"])
    _, card = archive_weak_labels(tmp_path)
    _annotations(tmp_path, monkeypatch, ["a", archive_id("https://news.example/1")])
    reason = stale_held_out({"weak_labels": card})
    assert reason is not None and "rebuild the model" in reason


def test_a_topic_outside_the_list_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sample.jsonl"
    path.write_text('{"id": "a", "topic": "crime"}\n{"id": "b", "topic": "sport"}\n')
    with pytest.raises(ValueError, match=r"sample.jsonl:2: topic 'sport'"):
        read_sample(path)


def test_the_draw_is_reproducible_and_puts_disaster_words_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ANNOTATIONS", "UNRELATED_SAMPLE"):
        monkeypatch.setattr(unrelated_news, name, tmp_path / f"{name}.jsonl")
    titles = [f"Floods and police in town {n}" for n in range(6)]
    titles += [f"Police arrest suspect number {n}" for n in range(6)]
    titles += ["Cricket final washed out", "Floods and police in town 0"]  # no word; a copy
    _archive(tmp_path, titles)
    sizes = {"disaster_words": 3, "crime_words": 4}
    first = draw(tmp_path, seed=1, sizes=sizes)
    assert first == draw(tmp_path, seed=1, sizes=sizes)
    strata = {item["stratum"]: 0 for item in first}
    for item in first:
        strata[item["stratum"]] += 1
        assert item["text"].startswith("Floods" if item["stratum"] == "disaster_words"
                                       else "Police")
    assert strata == {"disaster_words": 3, "crime_words": 4}
    excluded = frozenset(item["id"] for item in first)
    again = draw(tmp_path, seed=1, sizes={"disaster_words": 10, "crime_words": 10},
                 exclude=excluded)
    assert not {item["id"] for item in again} & excluded
    assert len(again) == 12 - 7  # the cricket item and the copy are never drawn


def test_the_measurement_counts_each_measured_topic_of_the_sample(
    shared_data_dir: Path, scorer: Scorer
) -> None:
    texts = read_archive(shared_data_dir)
    sample = {item_id: topic for item_id, topic in read_sample().items() if item_id in texts}
    figures = unrelated_share(scorer, shared_data_dir)
    for topic in MEASURED_TOPICS:
        row = figures[topic]
        assert isinstance(row, dict)
        ids = [item_id for item_id, value in sample.items() if value == topic]
        assert row["items"] == len(ids) > 50
        scores = scorer.score([TextItem(id=item_id, text=texts[item_id]) for item_id in ids])
        assert row["above_threshold"] == sum(score.escalation >= 0.5 for score in scores)
        assert row["share_above_threshold"] == round(row["above_threshold"] / len(ids), 4)


def test_the_shipped_model_never_trained_on_an_annotated_item(
    shared_data_dir: Path, scorer: Scorer
) -> None:
    assert stale_held_out(scorer.card) is None  # rebuilt after the last annotations
    texts, headlines = read_archive_and_headlines(shared_data_dir)
    items = weak_labels(texts, annotated_ids(), headlines)
    weak = {dedup_key(item.text) for item in items}
    annotated = {dedup_key(view[item_id]) for item_id in annotated_ids()
                 for view in (texts, headlines) if item_id in view}
    assert len(weak) > 2000 and len(annotated) > 2500
    assert sum(item.source.endswith("_headline") for item in items) > 1000
    assert not weak & annotated  # neither an annotated text nor its headline
