"""Candidate model designs. Each returns an unfitted scikit-learn Pipeline with two steps,
`features` (text -> sparse matrix) and `classifier` (calibrated, `predict_proba` over QuadClass).

Calibration: CalibratedClassifierCV with `ensemble=False` fits one linear model on all the
training data and learns the sigmoid maps from cross-validated predictions, so the artifact
holds a single coefficient matrix (small, and one matrix is what explanations read). The
shipped design then sharpens the probabilities by one temperature (SHARPEN_TEMPERATURE).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from classifiers.word_preprocessing import WORD_TOKEN_PATTERN, preprocess


def word_features(max_features: int) -> TfidfVectorizer:
    # The preprocessor lower-cases and strips accents (what lowercase=True and
    # strip_accents="unicode" would do, and scikit-learn skips them when it has one) and marks
    # negation scopes. The two settings stay as they were so a reader sees what happens.
    return TfidfVectorizer(
        preprocessor=preprocess,
        lowercase=True,
        strip_accents="unicode",
        token_pattern=WORD_TOKEN_PATTERN,
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.5,
        max_features=max_features,
        sublinear_tf=True,
    )


def char_features(max_features: int) -> TfidfVectorizer:
    # Character n-grams inside word boundaries catch inflections ("shelled", "shelling").
    return TfidfVectorizer(
        lowercase=True,
        strip_accents="unicode",
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=3,
        max_features=max_features,
        sublinear_tf=True,
    )


def sharpen(proba: np.ndarray, temperature: float) -> np.ndarray:
    """Rows of class probabilities raised to 1/temperature and renormalised: below 1 moves
    them away from the middle; the class ranking never changes."""
    if temperature == 1.0:
        return proba
    logs = np.log(np.clip(proba, 1e-12, 1.0)) / temperature
    scaled = np.exp(logs - logs.max(axis=1, keepdims=True))
    return np.asarray(scaled / scaled.sum(axis=1, keepdims=True))


# The five per-class sigmoid maps are normalised to sum to 1, which squeezes every probability
# towards the middle: on held-out news, items scored 0.8-0.9 were escalation 100% of the time
# and items scored 0.1-0.2 0.5% (the card's reliability table, model 2026.12.1). One temperature
# fitted by log-loss on out-of-fold predictions of the training part (classifiers.cross_validate's
# folds; 0.508, 0.524 and 0.519 for fold seeds 0-2, experiments/calibration_sharpening/), never
# on the dev split, undoes it.
SHARPEN_TEMPERATURE = 0.52


class SharpenedCalibratedClassifierCV(CalibratedClassifierCV):  # type: ignore[misc]
    """CalibratedClassifierCV whose probabilities are sharpened by `temperature` (see
    SHARPEN_TEMPERATURE). `calibrated_proba` gives them before sharpening: the signal
    patterns' floors were tuned on those (classifiers/signals.py)."""

    _parameter_constraints: ClassVar[dict[str, list[object]]] = {
        **CalibratedClassifierCV._parameter_constraints, "temperature": [float]}

    def __init__(self, estimator: object = None, *, method: str = "sigmoid",
                 cv: object = None, n_jobs: int | None = None, ensemble: object = "auto",
                 temperature: float = 1.0) -> None:
        super().__init__(estimator, method=method, cv=cv, n_jobs=n_jobs, ensemble=ensemble)
        self.temperature = temperature

    def calibrated_proba(self, X: object) -> np.ndarray:
        return np.asarray(super().predict_proba(X))

    def predict_proba(self, X: object) -> np.ndarray:
        return sharpen(self.calibrated_proba(X), self.temperature)


def _calibrated(estimator: object, seed: int,
                temperature: float = 1.0) -> CalibratedClassifierCV:
    del seed  # the stratified folds are deterministic; kept for a uniform signature
    if temperature == 1.0:
        return CalibratedClassifierCV(estimator, method="sigmoid", cv=5, ensemble=False)
    return SharpenedCalibratedClassifierCV(estimator, method="sigmoid", cv=5, ensemble=False,
                                           temperature=temperature)


def _logreg(seed: int) -> LogisticRegression:
    # tol 1e-3 / C 4: converges in seconds; tighter settings changed dev F1 by < 0.01.
    return LogisticRegression(
        C=4.0, max_iter=500, tol=1e-3, class_weight="balanced", random_state=seed
    )


# C (and training.NEWS_SAMPLE_WEIGHT) picked by 5-fold CV on the ConfliBERT training part,
# never on the dev split: see HYPERPARAMETER_SEARCH in build_default.py.
SVM_C = 0.125


def _linear_svm(seed: int, C: float = SVM_C) -> LinearSVC:
    return LinearSVC(C=C, class_weight="balanced", random_state=seed)


