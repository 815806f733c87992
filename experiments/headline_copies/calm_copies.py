"""The calm items' headline copies too, measured where the CV cannot (its held-out calm items'
headlines would be in training): the annotated disaster and crime sample, the unrelated AG
items of the dev quarter, the bare headlines and the de-escalation-only items.

Usage (repository root): .venv/bin/python experiments/headline_copies/calm_copies.py
"""
import sys
from pathlib import Path
sys.path.insert(0, "experiments/headline_copies")
from cv import headlines  # noqa: E402
from classifiers.datasets import LabelledText, load_corpora
from classifiers.scoring import Scorer
from classifiers.training import fit_design, split_news_dev, share_above_alert_threshold
from classifiers.weak_labels import archive_weak_labels
from classifiers.unrelated_news import unrelated_share
from classifiers.headline_news import headline_share
from classifiers.deescalation_news import deescalation_share
DATA = Path("../shared/data")
training, dev = split_news_dev(load_corpora(DATA), seed=0)
weak = archive_weak_labels(DATA)[0]
by_text, full, title = headlines()
calm = [LabelledText(by_text[i.text], i.quad, (), "archive_calm_headline") for i in weak
        if i.source == "archive_calm" and i.text in by_text and by_text[i.text] != i.text
        and len(by_text[i.text].split()) >= 4]
for name, extra in (("shipped", []), ("with calm copies", calm)):
    p = fit_design("tfidf_word_svm_news_adapted", training + weak + extra, seed=0)
    s = Scorer(pipeline=p, version="x")
    ag = share_above_alert_threshold(s.quad_probabilities([i.text for i in dev["ag_calm"]]))
    print(name, len(extra), "unrelated", unrelated_share(s, DATA), "ag", round(ag * len(dev["ag_calm"])),
          "headlines", headline_share(s, DATA), "deesc", deescalation_share(s, DATA))
