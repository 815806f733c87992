"""Signals on news of other wars: reading AG News World rows and measuring our labels on them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from classifiers import agnews_sample
from classifiers.agnews_sample import agnews_signal_metrics, read_ag_world
from classifiers.annotation_batches import draw
from classifiers.datasets import AG_NEWS_TEST, dedup_key, load_corpora
from classifiers.scoring import Scorer
from classifiers.training import split_news_dev


@pytest.fixture()
def ag_news(tmp_path: Path) -> Path:
    path = tmp_path / "corpora" / AG_NEWS_TEST
    path.parent.mkdir(parents=True)
    rows = [
        ("1", "US jets pound Falluja", "Warplanes struck rebel positions overnight, killing 20."),
        ("2", "Red Sox win", "Boston beat New York 4-2."),
        # A calm disaster: the model trains on it as neutral, so it is not ours to measure.
        ("1", "Floods kill 90 in Bangladesh", "Monsoon rains swept away villages."),
        ("1", "Troops clash with militia in Najaf",
         "Fighting raged near the shrine \\ &quot;We hold the city&quot;, a commander said."),
        ("1", "US jets pound Falluja!", "Warplanes struck rebel positions overnight, killing 20."),
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return tmp_path


def _labels(path: Path, labels: dict[str, tuple[str, list[str]]]) -> Path:
    path.write_text("".join(json.dumps({"id": item_id, "batch": batch, "signals": signals})
                            + "\n" for item_id, (batch, signals) in labels.items()))
    return path


def test_world_rows_the_model_never_saw_are_read_by_row_number(ag_news: Path) -> None:
    assert read_ag_world(ag_news) == {
        "agnews-test-1": "US jets pound Falluja. Warplanes struck rebel positions overnight, "
                         "killing 20.",
        "agnews-test-4": 'Troops clash with militia in Najaf. Fighting raged near the shrine "We '
                         'hold the city", a commander said.',
    }  # sport, the calm disaster and the repeated story (same words) are not there


def test_labels_are_measured_by_part(
    ag_news: Path, scorer: Scorer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = {"agnews-test-1": ("heldout_x", ["airstrike", "casualties"]),
              "agnews-test-4": ("tuning_x", ["armed_clash"])}
    monkeypatch.setattr(agnews_sample, "AGNEWS_ANNOTATIONS",
                        _labels(tmp_path / "labels.jsonl", labels))
    metrics = agnews_signal_metrics(scorer, ag_news)
    assert set(metrics) == {"heldout", "tuning"}
    heldout, tuning = metrics["heldout"], metrics["tuning"]
    assert isinstance(heldout, dict) and isinstance(tuning, dict)
    assert heldout["items"] == 1 and tuning["items"] == 1
    assert heldout["per_signal"]["airstrike"]["recall"] == 1.0
    assert "armed_clash" not in heldout["per_signal"]
    assert tuning["per_signal"]["armed_clash"]["support"] == 1


def test_a_labelled_row_that_is_not_an_unseen_world_row_is_an_error(
    ag_news: Path, scorer: Scorer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = {"agnews-test-1": ("heldout_x", ["airstrike"]), "agnews-test-3": ("heldout_x", [])}
    monkeypatch.setattr(agnews_sample, "AGNEWS_ANNOTATIONS",
                        _labels(tmp_path / "labels.jsonl", labels))
    with pytest.raises(ValueError, match="1 labelled items are not in"):
        agnews_signal_metrics(scorer, ag_news)


def test_nothing_is_measured_without_ag_news(scorer: Scorer, tmp_path: Path) -> None:
    assert agnews_signal_metrics(scorer, tmp_path) == {}


def test_batches_are_drawn_from_unlabelled_world_rows(shared_data_dir: Path) -> None:
    world = read_ag_world(shared_data_dir)
    labelled = {json.loads(line)["id"]
                for line in agnews_sample.AGNEWS_ANNOTATIONS.read_text().splitlines()}
    batch = draw(shared_data_dir, seed=3, source="agnews")
    assert batch == draw(shared_data_dir, seed=3, source="agnews")
    ids = {item["id"] for item in batch}
    # Our two batches took every shelling, fighting and air-word row: the rest is drawn.
    assert len(ids) == len(batch) > 100 and ids <= set(world) and not ids & labelled
    with pytest.raises(ValueError, match="unknown source"):
        draw(shared_data_dir, seed=3, source="agnewz")


def test_our_labels_are_on_rows_the_model_never_trained_on(shared_data_dir: Path) -> None:
    labelled = [json.loads(line)["id"]
                for line in agnews_sample.AGNEWS_ANNOTATIONS.read_text().splitlines()]
    world = read_ag_world(shared_data_dir)
    assert len(labelled) == len(set(labelled)) >= 600 and set(labelled) <= set(world)
    training, _ = split_news_dev(load_corpora(shared_data_dir), seed=0)
    trained_on = {dedup_key(item.text) for item in training}
    assert not {dedup_key(world[item_id]) for item_id in labelled} & trained_on
