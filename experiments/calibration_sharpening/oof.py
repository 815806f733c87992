"""Are the shipped model's probabilities too timid, and does one sharpening temperature fix it?

    .venv/bin/python experiments/calibration_sharpening/oof.py FOLD_SEED MODEL

MODEL: the model the temperature is tried on, as run: model 2026.12.1 (not sharpened),
classifiers/artifacts/ceasewatch-2026.12.1.skops at commit 9b6b6e6.

The card's reliability table (all held-out news) shows items scored 0.8-0.9 are escalation 100%
of the time and items scored 0.1-0.2 0.5%: the scores are squeezed towards the middle. Here:
out-of-fold QuadClass probabilities of the shipped design (classifiers.cross_validate's folds:
held-out ConfliBERT training sentences and held-out weakly calm archive items) fit one
temperature T on the calibrated probabilities, q_i proportional to p_i ** (1 / T), by
log-loss. Then T is applied to the shipped model on the dev split, which neither the model nor
T ever saw, and the dev ECE and F1 are printed before and after. Writes the OOF probabilities to
/tmp/exp/oof_SEED.npz.
"""
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

sys.path.insert(0, ".")
from classifiers.artifacts import load_model  # noqa: E402
from classifiers.cross_validate import folds  # noqa: E402
from classifiers.datasets import load_corpora  # noqa: E402
from classifiers.evaluation import quad_metrics  # noqa: E402
from classifiers.training import (  # noqa: E402
    DEFAULT_DESIGN,
    fit_design,
    quad_probabilities,
    split_news_dev,
)
from classifiers.vocabulary import QUAD_CLASSES  # noqa: E402
from classifiers.weak_labels import archive_weak_labels  # noqa: E402

data = Path("../shared/data")
seed = int(sys.argv[1])
out = Path(f"/tmp/exp/oof_{seed}.npz")
corpora = load_corpora(data)
training, dev = split_news_dev(corpora, seed=0)
if out.is_file():
    saved = np.load(out)
    proba, truth = saved["proba"], saved["truth"]
else:
    training += archive_weak_labels(data)[0]
    probas, truths = [], []
    for fit, news, calm in folds(training, seed=seed):
        pipeline = fit_design(DEFAULT_DESIGN, fit, seed=seed)
        held = news + calm
        probas.append(quad_probabilities(pipeline, [item.text for item in held]))
        truths += [QUAD_CLASSES.index(item.quad or "neutral") for item in held]
        print("fold done", flush=True)
    proba, truth = np.vstack(probas), np.array(truths)
    out.parent.mkdir(exist_ok=True)
    np.savez(out, proba=proba, truth=truth)


def sharpen(p, t):
    logp = np.log(np.clip(p, 1e-12, 1.0)) / t
    logp -= logp.max(axis=1, keepdims=True)
    q = np.exp(logp)
    return q / q.sum(axis=1, keepdims=True)


def nll(t, p, y):
    return -np.mean(np.log(sharpen(p, t)[np.arange(len(y)), y] + 1e-12))


fitted = minimize_scalar(nll, bounds=(0.2, 3.0), args=(proba, truth), method="bounded").x
print(f"fold seed {seed}: {len(truth)} out-of-fold items, T = {fitted:.3f} "
      f"(log-loss {nll(1.0, proba, truth):.4f} -> {nll(fitted, proba, truth):.4f})")
oof = quad_metrics([QUAD_CLASSES[i] for i in truth], proba)
oof_t = quad_metrics([QUAD_CLASSES[i] for i in truth], sharpen(proba, fitted))
print(f"  out-of-fold escalation ECE {oof['escalation_ece']} -> {oof_t['escalation_ece']}, "
      f"de-escalation {oof['deescalation_ece']} -> {oof_t['deescalation_ece']} (in-sample for T)")

scorer = load_model(Path(sys.argv[2]))
dev["all_news"] = [item for items in list(dev.values()) for item in items]
for name, items in dev.items():
    p = scorer.quad_probabilities([item.text for item in items])
    labels = [item.quad or "neutral" for item in items]
    before, after = quad_metrics(labels, p), quad_metrics(labels, sharpen(p, fitted))
    print(f"  dev {name:10s} n={len(items):5d} escalation ECE {before['escalation_ece']:.4f} -> "
          f"{after['escalation_ece']:.4f}, de-escalation ECE {before['deescalation_ece']:.4f} -> "
          f"{after['deescalation_ece']:.4f}, escalation F1 {before['escalation_f1']:.4f} -> "
          f"{after['escalation_f1']:.4f}, macro-F1 {before['macro_f1']:.4f} -> "
          f"{after['macro_f1']:.4f}")
    if name == "all_news":
        for row in after["escalation_reliability"]:
            print("    ", row)
