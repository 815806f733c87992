"""Corpus readers (label orders!), operator JSONL, and a tiny end-to-end train."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.artifacts import load_model, save_model
from classifiers.evaluation import evaluate
from classifiers.scoring import Scorer, TextItem
from classifiers.training import LabelledText, load_corpora, read_labelled_jsonl, train


def test_corpus_label_orders(shared_data_dir: Path) -> None:
    corpora = load_corpora(shared_data_dir)
    by_text = {item.text: item for item in corpora.conflibert}
    # ConfliBERT: 4 is material conflict (a car bomb killed someone).
    car_bomb = next(text for text in by_text if text.startswith("In September, a car bomb"))
    assert by_text[car_bomb].quad == "material_conflict"
    # UN QuadClass: 4 is verbal cooperation (the README's corrected order), 0 irrelevant.
    un = {item.text[:30]: item.quad for item in corpora.un_quadclass}
    assert un["Colombia, Chile, Paraguay and "] == "verbal_cooperation"
    assert un["To request the secretariat to "] == "neutral"
    assert all(item.quad == "material_conflict" for item in corpora.satp_train)
    assert all(item.quad == "neutral" for item in corpora.ag_calm)
    assert all(item.quad is None for item in corpora.ag_world)
    assert all(item.quad == "neutral" for item in corpora.ag_world_calm)
    assert len(corpora.file_sha256) == 8


def test_no_text_is_in_two_corpora(shared_data_dir: Path) -> None:
    from classifiers.datasets import dedup_key

    corpora = load_corpora(shared_data_dir)
    everything = [
        *corpora.conflibert,
        *corpora.satp_train,
        *corpora.satp_dev,
        *corpora.un_quadclass,
        *corpora.un_irrelevant,
        *corpora.ag_calm,
        *corpora.ag_world,
        *corpora.ag_world_calm,
    ]
    keys = [dedup_key(item.text) for item in everything]
    assert len(keys) == len(set(keys))


def test_ag_news_entities_that_lost_their_ampersand_are_read(tmp_path: Path) -> None:
    from classifiers.datasets import clean_text, read_ag_news

    # AG News prints "Israel #39;s army" for "Israel&#39;s army" (a space where the "&" was).
    path = tmp_path / "test.csv"
    path.write_text('"1","Israel #39;s army","paid the  #36;5 billion #151; at once"\n'
                    '"2","Rank #12; of 20","Rock #146;n roll"\n')
    assert list(read_ag_news(path)) == [
        (1, "1", "Israel's army. paid the $5 billion\u2014 at once"),
        (2, "2", "Rank #12; of 20. Rock\u2019n roll"),  # below 32: no entity
    ]
    # Other sources keep such text as written: only real entities are read.
    assert clean_text("Ranked #100; overall, &lt;b&gt;Hamas&#039;s&lt;/b&gt; row #12;") == (
        "Ranked #100; overall, Hamas's row #12;")


def test_read_labelled_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(
        '{"text": "Shelling in Donetsk", "quad": "material_conflict", "signals": ["shelling"]}\n'
        "\n"
        '{"text": "Talks resume"}\n'
    )
    assert read_labelled_jsonl(path) == [
        LabelledText("Shelling in Donetsk", "material_conflict", ("shelling",)),
        LabelledText("Talks resume", None, ()),
    ]
    path.write_text('{"text": "x", "quad": "war"}\n')
    with pytest.raises(ValueError, match=r"labels.jsonl:1: unknown quad 'war'"):
        read_labelled_jsonl(path)
    path.write_text('{"text": "x", "signals": ["nuke"]}\n')
    with pytest.raises(ValueError, match="unknown signals"):
        read_labelled_jsonl(path)
    path.write_text("not json\n")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_labelled_jsonl(path)


def test_tiny_train_is_reproducible_and_round_trips(shared_data_dir: Path, tmp_path: Path) -> None:
    corpora = load_corpora(shared_data_dir)
    # A few hundred news sentences: enough for every class, quick to fit.
    extra = corpora.conflibert[:400]
    model_a, card = train(None, extra=extra, seed=3)
    model_b, _ = train(None, extra=extra, seed=3)
    held_out = corpora.conflibert[400:440]
    items = [TextItem(id=str(i), text=item.text) for i, item in enumerate(held_out)]
    scores_a = Scorer(model_a, version="a").score(items)
    scores_b = Scorer(model_b, version="a").score(items)
    assert scores_a == scores_b
    path, _ = save_model(model_a, tmp_path, version="tiny", card=card)
    reloaded = load_model(path)
    assert [s.to_json() for s in reloaded.score(items)] == [
        s.to_json() | {"model_version": "tiny"} for s in scores_a
    ]
    metrics = evaluate(reloaded, corpora.conflibert[400:440])
    assert metrics["n"] == 40


def test_operator_labels_correct_what_the_model_got_wrong(
    shared_data_dir: Path, scorer: Scorer
) -> None:
    """The operator's retraining loop: a handful of labelled articles move the scores of
    articles like them, and leave the rest alone."""

    def robbery(town: str, verb: str, shop: str) -> str:
        return f"Police in {town} {verb} three men after a raid on a {shop}; officers seized guns."

    # CAMEO codes police action as conflict, so the shipped model puts these near 0.5.
    labelled = [LabelledText(robbery(town, "detained", "jewellery shop"), "neutral", (), "operator")
                for town in ("Leeds", "Lyon", "Osaka", "Denver", "Porto", "Graz", "Tampere",
                             "Cork", "Utrecht", "Bergen")]
    alike = [TextItem(id=town, text=robbery(town, "arrested", "petrol station"))
             for town in ("Malmo", "Ghent", "Basel", "Turin", "Seville", "Krakow")]
    war = [TextItem(id="shelling", text="Russian artillery shelled Kharkiv overnight, killing "
                                        "four civilians."),
           TextItem(id="airstrike", text="Israeli airstrikes hit Gaza City as fighting raged.")]
    before = {s.id: s.escalation for s in scorer.score(alike + war)}
    assert min(before[item.id] for item in alike) > 0.35, "the mistake this test corrects"

    # archive_calm weighs 1 by default: naming it changes nothing but what the card records.
    model, card = train(shared_data_dir, extra=labelled, seed=0, weights={"archive_calm": 1.0})
    assert card["training_size"]["operator"] == len(labelled)  # type: ignore[index]
    assert card["sample_weights"]["archive_calm"] == 1.0  # type: ignore[index]
    after = {s.id: s.escalation for s in Scorer(model, version="retrained").score(alike + war)}
    assert max(after[item.id] for item in alike) < 0.2
    for item in war:
        assert after[item.id] > 0.7 and abs(after[item.id] - before[item.id]) < 0.05


def test_source_weights_can_be_set_for_a_build(shared_data_dir: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from classifiers.build_default import main

    extra = load_corpora(shared_data_dir).conflibert[:400]
    items = [TextItem(id=str(i), text=item.text) for i, item in enumerate(extra[:40])]
    shipped_weights, _ = train(None, extra=extra, seed=3)
    lighter, _ = train(None, extra=extra, seed=3, weights={"conflibert": 0.5})
    assert (Scorer(shipped_weights, version="a").score(items)
            != Scorer(lighter, version="a").score(items))
    with pytest.raises(ValueError, match="no training rows come from archive_clam"):
        train(None, extra=extra, seed=3, weights={"archive_clam": 1.5})
    # The build command: a misspelt source stops it before anything is written.
    out = tmp_path / "models"
    code = main(["--data", str(shared_data_dir), "--out", str(out), "--no-compare",
                 "--weight", "archive_clam=1.5"])
    assert code == 2 and not out.exists()
    assert "no training rows come from archive_clam" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # a refresh does not train: a weight would do nothing
        main(["--data", str(shared_data_dir), "--refresh-card", "--weight", "un=1"])


def test_a_card_built_another_way_says_its_notes_describe_the_shipped_model() -> None:
    from classifiers.build_default import setting_caveat
    from classifiers.training import DEFAULT_DESIGN, source_weights

    assert setting_caveat(DEFAULT_DESIGN, source_weights()) is None
    calmer = setting_caveat(DEFAULT_DESIGN, {**source_weights(), "archive_calm": 1.5})
    assert calmer is not None and '"archive_calm": 1.5' in calmer
    assert "quote its figures" in calmer
    other_design = setting_caveat("tfidf_word_svm", source_weights())
    assert other_design is not None and "design tfidf_word_svm and" in other_design
