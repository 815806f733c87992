"""Signals on fresh 2026 news: reading the feed captures and measuring our labels on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers import capture_sample
from classifiers.capture_sample import CAPTURES, capture_signal_metrics, read_captures
from classifiers.model_card import archive_id
from classifiers.scoring import Scorer


def _rss(*items: tuple[str, str, str]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{description}"
        "</description></item>"
        for link, title, description in items
    )
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"{entries}</channel></rss>")


@pytest.fixture()
def captures(tmp_path: Path) -> Path:
    folder = tmp_path / CAPTURES
    folder.mkdir(parents=True)
    strike = ("https://news.example/1", "Israeli airstrikes hit Gaza City",
              "Warplanes struck &lt;b&gt;overnight&lt;/b&gt; and killed 20.")
    market = ("https://news.example/2", "Stocks rally", "Markets rose as inflation slowed.")
    # A description that only repeats the headline is not scored twice.
    quake = ("https://news.example/3", "Quake hits Colombia", "Quake hits Colombia")
    folder.joinpath("a__20260813-0424.xml").write_text(_rss(strike, market, quake))
    # A later capture serves the first item again, with an edited headline: the first text wins.
    again = (strike[0], "Israeli airstrikes hit Gaza City (updated)", strike[2])
    folder.joinpath("a__20260813-0927.xml").write_text(_rss(again))
    return tmp_path


def _labels(path: Path, labels: dict[str, list[str]]) -> Path:
    path.write_text("".join(json.dumps({"id": archive_id(link), "batch": "heldout_x",
                                        "signals": signals}) + "\n"
                            for link, signals in labels.items()))
    return path


def test_items_are_read_once_by_link_as_title_and_description(captures: Path) -> None:
    texts = read_captures(captures)
    assert texts == {
        archive_id("https://news.example/1"):
            "Israeli airstrikes hit Gaza City. Warplanes struck overnight and killed 20.",
        archive_id("https://news.example/2"): "Stocks rally. Markets rose as inflation slowed.",
        archive_id("https://news.example/3"): "Quake hits Colombia",
    }


def test_labels_are_measured_against_the_scores(
    captures: Path, scorer: Scorer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = {"https://news.example/1": ["airstrike", "casualties"],
              "https://news.example/2": []}
    monkeypatch.setattr(capture_sample, "CAPTURE_ANNOTATIONS",
                        _labels(tmp_path / "labels.jsonl", labels))
    metrics = capture_signal_metrics(scorer, captures)
    assert metrics["items"] == 2 and metrics["with_a_signal"] == 1
    per_signal = metrics["per_signal"]
    assert isinstance(per_signal, dict)
    assert per_signal["airstrike"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0,
                                       "support": 1, "predicted": 1, "true_positives": 1}


def test_a_labelled_item_missing_from_the_captures_is_an_error(
    captures: Path, scorer: Scorer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = {"https://news.example/1": ["airstrike"], "https://news.example/gone": []}
    monkeypatch.setattr(capture_sample, "CAPTURE_ANNOTATIONS",
                        _labels(tmp_path / "labels.jsonl", labels))
    with pytest.raises(ValueError, match="1 labelled items are not in"):
        capture_signal_metrics(scorer, captures)


def test_nothing_is_measured_without_the_captures(scorer: Scorer, tmp_path: Path) -> None:
    assert capture_signal_metrics(scorer, tmp_path) == {}


def test_our_labels_cover_every_item_of_the_shared_captures(shared_data_dir: Path) -> None:
    labelled = [json.loads(line)["id"]
                for line in capture_sample.CAPTURE_ANNOTATIONS.read_text().splitlines()]
    assert sorted(labelled) == sorted(read_captures(shared_data_dir))
