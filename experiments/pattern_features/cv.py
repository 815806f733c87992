"""Does the signal patterns' evidence, appended to the word TF-IDF features, lift escalation F1?

Usage (repository root): .venv/bin/python experiments/pattern_features/cv.py SCALE SEED [SEED...]
SCALE 0 is the shipped design (a control). Same folds and metrics as classifiers.cross_validate.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import FeatureUnion

from classifiers import designs
from classifiers.cross_validate import cross_validate
from classifiers.datasets import load_corpora
from classifiers.signals import pattern_evidence
from classifiers.training import split_news_dev
from classifiers.weak_labels import archive_weak_labels

CACHE: dict[str, np.ndarray] = {}


class PatternFeatures(TransformerMixin, BaseEstimator):
    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        missing = [text for text in X if text not in CACHE]
        if missing:
            for text, row in zip(missing, pattern_evidence(missing)):
                CACHE[text] = row
        return sp.csr_matrix(np.array([CACHE[text] for text in X]) * self.scale)


def main() -> None:
    scale = float(sys.argv[1])
    seeds = [int(s) for s in sys.argv[2:]]
    original = designs.DESIGNS["tfidf_word_svm_news_adapted"]

    def with_patterns(seed):
        pipeline = original(seed)
        if scale:
            union = pipeline.named_steps["features"]
            pipeline.steps[0] = ("features", FeatureUnion(
                union.transformer_list + [("patterns", PatternFeatures(scale))]))
        return pipeline

    designs.DESIGNS["tfidf_word_svm_news_adapted"] = with_patterns
    training, _dev = split_news_dev(load_corpora(Path("../shared/data")), seed=0)
    training += archive_weak_labels(Path("../shared/data"))[0]
    started = time.time()
    result = cross_validate(training, design="tfidf_word_svm_news_adapted", seeds=seeds)
    result["pattern_scale"] = scale
    result["seconds"] = round(time.time() - started)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
