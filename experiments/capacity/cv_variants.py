"""Throwaway CV of design variants (session 8), run from the repository root:
    .venv/bin/python experiments/capacity/cv_variants.py base|ngram13|rawmlp64 [FOLD SEEDS...]
"""
import json, sys, time
import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from classifiers import designs, cross_validate as cvmod
from classifiers.datasets import load_corpora
from classifiers.training import split_news_dev
from classifiers.weak_labels import archive_weak_labels
from pathlib import Path

variant = sys.argv[1]
seeds = [int(s) for s in sys.argv[2:]] or [0]
params = {}
design = "tfidf_word_svm_news_adapted"
if variant == "ngram13":
    params = {"features__word__ngram_range": (1, 3), "features__word__max_features": 150_000}
elif variant.startswith("rawmlp"):
    hidden = int(variant[6:] or 64)
    def rawmlp(seed):
        features = FeatureUnion([("word", designs.word_features(80_000))])
        model = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=1e-4, batch_size=256,
                              learning_rate_init=2e-3, max_iter=10, random_state=seed)
        model.estimator = None  # fit_design looks for a wrapped estimator
        return Pipeline([("features", features), ("classifier", model)])
    designs.DESIGNS["rawmlp"] = rawmlp
    design = "rawmlp"
training, _ = split_news_dev(load_corpora(Path("/work/shared/data")), seed=0)
training += archive_weak_labels(Path("/work/shared/data"))[0]
t = time.time()
res = cvmod.cross_validate(training, design=design, seeds=seeds, params=params)
res["variant"] = variant; res["seconds"] = round(time.time() - t)
res["params"] = {k: str(v) for k, v in res["params"].items()}
print(json.dumps(res), flush=True)
