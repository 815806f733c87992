"""The tools behind the signal figures: drawing annotation batches and refreshing the card."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from classifiers import model_card, unrelated_news
from classifiers.annotation_batches import STRATA, draw
from classifiers.artifacts import card_path, default_model_path, load_model
from classifiers.build_default import StaleHeldOut, refresh_card
from classifiers.model_card import ANNOTATIONS


def test_draw_is_reproducible_and_never_repeats_annotated_or_excluded_items(
    shared_data_dir: Path,
) -> None:
    annotated = {json.loads(line)["id"] for line in ANNOTATIONS.read_text().splitlines() if line}
    # The conflict strata of the archive are used up (round 12): drawn from the ones left.
    sizes = {"hard_negative_words": 200, "other": 120}
    first = draw(shared_data_dir, seed=11, strata=sizes)
    assert first == draw(shared_data_dir, seed=11, strata=sizes)
    assert len(first) == sum(sizes.values())
    ids = [item["id"] for item in first]
    assert len(set(ids)) == len(ids) and not set(ids) & annotated
    excluded = frozenset(ids[:50])
    again = draw(shared_data_dir, seed=11, exclude=excluded, strata=sizes)
    assert not {item["id"] for item in again} & excluded


def test_refresh_card_rewrites_figures_but_not_the_model(
    shared_data_dir: Path, tmp_path: Path
) -> None:
    model = tmp_path / default_model_path().name
    shutil.copy(default_model_path(), model)
    shipped_card = json.loads(card_path(default_model_path()).read_text())
    stale = {**shipped_card, "signal_sample": {}, "capture_sample": {}, "agnews_sample": {},
             "unrelated_news": {}, "dev_metrics": {},
             "performance": ["stale"]}
    card_path(model).write_text(json.dumps(stale))
    refresh_card(model, shared_data_dir)
    card = json.loads(card_path(model).read_text())
    assert card["sha256"] == shipped_card["sha256"] and card["version"] == shipped_card["version"]
    assert card["signal_sample"]["heldout"]["items"] > 200
    assert card["performance"] != ["stale"]
    # The held-out news figures are measured again on the split the model never saw: the same
    # figures the build recorded.
    assert card["dev_metrics"] == shipped_card["dev_metrics"]
    low, high = card["dev_metrics"]["conflibert"]["escalation_f1_95"]
    assert low < card["dev_metrics"]["conflibert"]["escalation_f1"] < high
    assert card["unrelated_news"]["crime"]["items"] > 50
    assert card["capture_sample"]["items"] == 315
    # Every AG batch has been read by a pattern writer (round 12): tuning only, so the pool
    # holds the archive's held-out batch and the captures.
    assert "heldout" not in card["agnews_sample"]
    assert card["agnews_sample"]["tuning"]["items"] >= 783
    # The held-out samples pooled: counts added up, never a tuning batch.
    pooled = card["heldout_pooled"]
    assert pooled["items"] == card["signal_sample"]["heldout"]["items"] + 315
    airstrike = pooled["per_signal"]["airstrike"]
    assert airstrike["support"] == sum(
        block["per_signal"]["airstrike"]["support"]
        for block in (card["signal_sample"]["heldout"], card["capture_sample"]))
    low, high = airstrike["recall_95"]
    assert low < airstrike["recall"] < high
    text = (tmp_path / "MODEL_CARD.md").read_text()
    assert "## Signals on our annotated archive sample" in text
    assert "## Disaster and crime news (our annotated topic sample)" in text
    assert "## Signals on fresh 2026 news (the feed captures)" in text
    assert "## Signals on news of other wars (AG News World, 2004)" in text
    assert "## Signals on all held-out news, pooled" in text
    assert load_model(model).sha256 == shipped_card["sha256"]  # still loads, hash still pinned


def test_draw_within_a_pool_and_from_chosen_strata_only(shared_data_dir: Path) -> None:
    pool = frozenset(item["id"] for item in draw(
        shared_data_dir, seed=5, strata={"hard_negative_words": 60, "other": 30}))
    sizes = {"hard_negative_words": 20, "other": 5}
    chosen = draw(shared_data_dir, seed=3, within=pool, strata=sizes)
    assert {item["id"] for item in chosen} <= pool
    assert {item["stratum"] for item in chosen} == {"hard_negative_words", "other"}
    assert sum(item["stratum"] == "hard_negative_words" for item in chosen) == 20
    assert chosen == draw(shared_data_dir, seed=3, within=pool, strata=sizes)
    # A stratum with fewer items left than asked gives what it has.
    few = draw(shared_data_dir, seed=3, strata={"shelling_words": 10_000})
    assert 0 < len(few) < 10_000


def test_draw_can_require_a_later_stratum_s_words(shared_data_dir: Path) -> None:
    # Border-word items are filed before air words are looked at; with `require` only the ones
    # that also carry an air or fighting word are drawn.
    words = {name: re.compile(pattern) for name, _, pattern, _ in STRATA}
    # (Rounds 11-16 labelled most of them: 28 are left.)
    chosen = draw(shared_data_dir, seed=4, strata={"border_words": 20},
                  require=("air_words", "fighting_words"))
    assert len(chosen) == 20 and {item["stratum"] for item in chosen} == {"border_words"}
    assert all(words["air_words"].search(item["text"].lower())
               or words["fighting_words"].search(item["text"].lower()) for item in chosen)
    unrestricted = draw(shared_data_dir, seed=4, strata={"border_words": 40})
    assert not all(words["air_words"].search(item["text"].lower())
                   or words["fighting_words"].search(item["text"].lower())
                   for item in unrestricted)


def test_each_heldout_batch_is_also_reported_alone(
    shared_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two held-out batches: the real one, its second half renamed.
    lines = [json.loads(line) for line in ANNOTATIONS.read_text().splitlines() if line]
    heldout = [line for line in lines if line["batch"].startswith("heldout")]
    for line in heldout[len(heldout) // 2 :]:
        line["batch"] = "heldout_second"
    annotations = tmp_path / "signals_sample.jsonl"
    annotations.write_text("".join(json.dumps(line) + "\n" for line in lines))
    monkeypatch.setattr(model_card, "ANNOTATIONS", annotations)
    model = tmp_path / default_model_path().name
    shutil.copy(default_model_path(), model)
    shutil.copy(card_path(default_model_path()), card_path(model))
    refresh_card(model, shared_data_dir)
    sample = json.loads(card_path(model).read_text())["signal_sample"]
    names = sorted({line["batch"] for line in heldout})
    assert len(names) == 2
    assert sample["heldout"]["items"] == len(heldout)
    text = (tmp_path / "MODEL_CARD.md").read_text()
    for name in names:
        items = sum(line["batch"] == name for line in heldout)
        assert sample[name]["items"] == items
        assert f"### {name} ({items} items)" in text


def test_the_command_takes_several_exclusion_lists(shared_data_dir: Path, tmp_path: Path) -> None:
    from classifiers.annotation_batches import main

    first = [item["id"] for item in draw(shared_data_dir, seed=21)]
    lists = [tmp_path / "a.txt", tmp_path / "b.txt"]
    lists[0].write_text("\n".join(first[:10]))
    lists[1].write_text("\n".join(first[10:20]))
    out = tmp_path / "batch.jsonl"
    argv = ["--data", str(shared_data_dir), "--seed", "21", "--out", str(out),
            "--exclude", str(lists[0]), "--exclude", str(lists[1]), "--strata", "other=5"]
    assert main(argv) == 0
    drawn = {json.loads(line)["id"] for line in out.read_text().splitlines()}
    assert len(drawn) == 5 and not drawn & set(first[:20])


def test_refresh_card_refuses_once_items_were_annotated_after_training(
    shared_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new batch may hold archive items the model trained on (weak labels): measuring it needs
    # a rebuild, not a refreshed card.
    grown = tmp_path / "signals_sample.jsonl"
    grown.write_text(ANNOTATIONS.read_text() + '{"id": "0000000000000000", "signals": []}\n')
    monkeypatch.setattr(unrelated_news, "ANNOTATIONS", grown)
    model = tmp_path / default_model_path().name
    shutil.copy(default_model_path(), model)
    shutil.copy(card_path(default_model_path()), card_path(model))
    with pytest.raises(StaleHeldOut, match="rebuild the model"):
        refresh_card(model, shared_data_dir)
    assert card_path(model).read_text() == card_path(default_model_path()).read_text()


def test_the_command_refuses_an_unknown_required_stratum(
    shared_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from classifiers.annotation_batches import main

    out = tmp_path / "batch.jsonl"
    with pytest.raises(SystemExit):
        main(["--data", str(shared_data_dir), "--seed", "1", "--out", str(out),
              "--require", "air_words,tank_words"])
    assert "tank_words" in capsys.readouterr().err and not out.exists()
    assert main(["--data", str(shared_data_dir), "--seed", "1", "--out", str(out),
                 "--require", "air_words", "--strata", "air_words=3"]) == 0
    assert len(out.read_text().splitlines()) == 3