class NewsAdaptedSVC(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A linear SVM fitted with feature augmentation (Daume III, "Frustratingly easy domain
    adaptation", 2007): each row in the news register (`in_domain`: news sentences, headlines
    and summaries, operator labels; not the 10,000 UN sentences) gets a second, news-only copy
    of its features, scaled by `domain_scale`, so where the UN register differs (formal
    phrasing, procedure, its own conflict vocabulary) the news rows can pull their own weights
    away without dragging the shared ones. Everything the service scores is news, so the two weight
    blocks are folded into one (shared + scale x news-only): the fitted model is a plain
    LinearSVC over the original features (`svc_`), which `plain_linear_svm` puts in the
    pipeline before it is saved. Calibration (CalibratedClassifierCV) sees the folded scores.
    """

    def __init__(self, C: float = SVM_C, domain_scale: float = 1.0,
                 random_state: int = 0) -> None:
        self.C = C
        self.domain_scale = domain_scale
        self.random_state = random_state

    def fit(self, X: sp.csr_matrix, y: ArrayLike, sample_weight: ArrayLike | None = None,
            in_domain: ArrayLike | None = None) -> NewsAdaptedSVC:
        mask = np.zeros(X.shape[0]) if in_domain is None else np.asarray(in_domain, float)
        svc = _linear_svm(self.random_state, self.C)
        if mask.all() or not mask.any():
            # One register only: a copy for all rows would split the penalty over two blocks
            # (in effect C x (1 + scale^2)), a copy for none adds nothing. Plain SVM.
            svc.fit(X, y, sample_weight=sample_weight)
        else:
            augmented = sp.hstack([X, sp.diags(mask * self.domain_scale) @ X], format="csr")
            svc.fit(augmented, y, sample_weight=sample_weight)
            width = X.shape[1]
            svc.coef_ = svc.coef_[:, :width] + self.domain_scale * svc.coef_[:, width:]
            svc.n_features_in_ = width
        self.svc_ = svc
        self.classes_ = svc.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(self.svc_.decision_function(X))

    def predict(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(self.svc_.predict(X))


def plain_linear_svm(pipeline: Pipeline) -> None:
    """Replace a fitted NewsAdaptedSVC inside the calibrated classifier by the LinearSVC it
    folded into, so the saved artifact holds only the types every other design uses. The
    probabilities do not change; the pipeline then is a tfidf_word_svm pipeline in every
    respect but its sharpening temperature, so refitting it as it stands (sklearn's clone)
    would fit a plain SVM: retrain through training.fit_design."""
    classifier = pipeline.named_steps["classifier"]
    if not isinstance(classifier.estimator, NewsAdaptedSVC):
        return
    adapted = classifier.estimator
    classifier.estimator = _linear_svm(adapted.random_state, adapted.C)
    for calibrated in classifier.calibrated_classifiers_:
        calibrated.estimator = calibrated.estimator.svc_


def tfidf_word_char_svm(seed: int) -> Pipeline:
    """Word 1-2 grams + char 3-5 grams, TF-IDF, linear SVM, sigmoid-calibrated."""
    features = FeatureUnion([("word", word_features(60_000)), ("char", char_features(60_000))])
    return Pipeline([("features", features), ("classifier", _calibrated(_linear_svm(seed), seed))])


def tfidf_word_svm(seed: int) -> Pipeline:
    """Word 1-2 grams only, linear SVM, sigmoid-calibrated: fast, small, every feature readable."""
    features = FeatureUnion([("word", word_features(80_000))])
    return Pipeline([("features", features), ("classifier", _calibrated(_linear_svm(seed), seed))])


def tfidf_word_svm_news_adapted(seed: int) -> Pipeline:
    """tfidf_word_svm fitted with a news-only copy of each feature (NewsAdaptedSVC); saved as
    the same Pipeline of TfidfVectorizer and calibrated LinearSVC, its probabilities sharpened
    (SharpenedCalibratedClassifierCV)."""
    features = FeatureUnion([("word", word_features(80_000))])
    adapted = NewsAdaptedSVC(random_state=seed)
    classifier = _calibrated(adapted, seed, temperature=SHARPEN_TEMPERATURE)
    return Pipeline([("features", features), ("classifier", classifier)])


def tfidf_word_logreg(seed: int) -> Pipeline:
    """Word 1-2 grams only, multinomial logistic regression, sigmoid-calibrated."""
    features = FeatureUnion([("word", word_features(80_000))])
    return Pipeline([("features", features), ("classifier", _calibrated(_logreg(seed), seed))])


def hashing_sgd(seed: int) -> Pipeline:
    """Hashed word 1-2 grams + SGD (log loss): no vocabulary, can be updated online; but
    hashed features cannot be turned back into words for explanations."""
    hashed = Pipeline(
        [
            (
                "hash",
                HashingVectorizer(
                    lowercase=True,
                    strip_accents="unicode",
                    token_pattern=WORD_TOKEN_PATTERN,
                    ngram_range=(1, 2),
                    n_features=2**20,
                    alternate_sign=False,
                    norm=None,
                ),
            ),
            ("tfidf", TfidfTransformer(sublinear_tf=True)),
        ]
    )
    features = FeatureUnion([("hashed", hashed)])
    model = SGDClassifier(
        loss="log_loss",
        alpha=2e-5,
        max_iter=50,
        tol=1e-4,
        class_weight="balanced",
        random_state=seed,
    )
    return Pipeline([("features", features), ("classifier", _calibrated(model, seed))])


DESIGNS: dict[str, Callable[[int], Pipeline]] = {
    "tfidf_word_svm": tfidf_word_svm,
    "tfidf_word_svm_news_adapted": tfidf_word_svm_news_adapted,
    "tfidf_word_logreg": tfidf_word_logreg,
    "tfidf_word_char_svm": tfidf_word_char_svm,
    "hashing_sgd": hashing_sgd,
}
