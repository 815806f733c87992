"""Brier score, log-loss and the mid-range of the escalation probability on the dev split, for
model 2026.12.1 sharpened by T = 1 (as shipped then), 0.52 (shipped in 2026.12.2) and 0.7.

    .venv/bin/python experiments/calibration_sharpening/proper_scores.py MODEL_2026_12_1
"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, ".")
from classifiers.artifacts import load_model  # noqa: E402
from classifiers.datasets import load_corpora  # noqa: E402
from classifiers.designs import sharpen  # noqa: E402
from classifiers.training import split_news_dev  # noqa: E402
from classifiers.vocabulary import QUAD_CLASSES  # noqa: E402

old = load_model(Path(sys.argv[1]))
_, dev = split_news_dev(load_corpora(Path("../shared/data")), seed=0)
dev["all_news"] = [item for items in list(dev.values()) for item in items]
conflict = [QUAD_CLASSES.index(c) for c in ("verbal_conflict", "material_conflict")]
for name in ("conflibert", "all_news"):
    items = dev[name]
    proba = old.quad_probabilities([item.text for item in items])
    truth = np.isin([QUAD_CLASSES.index(item.quad or "neutral") for item in items], conflict)
    for temperature in (1.0, 0.52, 0.7):
        e = sharpen(proba, temperature)[:, conflict].sum(axis=1)
        clipped = np.clip(e, 1e-9, 1 - 1e-9)
        brier = np.mean((e - truth) ** 2)
        logloss = -np.mean(truth * np.log(clipped) + (1 - truth) * np.log(1 - clipped))
        mid = (e > 0.3) & (e < 0.8)
        print(f"{name:10s} T={temperature}: Brier {brier:.4f}, log-loss {logloss:.4f}; scored "
              f"0.3-0.8: {mid.sum()} items, mean {e[mid].mean():.3f}, truly escalation "
              f"{truth[mid].mean():.3f}")
