"""Throwaway (session 8): the shipped design with another calibration method, by the CV of
classifiers.cross_validate, also reporting the held-out ConfliBERT escalation ECE. Run from the
repository root: .venv/bin/python experiments/capacity/cv_calibration.py sigmoid|temperature|isotonic
"""
import json, sys
from pathlib import Path
import numpy as np
from classifiers.cross_validate import folds
from classifiers.datasets import load_corpora
from classifiers.evaluation import quad_metrics
from classifiers.training import (fit_design, quad_probabilities, share_above_alert_threshold,
                                  split_news_dev)
from classifiers.weak_labels import archive_weak_labels

method = sys.argv[1]
data = Path("../shared/data")
training, _ = split_news_dev(load_corpora(data), seed=0)
training += archive_weak_labels(data)[0]
rows = []
for seed in (0, 1, 2):
    for fit, news, calm in folds(training, seed=seed):
        pipeline = fit_design("tfidf_word_svm_news_adapted", fit, seed=seed,
                              params={"classifier__method": method})
        m = quad_metrics([str(i.quad) for i in news],
                         quad_probabilities(pipeline, [i.text for i in news]))
        above = share_above_alert_threshold(quad_probabilities(pipeline, [i.text for i in calm]))
        rows.append((m["escalation_f1"], m["macro_f1"], above, m["escalation_ece"]))
mean = np.array(rows, dtype=float).mean(axis=0).round(4).tolist()
print(json.dumps({"method": method, "escalation_f1, macro_f1, calm_share, escalation_ece": mean,
                  "by_fold": rows}))
