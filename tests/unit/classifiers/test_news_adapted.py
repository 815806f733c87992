"""The news-adapted design (feature augmentation folded into one linear SVM) and the
cross-validation protocol that chose it."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from classifiers.artifacts import load_model, save_model
from classifiers.cross_validate import FOLDS, cross_validate, folds, main, parse_assignment
from classifiers.datasets import LabelledText
from classifiers.designs import DESIGNS, NewsAdaptedSVC, plain_linear_svm
from classifiers.training import fit_design
from classifiers.vocabulary import QUAD_CLASSES

_WORDS = {
    "neutral": "weather market festival museum",
    "verbal_cooperation": "praised welcomed offered invited",
    "material_cooperation": "aid delivered released signed",
    "verbal_conflict": "accused threatened condemned warned",
    "material_conflict": "shelled attacked stormed bombed",
}


def _corpus(seed: int = 0) -> list[LabelledText]:
    """News and UN rows whose class shows in their words, and calm archive items."""
    rng = random.Random(seed)
    filler = ["the", "of", "in", "a", "on"]
    items = []
    for quad, words in _WORDS.items():
        for source in ("conflibert", "un"):
            for _ in range(30):
                picked = rng.sample(words.split(), 2) + rng.sample(filler, 2)
                items.append(LabelledText(" ".join(picked), quad, (), source))
    for _ in range(25):
        items.append(LabelledText(f"flood {rng.choice(['rain', 'storm'])} town", "neutral", (),
                                  "archive_calm"))
    return items


def _matrix(seed: int = 1) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = sp.random(120, 30, density=0.2, format="csr", random_state=seed)
    y = np.array(["a", "b", "c"])[rng.integers(0, 3, 120)]
    return x, y, rng.random(120) < 0.5


def test_the_folded_model_scores_news_as_the_augmented_model_would() -> None:
    x, y, news = _matrix()
    adapted = NewsAdaptedSVC(C=0.5, domain_scale=2.0, random_state=0).fit(x, y, in_domain=news)
    augmented = sp.hstack([x, sp.diags(news * 2.0) @ x], format="csr")
    reference = LinearSVC(C=0.5, class_weight="balanced", random_state=0).fit(augmented, y)
    as_news = sp.hstack([x, 2.0 * x], format="csr")
    assert np.allclose(adapted.decision_function(x), reference.decision_function(as_news))
    assert adapted.svc_.coef_.shape == (3, 30)


@pytest.mark.parametrize("in_domain", [None, np.zeros(120, bool), np.ones(120, bool)])
def test_with_one_register_only_it_is_a_plain_linear_svm(in_domain: np.ndarray | None) -> None:
    # All rows in the news register (operator labels alone) must not halve the penalty.
    x, y, _ = _matrix()
    adapted = NewsAdaptedSVC(C=0.5, random_state=0).fit(x, y, in_domain=in_domain)
    plain = LinearSVC(C=0.5, class_weight="balanced", random_state=0).fit(x, y)
    assert np.allclose(adapted.decision_function(x), plain.decision_function(x), atol=1e-6)


def test_saving_swaps_in_the_folded_svm_without_changing_a_probability(tmp_path: Path) -> None:
    corpus = _corpus()
    pipeline = DESIGNS["tfidf_word_svm_news_adapted"](0)
    pipeline.fit([item.text for item in corpus], [item.quad for item in corpus],
                 classifier__in_domain=np.array([item.source != "un" for item in corpus]))
    texts = ["troops shelled and bombed the town", "aid delivered in the city", "weather"]
    before = pipeline.predict_proba(texts)
    plain_linear_svm(pipeline)
    classifier = pipeline.named_steps["classifier"]
    assert type(classifier.calibrated_classifiers_[0].estimator) is LinearSVC
    assert type(classifier.estimator) is LinearSVC
    assert np.array_equal(pipeline.predict_proba(texts), before)
    path, _ = save_model(pipeline, tmp_path, version="adapted", card={})
    reloaded = load_model(path).pipeline  # refused if an untrusted type were saved
    assert np.array_equal(reloaded.predict_proba(texts), before)


def test_the_news_rows_decide_what_a_word_means_in_news() -> None:
    # "arrested" is material conflict in 60 UN rows and calm in 15 news rows (CAMEO against a
    # police story). The plain SVM follows the many UN rows; the news copy lets the news rows
    # pull "arrested" back for the news the service scores. Without the domain routed to the
    # estimator the two models would be the same.
    corpus = _corpus()
    places = ["town", "city", "port", "village", "capital"]
    corpus += [LabelledText(f"arrested in the {places[i % 5]} today", "material_conflict", (),
                            "un") for i in range(60)]
    corpus += [LabelledText(f"arrested a {places[i % 5]} man", "neutral", (), "conflibert")
               for i in range(15)]
    text = ["police arrested two men in the port"]
    adapted = fit_design("tfidf_word_svm_news_adapted", corpus, seed=0)
    plain = fit_design("tfidf_word_svm", corpus, seed=0)
    column = list(plain.classes_).index("material_conflict")
    assert adapted.predict_proba(text)[0, column] < plain.predict_proba(text)[0, column] - 0.1


def test_folds_hold_out_every_news_and_calm_item_once() -> None:
    corpus = _corpus()
    seen_news: list[str] = []
    seen_calm: list[int] = []
    for fit, news, calm in folds(corpus, seed=4):
        assert not {id(item) for item in fit} & {id(item) for item in news + calm}
        assert all(item.source != "un" for item in news + calm)
        seen_news += [item.text for item in news]
        seen_calm += [id(item) for item in calm]
    conflibert = [item for item in corpus if item.source == "conflibert"]
    assert sorted(seen_news) == sorted(item.text for item in conflibert)
    assert sorted(seen_calm) == sorted(id(item) for item in corpus
                                       if item.source == "archive_calm")
    # Stratified: every held-out fold has every class.
    first_news = next(iter(folds(corpus, seed=4)))[1]
    assert {item.quad for item in first_news} == set(QUAD_CLASSES)
    assert len(conflibert) // FOLDS == len(first_news)


def test_cross_validation_reports_means_and_each_seed() -> None:
    result = cross_validate(_corpus(), design="tfidf_word_svm", seeds=[0, 1],
                            weights={"un": 0.5})
    assert result["weights"] == {"un": 0.5} and result["seeds"] == [0, 1]
    by_seed = result["escalation_f1_by_seed"]
    assert isinstance(by_seed, list) and len(by_seed) == 2
    assert result["escalation_f1"] == pytest.approx(np.mean(by_seed), abs=1e-3)
    assert float(str(result["escalation_f1"])) > 0.9  # the classes are separable
    assert result["calm_share_above_threshold"] == 0.0


def test_command_line_settings_keep_ints_and_refuse_nonsense() -> None:
    assert parse_assignment("features__word__min_df=1") == ("features__word__min_df", 1)
    assert isinstance(parse_assignment("features__word__min_df=1")[1], int)  # a count, not 100%
    assert parse_assignment("un=0.3") == ("un", 0.3)
    for bad in ("un", "un=", "un=abc", "=2", "un=True", "un=[1]"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_assignment(bad)


def test_a_weight_for_a_source_with_no_rows_is_refused(
    shared_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--data", str(shared_data_dir), "--weight", "conflibret=20"])
    assert stopped.value.code == 2
    assert "no training rows come from conflibret" in capsys.readouterr().err
